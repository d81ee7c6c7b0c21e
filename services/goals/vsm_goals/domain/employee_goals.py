"""Rules of medarbetarmål (employees' goals from the HR system): what a batch from the HR system must hold.

Whose medarbetarmål a caller reaches is ``service/access.py``'s."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
