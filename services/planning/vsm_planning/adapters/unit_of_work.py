"""The planning unit of work on PostgreSQL: the repositories of one transaction, on its connection."""

from __future__ import annotations

import asyncpg

from vsm_common.uow import SqlUnitOfWork

from ..ports import (
    Cycles,
    DirectiveContents,
    Directives,
    Establishments,
    KnownGoals,
    KnownOrganizations,
    Plans,
)
from .cycles import SqlCycles
from .directive_content import SqlDirectiveContent
from .directives import SqlDirectives
from .establishments import SqlEstablishments
from .goal_projection import SqlKnownGoals, SqlKnownOrganizations
from .plans import SqlPlans


class SqlPlanningUnitOfWork(SqlUnitOfWork):
    """``ports.PlanningUnitOfWork`` on PostgreSQL; the repositories exist inside ``async with``."""

    # Annotated with the ports, so mypy holds each Sql* class to its Protocol.
    cycles: Cycles
    directives: Directives
    directive_content: DirectiveContents
    plans: Plans
    known_goals: KnownGoals
    known_organizations: KnownOrganizations
    establishments: Establishments

    def _bind(self, conn: asyncpg.Connection) -> None:
        self.cycles = SqlCycles(conn)
        self.directives = SqlDirectives(conn)
        self.directive_content = SqlDirectiveContent(conn)
        self.plans = SqlPlans(conn)
        self.known_goals = SqlKnownGoals(conn)
        self.known_organizations = SqlKnownOrganizations(conn)
        self.establishments = SqlEstablishments(conn)


def planning_unit(uow: SqlUnitOfWork) -> SqlPlanningUnitOfWork:
    """``Runtime.unit_of_work()`` as what it is in this service (``wiring.py`` sets the class), for the
    composition code (seed) that calls use cases without a request."""
    assert isinstance(uow, SqlPlanningUnitOfWork), "wiring.py sets unit_of_work=SqlPlanningUnitOfWork"
    return uow
