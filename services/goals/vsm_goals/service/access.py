"""Whose medarbetarmål a caller reaches (radbehörighet): pure checks over what the use case loaded.

The scope is everyone's (the HR system), one unit's (its manager: the token's organisation) or one
person's (an employee: the token's subject). A manager's unit is named by its code in the token; the
use case resolves its id (``own_unit_id``) through the unit of work before these checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from vsm_common.access import RowScope
from vsm_common.errors import Forbidden

from ..domain.model import EmployeeGoal


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
