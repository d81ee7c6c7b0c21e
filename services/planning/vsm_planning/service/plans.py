"""Use cases of verksamhetsplaner: a nämnd or bolag drafts its plan against its frames (verksamhetsmål,
internbudget), submits it, KS may return it (återremiss), and the nämnd or bolag adopts it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from vsm_common import contracts
from vsm_common.access import RowScope
from vsm_common.errors import TARGET, Conflict, NotFound

from ..domain import cycles, directives, plans, values
from ..domain.model import (
    CycleKind,
    Decision,
    EstablishedBy,
    OperationalPlan,
    PlanningCycle,
    PlanState,
    YearBalance,
)
from ..ports import PlanningUnitOfWork
from . import events
from .cycles import locked_cycle


async def _locked_plan(
    uow: PlanningUnitOfWork, plan_id: uuid.UUID, scope: RowScope
) -> tuple[PlanningCycle, OperationalPlan]:
    """The plan addressed (TARGET), if the caller's scope reaches its organisation, and its cycle, locked."""
    found = (await uow.plans.by_ids([plan_id])).get(plan_id)
    if found is None:
        raise NotFound(f"no verksamhetsplan {plan_id}", key=TARGET, rule="plan.exists")
    # The row's owner first, then one pure check (docs/design/unit-of-work.md §5).
    owner = (await uow.known_organizations.by_ids([found.organization_id])).get(found.organization_id)
    scope.require_organization({owner.code} if owner is not None else set(), TARGET)
    cycle = await locked_cycle(uow, found.cycle_id, share=True)
    plan = await uow.plans.lock(plan_id)
    assert plan is not None
    return cycle, plan


async def create_operational_plan(
    uow: PlanningUnitOfWork,
    cycle_id: uuid.UUID,
    organization_id: uuid.UUID,
    plan_id: uuid.UUID | None = None,
    *,
    scope: RowScope,
) -> OperationalPlan:
    async with uow:
        [org] = values.known_organizations(
            [organization_id], await uow.known_organizations.by_ids([organization_id]), "organization_id"
        )
        scope.require_organization({org.code}, "organization_id")
        cycle = await locked_cycle(uow, cycle_id, share=True)
        cycles.require_kind(cycle, CycleKind.ANNUAL, "a verksamhetsplan")
        cycles.require_phase(cycle, "createOperationalPlan", cycles.PLAN_PHASES)
        plans.check_plan_organization(org, await uow.directives.receives_adopted(cycle.id, org.id))
        plan = OperationalPlan(
            id=plan_id or uuid.uuid4(),
            cycle_id=cycle.id,
            organization_id=org.id,
            years=cycles.plan_years(cycle.start_year),
            state=PlanState.DRAFT,
        )
        if not await uow.plans.add(plan):
            raise Conflict(
                f"{org.code} already has a verksamhetsplan in {cycle.title}", key="organization_id", rule="plan.exists"
            )
        await uow.emit(contracts.planning.PLAN_CREATED, str(plan.id), events.plan_created(plan))
    return plan


async def add_plan_goals(
    uow: PlanningUnitOfWork, plan_id: uuid.UUID, goal_ids: Sequence[uuid.UUID], *, scope: RowScope
) -> OperationalPlan:
    ids = list(dict.fromkeys(goal_ids))
    async with uow:
        cycle, plan = await _locked_plan(uow, plan_id, scope)
        cycles.require_phase(cycle, "addPlanGoals", cycles.PLAN_PHASES)
        plans.check_plan_editable(plan)
        goals = values.known_goals(ids, await uow.known_goals.by_ids(ids), "goal_ids")
        parent_ids = list({p for g in goals for p in g.parent_ids})
        plans.check_plan_goals(plan.organization_id, goals, await uow.known_goals.by_ids(parent_ids))
        added = await uow.plans.add_goals(plan.id, ids)
        if added:
            await uow.emit(contracts.planning.PLAN_GOALS_ADDED, str(plan.id), events.plan_goals_added(plan, added))
    return plan


async def set_internal_budget(
    uow: PlanningUnitOfWork, plan_id: uuid.UUID, lines: Sequence[plans.LineInput], *, scope: RowScope
) -> OperationalPlan:
    async with uow:
        cycle, plan = await _locked_plan(uow, plan_id, scope)
        cycles.require_phase(cycle, "setInternalBudget", cycles.PLAN_PHASES)
        plans.check_plan_editable(plan)
        checked = plans.check_budget_lines(lines, plan.years)
        if checked == (await uow.plans.budget_lines_of([plan.id])).get(plan.id, []):
            return plan
        await uow.plans.replace_budget_lines(plan.id, checked)
        await uow.emit(
            contracts.planning.PLAN_INTERNAL_BUDGET_SET, str(plan.id), events.plan_internal_budget_set(plan, checked)
        )
    return plan


async def _balances(uow: PlanningUnitOfWork, plan: OperationalPlan) -> tuple[YearBalance, ...]:
    key = (plan.cycle_id, plan.organization_id)
    frames = [f for _, f in (await uow.directive_content.frames_in_force([key])).get(key, [])]
    lines = (await uow.plans.budget_lines_of([plan.id])).get(plan.id, [])
    return plans.balance(plan.years, lines, frames)


async def submit_plan(uow: PlanningUnitOfWork, plan_id: uuid.UUID, *, scope: RowScope) -> OperationalPlan:
    async with uow:
        cycle, plan = await _locked_plan(uow, plan_id, scope)
        cycles.require_phase(cycle, "submitPlan", cycles.PLAN_PHASES)
        goal_ids = (await uow.plans.goal_ids_of([plan.id])).get(plan.id, [])
        plans.check_submit(plan, len(goal_ids), await _balances(uow, plan))
        plan = replace(plan, state=PlanState.SUBMITTED)
        await uow.plans.save(plan)
        await uow.emit(contracts.planning.PLAN_SUBMITTED, str(plan.id), events.plan_submitted(plan))
    return plan


async def return_plan(uow: PlanningUnitOfWork, plan_id: uuid.UUID, reason: str) -> OperationalPlan:
    async with uow:
        # KS returns any nämnd's or bolag's plan: the policy admits only KS here, so every row is its.
        cycle, plan = await _locked_plan(uow, plan_id, RowScope.all())
        cycles.require_phase(cycle, "returnPlan", cycles.PLAN_PHASES)
        reason = plans.check_return(plan, reason)
        plan = replace(plan, state=PlanState.RETURNED, return_reason=reason)
        await uow.plans.save(plan)
        await uow.emit(contracts.planning.PLAN_RETURNED, str(plan.id), events.plan_returned(plan))
    return plan


async def adopt_plan(
    uow: PlanningUnitOfWork, plan_id: uuid.UUID, decision: Decision, *, scope: RowScope
) -> OperationalPlan:
    """The nämnd or bolag adopts its own plan; the goals service then adopts its verksamhetsmål."""
    decision = values.check_decision(decision)
    async with uow:
        cycle, plan = await _locked_plan(uow, plan_id, scope)
        if plan.state is PlanState.ADOPTED and plan.adopted == decision:
            return plan
        cycles.require_phase(cycle, "adoptPlan", cycles.PLAN_PHASES)
        if not plans.check_plan_adoption(plan, decision, await _balances(uow, plan)):
            return plan
        goal_ids = (await uow.plans.goal_ids_of([plan.id])).get(plan.id, [])
        # Whether the goals service can adopt them is its rule to answer (goalEstablishment), not planning's.
        values.known_goals(goal_ids, await uow.known_goals.by_ids(goal_ids), "goal_ids")
        plan = replace(plan, state=PlanState.ADOPTED, adopted=decision)
        await uow.plans.save(plan)
        await uow.emit(contracts.planning.PLAN_ADOPTED, str(plan.id), events.plan_adopted(plan, goal_ids))
        await uow.establishments.request(
            plan.id, EstablishedBy.OPERATIONAL_PLAN, directives.initial_goal_establishment(len(goal_ids))
        )
    return plan
