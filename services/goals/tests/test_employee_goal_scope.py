"""Whose medarbetarmål a caller reaches: the pure checks over a RowScope, and the scope built from a token."""

from __future__ import annotations

import uuid

import pytest

from vsm_common.access import RowScope
from vsm_common.auth import Principal
from vsm_common.errors import Forbidden
from vsm_goals.api.context import employee_goal_scope
from vsm_goals.domain.model import EmployeeGoal, GoalState
from vsm_goals.service.access import admitted, check_export, narrow, reaches_by_unit

OWN_UNIT, OTHER_UNIT = uuid.uuid4(), uuid.uuid4()
HR, MANAGER, EMPLOYEE = RowScope.all(), RowScope.of_organization("CENTRUM"), RowScope.of_person("emp-1")


def _goal(employee_ref: str, unit_id: uuid.UUID) -> EmployeeGoal:
    return EmployeeGoal(uuid.uuid4(), "heroma", "hr-1", employee_ref, unit_id, uuid.uuid4(), "Läsa", GoalState.ADOPTED)


def test_only_a_managers_scope_needs_the_unit_resolved() -> None:
    assert [reaches_by_unit(s) for s in (HR, MANAGER, EMPLOYEE, RowScope())] == [False, True, False, False]


def test_narrow_keeps_the_hr_systems_filters_and_sets_the_callers_own() -> None:
    assert narrow(HR, None, "emp-9", OTHER_UNIT) == ("emp-9", OTHER_UNIT)
    assert narrow(EMPLOYEE, None, None, None) == ("emp-1", None)
    assert narrow(EMPLOYEE, None, "emp-1", OWN_UNIT) == ("emp-1", OWN_UNIT)
    assert narrow(MANAGER, OWN_UNIT, "emp-9", None) == ("emp-9", OWN_UNIT)


@pytest.mark.parametrize(
    ("scope", "own", "ref", "unit", "rule", "key"),
    [
        (EMPLOYEE, None, "emp-2", None, "access.own_employee_goals", "employee_ref"),
        (MANAGER, OWN_UNIT, None, OTHER_UNIT, "access.own_unit", "unit_id"),
        (RowScope(), None, None, None, "access.employee_goals", None),
    ],
)
def test_narrow_refuses_someone_elses(
    scope: RowScope, own: uuid.UUID | None, ref: str | None, unit: uuid.UUID | None, rule: str, key: str | None
) -> None:
    with pytest.raises(Forbidden) as refused:
        narrow(scope, own, ref, unit)
    assert (refused.value.rule, refused.value.key) == (rule, key)


def test_admitted_keeps_only_the_callers_rows() -> None:
    mine, colleague, elsewhere = _goal("emp-1", OWN_UNIT), _goal("emp-2", OWN_UNIT), _goal("emp-3", OTHER_UNIT)
    goals = {g.id: g for g in (mine, colleague, elsewhere)}
    assert set(admitted(HR, None, goals)) == set(goals)
    assert set(admitted(EMPLOYEE, None, goals)) == {mine.id}
    assert set(admitted(MANAGER, OWN_UNIT, goals)) == {mine.id, colleague.id}
    assert admitted(RowScope(), None, goals) == {}


def test_an_export_is_the_hr_systems_or_the_employees_own() -> None:
    check_export(HR, "emp-9")
    check_export(EMPLOYEE, "emp-1")
    for scope, ref in ((EMPLOYEE, "emp-2"), (MANAGER, "emp-1")):
        with pytest.raises(Forbidden) as refused:
            check_export(scope, ref)
        assert refused.value.rule == "access.export"
        assert refused.value.message == "a registerutdrag is made by the HR system, or by the employee for themselves"


def test_the_scope_from_the_token() -> None:
    def scope(*roles: str, org: str | None = "CENTRUM") -> RowScope:
        return employee_goal_scope(Principal(subject="emp-1", roles=frozenset(roles), organization=org))

    assert scope("hr-system", "manager") == HR
    assert scope("manager") == MANAGER
    assert scope("manager", "employee", org=None) == EMPLOYEE
    assert scope("employee") == RowScope.of_person("emp-1")
    assert scope("planner") == RowScope()
