"""Rules of medarbetarmål (employees' goals from the HR system): what a batch from the HR system must hold,
and whose medarbetarmål a caller reaches (pure: the use case resolves the caller's unit first)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vsm_common.access import RowScope
from vsm_common.errors import Forbidden

from .errors import RowKey
from .model import EmployeeGoal, Goal, GoalLevel, GoalState, Organization, OrganizationKind
from .rules import TITLE_MAX

MAX_EMPLOYEE_GOAL_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one row of a batch; the batch is refused whole."""

    index: int
    key: RowKey  # the row's field, in the domain's words; api/employee_goals.py names it in GraphQL's
    message: str


def check_employee_goal_rows(
    rows: Sequence[EmployeeGoal],
    units: Mapping[uuid.UUID, Organization],
    operational_goals: Mapping[uuid.UUID, Goal],
) -> list[RowProblem]:
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        if not row.external_id.strip():
            problems.append(RowProblem(i, "external_id", "externalId must not be empty"))
        elif row.external_id in seen:
            problems.append(RowProblem(i, "external_id", f"externalId repeats row {seen[row.external_id]}"))
        else:
            seen[row.external_id] = i
        if not row.employee_ref.strip():
            problems.append(RowProblem(i, "employee_ref", "employeeRef must not be empty"))
        if not row.title.strip():
            problems.append(RowProblem(i, "title", "title must not be empty"))
        elif len(row.title) > TITLE_MAX:
            problems.append(RowProblem(i, "title", f"title must be at most {TITLE_MAX} characters"))
        unit = units.get(row.unit_id)
        if unit is None:
            problems.append(RowProblem(i, "unit_id", "unknown unit"))
        elif unit.kind not in (OrganizationKind.UNIT, OrganizationKind.ADMINISTRATION):
            problems.append(RowProblem(i, "unit_id", f"{unit.code} is {unit.kind}, not a unit (enhet) or förvaltning"))
        goal = operational_goals.get(row.operational_goal_id)
        if goal is None:
            problems.append(RowProblem(i, "operational_goal_id", "unknown goal"))
        elif goal.level is not GoalLevel.OPERATIONAL or goal.state is not GoalState.ADOPTED:
            problems.append(
                RowProblem(
                    i,
                    "operational_goal_id",
                    f"a medarbetarmål links to an adopted OPERATIONAL goal; this one is {goal.level} {goal.state}",
                )
            )
    return problems


# ---------------------------------------------------------------- whose medarbetarmål a caller reaches
# The scope is everyone's (the HR system), one unit's (its manager: the token's organisation) or one
# person's (an employee: the token's subject). A manager's unit is named by its code in the token; the
# use case resolves its id (``own_unit_id``) through the unit of work before these pure checks.


def reaches_by_unit(scope: RowScope) -> bool:
    """Whether ``scope`` reaches medarbetarmål by the caller's unit, so the use case must resolve its id."""
    return not scope.everyone and scope.person is None and scope.organization is not None


def narrow(
    scope: RowScope, own_unit_id: uuid.UUID | None, employee_ref: str | None, unit_id: uuid.UUID | None
) -> tuple[str | None, uuid.UUID | None]:
    """The filters a read runs with: the caller's own, refusing a filter that asks for someone else's."""
    if scope.everyone:
        return employee_ref, unit_id
    if scope.person is not None:
        if employee_ref is not None:
            scope.require_person(
                employee_ref,
                key="employee_ref",
                rule="access.own_employee_goals",
                message="an employee may read only their own medarbetarmål",
            )
        return scope.person, unit_id
    if own_unit_id is not None:
        if unit_id is not None and unit_id != own_unit_id:
            raise Forbidden(
                "a manager may read only the medarbetarmål of their own unit", key="unit_id", rule="access.own_unit"
            )
        return employee_ref, own_unit_id
    raise Forbidden("medarbetarmål are not readable with this role", rule="access.employee_goals")


def admitted(
    scope: RowScope, own_unit_id: uuid.UUID | None, goals: Mapping[uuid.UUID, EmployeeGoal]
) -> dict[uuid.UUID, EmployeeGoal]:
    """Of ``goals`` (looked up by id), those the caller may see."""
    if scope.everyone:
        return dict(goals)
    if scope.person is not None:
        return {k: g for k, g in goals.items() if g.employee_ref == scope.person}
    if own_unit_id is not None:
        return {k: g for k, g in goals.items() if g.unit_id == own_unit_id}
    return {}


def check_export(scope: RowScope, employee_ref: str) -> None:
    """A registerutdrag is the HR system's to make, or the employee's own (never a manager's)."""
    scope.require_person(
        employee_ref,
        key="employee_ref",
        rule="access.export",
        message="a registerutdrag is made by the HR system, or by the employee for themselves",
    )
