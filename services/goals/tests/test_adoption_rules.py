"""Unit tests of decisions, adoption, revision, review cycle and medarbetarmål rows (pure domain)."""

import uuid
from dataclasses import replace
from datetime import date

import pytest

from vsm_common.errors import DomainError
from vsm_goals.domain import employee_goals, rules
from vsm_goals.domain.model import (
    Decision,
    EmployeeGoal,
    Goal,
    GoalLevel,
    GoalState,
    Organization,
    OrganizationKind,
)

KF = Organization(uuid.uuid4(), "KF", "Kommunfullmäktige", OrganizationKind.COUNCIL)
KS = Organization(uuid.uuid4(), "KS", "Kommunstyrelsen", OrganizationKind.EXECUTIVE_BOARD)
BUN = Organization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", OrganizationKind.COMMITTEE, KF.id)
UNIT = Organization(uuid.uuid4(), "U1", "Skolområde", OrganizationKind.UNIT)


def goal(level: GoalLevel, state: GoalState = GoalState.DRAFT, **kw: object) -> Goal:
    return Goal(id=uuid.uuid4(), level=level, title="Mål", state=state, **kw)  # type: ignore[arg-type]


ADOPTED_TOP = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)


def test_council_decides_upper_levels_and_owner_decides_operational() -> None:
    rules.check_decision_body(goal(GoalLevel.OVERARCHING), KF)
    for level in (GoalLevel.OVERARCHING, GoalLevel.ACTION_PROGRAMME, GoalLevel.CONCRETE):
        with pytest.raises(DomainError) as info:
            rules.check_decision_body(goal(level), KS)
        assert info.value.rule == "decision.body_for_level"
        assert info.value.key == "decision.body_id"
    op = goal(GoalLevel.OPERATIONAL, organization_ids=(BUN.id,))
    rules.check_decision_body(op, BUN)
    with pytest.raises(DomainError, match="owns it"):
        rules.check_decision_body(op, KF)


def test_decisions_follow_each_other_in_time() -> None:
    g = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED, last_decision_on=date(2025, 5, 1))
    rules.check_decision_order(g, date(2025, 5, 1))
    with pytest.raises(DomainError) as info:
        rules.check_decision_order(g, date(2025, 4, 30))
    assert info.value.rule == "decision.date_order"


def test_adoption_needs_links_of_the_level() -> None:
    with pytest.raises(DomainError) as info:
        rules.check_adoptable(goal(GoalLevel.ACTION_PROGRAMME), [], [])
    assert info.value.rule == "goal.adoption_needs_parent"
    rules.check_adoptable(goal(GoalLevel.ACTION_PROGRAMME), [ADOPTED_TOP], [])
    rules.check_adoptable(goal(GoalLevel.OVERARCHING), [], [])


def test_adoption_needs_parents_in_force() -> None:
    for state in (GoalState.DRAFT, GoalState.RETIRED):
        with pytest.raises(DomainError) as info:
            rules.check_adoptable(goal(GoalLevel.ACTION_PROGRAMME), [replace(ADOPTED_TOP, state=state)], [])
        assert info.value.rule == "goal.parent_in_force"


def test_concrete_goal_needs_recipients_and_one_to_three_years() -> None:
    parent = goal(GoalLevel.ACTION_PROGRAMME, GoalState.ADOPTED)
    ok = goal(GoalLevel.CONCRETE, valid_from=date(2027, 1, 1), valid_to=date(2028, 12, 31))
    rules.check_adoptable(ok, [parent], [BUN])
    with pytest.raises(DomainError) as info:
        rules.check_adoptable(ok, [parent], [])
    assert info.value.rule == "goal.concrete_recipients"
    with pytest.raises(DomainError) as info:
        rules.check_adoptable(replace(ok, valid_to=None), [parent], [BUN])
    assert info.value.rule == "goal.concrete_validity"
    with pytest.raises(DomainError) as info:
        rules.check_adoptable(replace(ok, valid_to=date(2027, 6, 30)), [parent], [BUN])  # half a year
    assert info.value.rule == "goal.concrete_validity"


def test_operational_goal_needs_one_owner() -> None:
    parent = goal(GoalLevel.CONCRETE, GoalState.ADOPTED)
    rules.check_adoptable(goal(GoalLevel.OPERATIONAL), [parent], [BUN])
    with pytest.raises(DomainError) as info:
        rules.check_adoptable(goal(GoalLevel.OPERATIONAL), [parent], [])
    assert info.value.rule == "goal.operational_owner"


def test_only_drafts_are_adopted_and_only_adopted_goals_retired() -> None:
    with pytest.raises(DomainError) as info:
        rules.check_adoptable(ADOPTED_TOP, [], [])
    assert info.value.rule == "goal.state"
    with pytest.raises(DomainError):
        rules.check_retirable(goal(GoalLevel.OVERARCHING))
    rules.check_retirable(ADOPTED_TOP)


def test_adopted_goal_is_never_edited_in_place() -> None:
    rules.check_revisable(goal(GoalLevel.OVERARCHING), has_decision=False)
    with pytest.raises(DomainError) as info:
        rules.check_revisable(ADOPTED_TOP, has_decision=False)
    assert (info.value.rule, info.value.key) == ("goal.revision_needs_decision", "decision")
    rules.check_revisable(ADOPTED_TOP, has_decision=True)
    with pytest.raises(DomainError):
        rules.check_revisable(replace(ADOPTED_TOP, state=GoalState.RETIRED), has_decision=True)


def test_review_cycle() -> None:
    top = replace(ADOPTED_TOP, last_decision_on=date(2024, 2, 29))
    assert top.review_due == date(2028, 2, 29)
    programme = goal(GoalLevel.ACTION_PROGRAMME, GoalState.ADOPTED, last_decision_on=date(2024, 2, 29))
    assert programme.review_due == date(2025, 2, 28)
    assert goal(GoalLevel.CONCRETE, GoalState.ADOPTED, last_decision_on=date(2024, 1, 1)).review_due is None
    assert goal(GoalLevel.OVERARCHING).review_due is None


def test_employee_goal_rows_are_checked_one_by_one() -> None:
    op = goal(GoalLevel.OPERATIONAL, GoalState.ADOPTED)
    draft_op = goal(GoalLevel.OPERATIONAL)
    concrete = goal(GoalLevel.CONCRETE, GoalState.ADOPTED)

    def row(ext: str, unit: uuid.UUID, goal_id: uuid.UUID, title: str = "Mitt mål") -> EmployeeGoal:
        return EmployeeGoal(uuid.uuid4(), "hr", ext, "emp-1", unit, goal_id, title, GoalState.ADOPTED)

    rows = [
        row("a", UNIT.id, op.id),
        row("b", uuid.uuid4(), op.id),
        row("c", UNIT.id, draft_op.id),
        row("d", UNIT.id, concrete.id),
        row("e", UNIT.id, op.id, title="  "),
        row("a", UNIT.id, op.id),
        row("f", KF.id, op.id),
    ]
    problems = employee_goals.check_employee_goal_rows(
        rows, {UNIT.id: UNIT, KF.id: KF}, {g.id: g for g in (op, draft_op, concrete)}
    )
    assert [(p.index, p.key) for p in problems] == [
        (1, "unit_id"),
        (2, "operational_goal_id"),
        (3, "operational_goal_id"),
        (4, "title"),
        (5, "external_id"),
        (6, "unit_id"),
    ]


def test_decision_is_a_value() -> None:
    assert Decision(KF.id, date(2026, 1, 1)) == Decision(KF.id, date(2026, 1, 1), None, None)
