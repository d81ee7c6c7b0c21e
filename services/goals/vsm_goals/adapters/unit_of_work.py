"""The goals unit of work on PostgreSQL: the repositories of one transaction, on its connection."""

from __future__ import annotations

import asyncpg

from vsm_common.uow import SqlUnitOfWork

from ..ports import Decisions, EmployeeGoals, GoalLinks, Goals, Organizations, Themes
from .decisions import SqlDecisions
from .employee_goals import SqlEmployeeGoals
from .goal_links import SqlGoalLinks
from .goals import SqlGoals
from .organizations import SqlOrganizations
from .vision import SqlThemes


class SqlGoalsUnitOfWork(SqlUnitOfWork):
    """``ports.GoalsUnitOfWork`` on PostgreSQL; the repositories exist inside ``async with``."""

    # Annotated with the ports, so mypy holds each Sql* class to its Protocol.
    goals: Goals
    links: GoalLinks
    organizations: Organizations
    themes: Themes
    decisions: Decisions
    employee_goals: EmployeeGoals

    def _bind(self, conn: asyncpg.Connection) -> None:
        # The links and the goals read "now" as the unit of work's day, never the clock's.
        self.goals = SqlGoals(conn, today=self.today)
        self.links = SqlGoalLinks(conn, today=self.today)
        self.organizations = SqlOrganizations(conn)
        self.themes = SqlThemes(conn)
        self.decisions = SqlDecisions(conn)
        self.employee_goals = SqlEmployeeGoals(conn)


def goals_unit(uow: SqlUnitOfWork) -> SqlGoalsUnitOfWork:
    """``Runtime.unit_of_work()`` as what it is in this service (``wiring.py`` sets the class), for
    the composition code (seed, commands) that calls use cases without a request."""
    assert isinstance(uow, SqlGoalsUnitOfWork), "wiring.py sets unit_of_work=SqlGoalsUnitOfWork"
    return uow
