"""Use cases of verksamhetsplaner on the in-memory unit of work: what they store, commit and publish."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from planning_fakes import FakePlanningUnitOfWork
from planning_fixtures import BUN, KF, KS, SN, cycle, directive, goal

from vsm_common import contracts
from vsm_common.access import RowScope
from vsm_common.errors import Conflict, DomainError, Forbidden
from vsm_common.field_paths import graphql_path
from vsm_planning.api.errors import FIELD_PATHS
from vsm_planning.domain.errors import UnbalancedBudget
from vsm_planning.domain.model import (
    BudgetFrame,
    BudgetLine,
    Decision,
    DirectiveContent,
    DirectiveState,
    GoalEstablishmentState,
    GoalLevel,
    GoalState,
    KnownGoal,
    OperationalPlan,
    PhaseKind,
    PlanningCycle,
    PlanState,
)
from vsm_planning.domain.plans import LineInput
from vsm_planning.service import plans as plan_cases

YEARS = (2027, 2028, 2029)
BUN_DECISION = Decision(BUN.id, date(2027, 1, 20), "§ 5")
ALL = RowScope.all()


def unit() -> tuple[FakePlanningUnitOfWork, PlanningCycle]:
    """An annual cycle in its planning phase, with KF's adopted directive giving BUN 100 öre a year."""
    uow = FakePlanningUnitOfWork()
    uow.known_organizations.given(KF, KS, BUN, SN)
    c = cycle(at=PhaseKind.OPERATIONAL_PLANNING)
    uow.cycles.given(c)
    frames = tuple(BudgetFrame(BUN.id, y, Decimal("1.00")) for y in YEARS)
    d = replace(directive(state=DirectiveState.ADOPTED), cycle_id=c.id)
    uow.directives.given(d, DirectiveContent((BUN.id,), frames))
    return uow, c


def served_goal(uow: FakePlanningUnitOfWork) -> KnownGoal:
    """An adopted konkretiserat mål for BUN and a draft verksamhetsmål of BUN's serving it."""
    overarching = goal(GoalLevel.OVERARCHING, state=GoalState.ADOPTED)
    concrete = goal(GoalLevel.CONCRETE, BUN, parents=(overarching.id,), state=GoalState.ADOPTED)
    operational = goal(GoalLevel.OPERATIONAL, BUN, parents=(concrete.id,))
    uow.known_goals.given(overarching, concrete, operational)
    return operational


def given_plan(
    uow: FakePlanningUnitOfWork,
    c: PlanningCycle,
    state: PlanState = PlanState.DRAFT,
    goal_ids: tuple[uuid.UUID, ...] = (),
    balanced: bool = True,
) -> OperationalPlan:
    p = OperationalPlan(uuid.uuid4(), c.id, BUN.id, YEARS, state)
    amount = Decimal("1.00") if balanced else Decimal("2.00")
    uow.plans.given(p, goal_ids, [BudgetLine("Grundskola", y, amount) for y in YEARS])
    return p


async def test_a_nämnd_with_an_adopted_directive_creates_its_plan() -> None:
    uow, c = unit()
    p = await plan_cases.create_operational_plan(uow, c.id, BUN.id, scope=RowScope.of_organization("BUN"))
    assert uow.committed and uow.plans.plans[p.id] == p
    assert (p.years, p.state, p.organization_id) == (YEARS, PlanState.DRAFT, BUN.id)
    [event] = uow.published
    assert event.type == contracts.planning.PLAN_CREATED.name and event.data["organizationId"] == str(BUN.id)


async def test_a_nämnd_without_a_directive_has_no_plan_to_make() -> None:
    uow, c = unit()
    with pytest.raises(DomainError) as info:
        await plan_cases.create_operational_plan(uow, c.id, SN.id, scope=ALL)
    assert (info.value.rule, info.value.key) == ("plan.no_directive", "organization_id")
    assert uow.plans.plans == {} and uow.published == []


async def test_a_user_of_one_nämnd_does_not_create_another_ones_plan() -> None:
    uow, c = unit()
    with pytest.raises(Forbidden) as info:
        await plan_cases.create_operational_plan(uow, c.id, BUN.id, scope=RowScope.of_organization("SN"))
    assert (info.value.rule, info.value.key) == ("access.own_organization", "organization_id")
    # The message, word for word as before the keys, names the GraphQL argument.
    path = graphql_path(info.value.key or "", "createOperationalPlan", FIELD_PATHS)
    assert info.value.text(path) == "organizationId: this token acts for SN and may not act for BUN"
    assert uow.plans.plans == {} and uow.rolled_back


async def test_verksamhetsmål_serving_a_konkretiserat_mål_are_added() -> None:
    uow, c = unit()
    p = given_plan(uow, c)
    operational = served_goal(uow)
    await plan_cases.add_plan_goals(uow, p.id, [operational.id], scope=RowScope.of_organization("BUN"))
    assert uow.plans.goals[p.id] == [operational.id]
    [event] = uow.published
    assert event.type == contracts.planning.PLAN_GOALS_ADDED.name and event.data["goalIds"] == [str(operational.id)]


async def test_a_plan_holds_only_its_own_organisations_verksamhetsmål() -> None:
    uow, c = unit()
    p = given_plan(uow, c)
    other = goal(GoalLevel.OPERATIONAL, SN)
    uow.known_goals.given(other)
    with pytest.raises(DomainError) as info:
        await plan_cases.add_plan_goals(uow, p.id, [other.id], scope=ALL)
    assert info.value.rule == "plan.goal_owner"
    assert uow.plans.goals[p.id] == [] and uow.published == []


async def test_the_internbudget_is_replaced_and_published_when_it_changes() -> None:
    uow, c = unit()
    p = given_plan(uow, c)
    lines = [LineInput("Förskola", y, Decimal("0.40")) for y in YEARS] + [
        LineInput("Grundskola", y, Decimal("0.60")) for y in YEARS
    ]
    await plan_cases.set_internal_budget(uow, p.id, lines, scope=ALL)
    assert [ln.activity for ln in uow.plans.lines[p.id]] == ["Förskola"] * 3 + ["Grundskola"] * 3
    assert uow.types() == [contracts.planning.PLAN_INTERNAL_BUDGET_SET.name]
    await plan_cases.set_internal_budget(uow, p.id, lines, scope=ALL)  # the same lines again: nothing to publish
    assert len(uow.published) == 1


async def test_a_submitted_plan_is_not_changed() -> None:
    uow, c = unit()
    p = given_plan(uow, c, PlanState.SUBMITTED)
    with pytest.raises(Conflict) as info:
        await plan_cases.set_internal_budget(uow, p.id, [LineInput("Förskola", 2027, Decimal("1.00"))], scope=ALL)
    assert info.value.rule == "plan.not_editable"
    assert [ln.activity for ln in uow.plans.lines[p.id]] == ["Grundskola"] * 3


async def test_a_balanced_plan_with_verksamhetsmål_is_submitted() -> None:
    uow, c = unit()
    p = given_plan(uow, c, goal_ids=(served_goal(uow).id,))
    submitted = await plan_cases.submit_plan(uow, p.id, scope=RowScope.of_organization("BUN"))
    assert uow.plans.plans[p.id] == submitted and submitted.state is PlanState.SUBMITTED
    assert uow.types() == [contracts.planning.PLAN_SUBMITTED.name]


async def test_a_plan_off_its_frames_is_not_submitted() -> None:
    uow, c = unit()
    p = given_plan(uow, c, goal_ids=(served_goal(uow).id,), balanced=False)
    with pytest.raises(UnbalancedBudget) as info:
        await plan_cases.submit_plan(uow, p.id, scope=ALL)
    assert [b.difference for b in info.value.balances] == [Decimal("1.00")] * 3
    assert uow.plans.plans[p.id].state is PlanState.DRAFT and uow.published == []


async def test_ks_returns_a_submitted_plan_with_its_reason() -> None:
    uow, c = unit()
    p = given_plan(uow, c, PlanState.SUBMITTED)
    returned = await plan_cases.return_plan(uow, p.id, " Komplettera målen ")
    assert uow.plans.plans[p.id] == returned
    assert (returned.state, returned.return_reason) == (PlanState.RETURNED, "Komplettera målen")
    [event] = uow.published
    assert event.type == contracts.planning.PLAN_RETURNED.name and event.data["reason"] == "Komplettera målen"


async def test_a_plan_is_not_returned_without_a_reason() -> None:
    uow, c = unit()
    p = given_plan(uow, c, PlanState.SUBMITTED)
    with pytest.raises(DomainError) as info:
        await plan_cases.return_plan(uow, p.id, "  ")
    assert info.value.rule == "plan.return_reason"
    assert uow.plans.plans[p.id].state is PlanState.SUBMITTED


async def test_the_nämnd_adopts_its_plan_and_asks_the_goals_service_for_its_verksamhetsmål() -> None:
    uow, c = unit()
    operational = served_goal(uow)
    p = given_plan(uow, c, PlanState.SUBMITTED, (operational.id,))
    adopted = await plan_cases.adopt_plan(uow, p.id, BUN_DECISION, scope=RowScope.of_organization("BUN"))
    assert uow.plans.plans[p.id] == adopted and adopted.state is PlanState.ADOPTED
    assert uow.establishments.answers[p.id].state is GoalEstablishmentState.PENDING
    [event] = uow.published
    assert event.type == contracts.planning.PLAN_ADOPTED.name and event.data["goalIds"] == [str(operational.id)]


async def test_a_plan_is_adopted_by_its_own_nämnd() -> None:
    uow, c = unit()
    p = given_plan(uow, c, PlanState.SUBMITTED, (served_goal(uow).id,))
    with pytest.raises(DomainError) as info:
        await plan_cases.adopt_plan(uow, p.id, replace(BUN_DECISION, body_id=KF.id), scope=ALL)
    assert (info.value.rule, info.value.key) == ("plan.decision_body", "decision.body_id")
    assert uow.plans.plans[p.id].state is PlanState.SUBMITTED and uow.establishments.answers == {}
