"""Unit tests of verksamhetsplaner: goals, internbudget, balance against the frames, transitions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from planning_fixtures import BUF, BUN, HEM, KS, SN, goal, plan

from vsm_common.errors import Conflict, DomainError
from vsm_planning.domain import cycles, plans
from vsm_planning.domain.errors import UnbalancedBudget
from vsm_planning.domain.model import BudgetFrame, BudgetLine, Decision, GoalLevel, GoalState, PlanState

L = GoalLevel


def frames(*amounts: str) -> list[BudgetFrame]:
    return [BudgetFrame(BUN.id, 2027 + i, Decimal(a)) for i, a in enumerate(amounts)]


def lines(*amounts: str) -> list[BudgetLine]:
    return [BudgetLine("Grundskola", 2027 + i, Decimal(a)) for i, a in enumerate(amounts)]


def test_a_plan_covers_the_budget_year_and_two_plan_years() -> None:
    assert cycles.plan_years(2027) == (2027, 2028, 2029)
    assert plan().years == (2027, 2028, 2029)


def test_plans_belong_to_committees_and_companies_that_received_a_directive() -> None:
    plans.check_plan_organization(BUN, True)
    plans.check_plan_organization(HEM, True)
    for org in (BUF, KS):
        with pytest.raises(DomainError) as info:
            plans.check_plan_organization(org, True)
        assert (info.value.key, info.value.rule) == ("organization_id", "plan.organization_kind")
    with pytest.raises(DomainError) as info:
        plans.check_plan_organization(SN, False)
    assert info.value.rule == "plan.no_directive"


def test_verksamhetsmal_are_own_operational_goals_serving_a_concrete_goal_directed_to_the_organisation() -> None:
    k_bun = goal(L.CONCRETE, BUN)
    k_sn = goal(L.CONCRETE, SN)
    parents = {k_bun.id: k_bun, k_sn.id: k_sn}
    plans.check_plan_goals(BUN.id, [goal(L.OPERATIONAL, BUN, parents=(k_bun.id,))], parents)
    cases = [
        (goal(L.CONCRETE, BUN), "plan.goal_level"),
        (goal(L.OPERATIONAL, SN, parents=(k_sn.id,)), "plan.goal_owner"),
        (goal(L.OPERATIONAL, BUN, parents=(k_sn.id,)), "plan.goal_serves"),  # serves another's goal
        (goal(L.OPERATIONAL, BUN), "plan.goal_serves"),  # serves nothing
        (goal(L.OPERATIONAL, BUN, parents=(k_bun.id,), state=GoalState.RETIRED), "plan.goal_retired"),
    ]
    for g, rule in cases:
        with pytest.raises(DomainError) as info:
            plans.check_plan_goals(BUN.id, [g], parents)
        assert (info.value.key, info.value.rule) == ("goal_ids", rule), rule
    retired_parent = replace(k_bun, state=GoalState.RETIRED)
    with pytest.raises(DomainError) as info:
        plans.check_plan_goals(BUN.id, [goal(L.OPERATIONAL, BUN, parents=(k_bun.id,))], {k_bun.id: retired_parent})
    assert info.value.rule == "plan.goal_serves"


def test_only_draft_or_returned_plans_change() -> None:
    plans.check_plan_editable(plan(state=PlanState.DRAFT))
    plans.check_plan_editable(plan(state=PlanState.RETURNED))
    for state in (PlanState.SUBMITTED, PlanState.ADOPTED):
        with pytest.raises(Conflict) as info:
            plans.check_plan_editable(plan(state=state))
        assert info.value.rule == "plan.not_editable"


def test_internbudget_lines_are_exact_within_the_plan_years_and_unique_per_activity_and_year() -> None:
    years = (2027, 2028, 2029)
    checked = plans.check_budget_lines(
        [plans.LineInput(" Grundskola ", 2027, Decimal("100")), plans.LineInput("Avgifter", 2027, Decimal("-5.50"))],
        years,
    )
    assert checked == [
        BudgetLine("Grundskola", 2027, Decimal("100.00")),
        BudgetLine("Avgifter", 2027, Decimal("-5.50")),
    ]
    cases = [
        ([plans.LineInput("", 2027, Decimal(1))], "lines.0.activity", "plan.activity_required"),
        ([plans.LineInput("x" * 201, 2027, Decimal(1))], "lines.0.activity", "plan.activity_length"),
        ([plans.LineInput("A", 2030, Decimal(1))], "lines.0.year", "plan.budget_year"),
        ([plans.LineInput("A", 2027, Decimal("0.001"))], "lines.0.amount", "amount.precision"),
        (
            [plans.LineInput("A", 2027, Decimal(1)), plans.LineInput("a", 2027, Decimal(2))],
            "lines.1",
            "plan.budget_line_duplicate",
        ),
    ]
    for given, key, rule in cases:
        with pytest.raises(DomainError) as info:
            plans.check_budget_lines(given, years)
        assert (info.value.key, info.value.rule) == (key, rule)


def test_balance_compares_each_year_with_the_frame() -> None:
    years = (2027, 2028, 2029)
    b = plans.balance(
        years, [*lines("100.00", "90.00"), BudgetLine("Förskola", 2027, Decimal("20"))], frames("120", "100")
    )
    assert [(x.year, x.frame, x.internal_budget, x.difference, x.balanced) for x in b] == [
        (2027, Decimal("120"), Decimal("120.00"), Decimal("0.00"), True),
        (2028, Decimal("100"), Decimal("90.00"), Decimal("-10.00"), False),
        (2029, None, Decimal("0.00"), Decimal("0.00"), False),  # no frame: never balanced
    ]


def test_an_unbalanced_plan_cannot_be_submitted_and_the_error_gives_the_difference_per_year() -> None:
    b = plans.balance((2027, 2028, 2029), lines("100.00", "90.00", "130.50"), frames("100", "100", "130"))
    with pytest.raises(UnbalancedBudget) as info:
        plans.check_submit(plan(), 1, b)
    err = info.value
    assert err.rule == "plan.budget_unbalanced"
    assert "2028: -10.00" in err.message and "2029: +0.50" in err.message and "2027" not in err.message
    assert err.extensions()["differences"] == [
        {"year": 2028, "frame": "100", "internalBudget": "90.00", "difference": "-10.00"},
        {"year": 2029, "frame": "130", "internalBudget": "130.50", "difference": "0.50"},
    ]


def test_submit_needs_verksamhetsmal_and_an_editable_plan() -> None:
    ok = plans.balance((2027, 2028, 2029), lines("1", "2", "3"), frames("1", "2", "3"))
    plans.check_submit(plan(), 1, ok)
    plans.check_submit(plan(state=PlanState.RETURNED), 1, ok)
    with pytest.raises(DomainError) as info:
        plans.check_submit(plan(), 0, ok)
    assert info.value.rule == "plan.goals_required"
    with pytest.raises(Conflict) as info:
        plans.check_submit(plan(state=PlanState.SUBMITTED), 1, ok)
    assert info.value.rule == "plan.transition"


def test_return_needs_a_submitted_plan_and_a_reason() -> None:
    assert plans.check_return(plan(state=PlanState.SUBMITTED), "  Saknar internbudget för 2029 ") == (
        "Saknar internbudget för 2029"
    )
    with pytest.raises(DomainError) as info:
        plans.check_return(plan(state=PlanState.SUBMITTED), "  ")
    assert (info.value.key, info.value.rule) == ("reason", "plan.return_reason")
    with pytest.raises(Conflict) as info:
        plans.check_return(plan(state=PlanState.DRAFT), "Skäl")
    assert info.value.rule == "plan.transition"


def test_a_plan_is_adopted_by_its_own_organisation_while_balanced() -> None:
    ok = plans.balance((2027, 2028, 2029), lines("1", "2", "3"), frames("1", "2", "3"))
    own = Decision(BUN.id, date(2026, 11, 19), "§ 132")
    submitted = plan(state=PlanState.SUBMITTED)
    assert plans.check_plan_adoption(submitted, own, ok) is True
    with pytest.raises(DomainError) as info:
        plans.check_plan_adoption(submitted, Decision(KS.id, date(2026, 11, 19)), ok)
    assert (info.value.key, info.value.rule) == ("decision.body_id", "plan.decision_body")
    with pytest.raises(Conflict) as info:
        plans.check_plan_adoption(plan(state=PlanState.DRAFT), own, ok)
    assert info.value.rule == "plan.transition"
    changed_frames = plans.balance((2027, 2028, 2029), lines("1", "2", "3"), frames("1", "2", "4"))
    with pytest.raises(UnbalancedBudget):
        plans.check_plan_adoption(submitted, own, changed_frames)
    adopted = replace(submitted, state=PlanState.ADOPTED, adopted=own)
    assert plans.check_plan_adoption(adopted, own, ok) is False
    with pytest.raises(Conflict) as info:
        plans.check_plan_adoption(adopted, replace(own, paragraph="§ 133"), ok)
    assert info.value.rule == "plan.already_adopted"
