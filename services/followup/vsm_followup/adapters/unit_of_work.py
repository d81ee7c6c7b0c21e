"""The followup unit of work on PostgreSQL: the repositories of one transaction, on its connection."""

from __future__ import annotations

import asyncpg

from vsm_common.uow import SqlUnitOfWork

from ..ports import Actions, Assessments, Goals, Indicators, Organizations, Periods
from .actions import SqlActions
from .assessments import SqlAssessments
from .goal_projection import SqlGoals, SqlOrganizations
from .indicators import SqlIndicators
from .periods import SqlPeriods


class SqlFollowupUnitOfWork(SqlUnitOfWork):
    """``ports.FollowupUnitOfWork`` on PostgreSQL; the repositories exist inside ``async with``
    (or at once when joining an event handler's inbox transaction)."""

    # Annotated with the ports, so mypy holds each Sql* class to its Protocol.
    goals: Goals
    organizations: Organizations
    periods: Periods
    indicators: Indicators
    assessments: Assessments
    actions: Actions

    def _bind(self, conn: asyncpg.Connection) -> None:
        self.goals = SqlGoals(conn)
        self.organizations = SqlOrganizations(conn)
        self.periods = SqlPeriods(conn)
        self.indicators = SqlIndicators(conn)
        self.assessments = SqlAssessments(conn)
        self.actions = SqlActions(conn)


def followup_unit(uow: SqlUnitOfWork) -> SqlFollowupUnitOfWork:
    """``Runtime.unit_of_work()`` as what it is in this service (``wiring.py`` sets the class), for
    the composition code (seed, commands) that calls use cases without a request."""
    assert isinstance(uow, SqlFollowupUnitOfWork), "wiring.py sets unit_of_work=SqlFollowupUnitOfWork"
    return uow
