"""Medarbetarmål: employees' goals from the HR system, personal data whose every read is logged."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from vsm_common import scopes
from vsm_common.cursors import page_window
from vsm_common.field_paths import camel

from ..domain import model
from ..domain.employee_goals import RowProblem
from ..service import employee_goals
from .common import GInfo, PageArgs, PageInfo, RowError
from .enums import GoalState
from .organizations import Organization

if TYPE_CHECKING:
    from .goals import Goal


@strawberry.federation.type(
    requires_scopes=scopes.PERSONAL, keys=["id"], description="A medarbetarmål: an employee's goal. Personal data."
)
class EmployeeGoal:
    id: strawberry.ID = strawberry.field(description="Id of the medarbetarmål in vsm.")
    employee_ref: str = strawberry.field(description="Pseudonymous employee reference from the HR system.")
    title: str = strawberry.field(description="The goal as the employee and manager wrote it.")
    state: GoalState = strawberry.field(description="State; a medarbetarmål from the HR system is ADOPTED (antaget).")
    source_system: str = strawberry.field(description="The HR system the goal came from (källsystem).")
    external_id: str = strawberry.field(description="The goal's id in that system.")
    unit_id: strawberry.Private[uuid.UUID]
    operational_goal_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, g: model.EmployeeGoal) -> EmployeeGoal:
        return cls(
            id=strawberry.ID(str(g.id)),
            employee_ref=g.employee_ref,
            title=g.title,
            state=g.state,
            source_system=g.source_system,
            external_id=g.external_id,
            unit_id=g.unit_id,
            operational_goal_id=g.operational_goal_id,
        )

    @strawberry.field(description="The unit (enhet) where the employee works.")
    async def unit(self, info: GInfo) -> Organization:
        org = await info.context.loaders.organization.load(self.unit_id)
        assert org is not None
        return Organization.from_domain(org)

    @strawberry.field(description="The verksamhetsmål the goal contributes to.")
    async def operational_goal(self, info: GInfo) -> Annotated[Goal, strawberry.lazy("vsm_goals.api.goals")]:
        # Lazy: goals.py builds on this module (a verksamhetsmål lists its medarbetarmål).
        from .goals import Goal

        goal = await info.context.loaders.at(None).goal.load(self.operational_goal_id)
        assert goal is not None
        return Goal.from_domain(goal)

    @classmethod
    async def resolve_reference(cls, info: GInfo, id: strawberry.ID) -> EmployeeGoal | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        found = await info.context.loaders.employee_goal.load(key)
        return cls.from_domain(found) if found else None


@strawberry.federation.type(requires_scopes=scopes.PERSONAL, description="A medarbetarmål in a page.")
class EmployeeGoalEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this edge, for `after` and `before`.")
    node: EmployeeGoal = strawberry.field(description="The medarbetarmål.")


@strawberry.federation.type(requires_scopes=scopes.PERSONAL, description="A page of medarbetarmål (Relay connection).")
class EmployeeGoalConnection:
    edges: list[EmployeeGoalEdge] = strawberry.field(description="The medarbetarmål of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page, and where it starts.")
    total_count: int = strawberry.field(description="Number of medarbetarmål matching the filter.")


# What the cursors of a page of medarbetarmål are bound to: a cursor of another connection is refused.
EMPLOYEE_GOAL_CONNECTION = "EmployeeGoalConnection"


async def employee_goal_page(
    info: GInfo,
    paging: PageArgs,
    purpose: str | None,
    *,
    employee_ref: str | None = None,
    unit_id: uuid.UUID | None = None,
    operational_goal_id: uuid.UUID | None = None,
) -> EmployeeGoalConnection:
    cursors = info.context.runtime.cursors
    window = page_window(
        cursors,
        EMPLOYEE_GOAL_CONNECTION,
        first=paging.first,
        after=paging.after,
        last=paging.last,
        before=paging.before,
    )
    page = await employee_goals.read_page(
        info.context.uow(),
        info.context.reader(purpose),
        employee_ref=employee_ref,
        unit_id=unit_id,
        operational_goal_id=operational_goal_id,
        window=window,
    )
    edges = [
        EmployeeGoalEdge(cursor=cursors.encode(EMPLOYEE_GOAL_CONNECTION, seq), node=EmployeeGoal.from_domain(g))
        for seq, g in page.rows
    ]
    return EmployeeGoalConnection(edges=edges, page_info=PageInfo.of(page, edges), total_count=page.total)


@strawberry.federation.type(
    requires_scopes=scopes.PERSONAL,
    description="Outcome of a batch of medarbetarmål; a batch with any error changes nothing.",
)
class UpsertEmployeeGoalsResult:
    created: int = strawberry.field(description="Medarbetarmål new to vsm (matched by source system and external id).")
    updated: int = strawberry.field(description="Medarbetarmål already in vsm that changed.")
    unchanged: int = strawberry.field(description="Medarbetarmål already in vsm, unchanged.")
    errors: list[RowError] = strawberry.field(
        description="What is wrong with each invalid row; when not empty, nothing was changed."
    )


def row_error(problem: RowProblem) -> RowError:
    """A refused row of a batch, its field named as in ``EmployeeGoalInput`` (``unit_id`` -> ``unitId``)."""
    return RowError(index=problem.index, field=camel(problem.key), message=problem.message)


@strawberry.federation.type(
    requires_scopes=scopes.PERSONAL, description="One read of an employee's medarbetarmål (loggpost)."
)
class AccessLogEntry:
    accessed_at: datetime = strawberry.field(description="When they were read (åtkomsttidpunkt).")
    actor: str = strawberry.field(description="Who read them.")
    purpose: str = strawberry.field(description="Why (ändamål).")
    operation: str = strawberry.field(description="read or export.")
    goal_count: int = strawberry.field(description="How many of the employee's goals were returned.")


@strawberry.federation.type(
    requires_scopes=scopes.PERSONAL,
    description="Everything vsm holds about one employee reference (registerutdrag, GDPR art. 15).",
)
class EmployeeDataExport:
    employee_ref: str = strawberry.field(description="The pseudonymous employee reference the export is about.")
    employee_goals: list[EmployeeGoal] = strawberry.field(description="Every medarbetarmål held for the employee.")
    access_log: list[AccessLogEntry] = strawberry.field(
        description="Every logged read of the employee's medarbetarmål (åtkomstlogg), oldest first, "
        "this export included."
    )


@strawberry.input(description="A medarbetarmål from the HR system.")
class EmployeeGoalInput:
    external_id: str = strawberry.field(description="The goal's id in the HR system.")
    employee_ref: str = strawberry.field(description="Pseudonymous employee reference; never a name or personnummer.")
    unit_id: strawberry.ID = strawberry.field(description="The unit (enhet) or förvaltning where the employee works.")
    operational_goal_id: strawberry.ID = strawberry.field(
        description="The adopted verksamhetsmål the goal contributes to."
    )
    title: str = strawberry.field(description="The goal as the employee and manager wrote it.")
