"""Use cases of the planning service: each one unit of work (state change + its events)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

import asyncpg

from vsm_common import contracts
from vsm_common.authz import require_own_organization
from vsm_common.clock import today
from vsm_common.errors import Conflict, NotFound
from vsm_common.runtime import Runtime
from vsm_common.uow import SqlUnitOfWork

from .adapters import repository as repo
from .domain import cycles, directives, events, plans, values
from .domain.model import (
    AnalysisSection,
    AnalysisSectionKind,
    Assignment,
    AssignmentState,
    CycleKind,
    Decision,
    Directive,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    EstablishedBy,
    KnownGoal,
    OperationalPlan,
    OrganizationKind,
    PhaseKind,
    PlanningCycle,
    PlanState,
    YearBalance,
)


# ---------------------------------------------------------------- loading with locks
async def _cycle(conn: asyncpg.Connection, cycle_id: uuid.UUID, field: str, *, share: bool = False) -> PlanningCycle:
    cycle = await repo.lock_cycle(conn, cycle_id, share=share)
    if cycle is None:
        raise NotFound(f"no planning cycle {cycle_id}", field=field, rule="cycle.exists")
    return cycle


async def _directive(conn: asyncpg.Connection, directive_id: uuid.UUID, field: str) -> tuple[PlanningCycle, Directive]:
    """Lock the directive's cycle, then the directive's lineage: always in that order, so no deadlock."""
    found = (await repo.directives_by_ids(conn, [directive_id])).get(directive_id)
    if found is None:
        raise NotFound(f"no directive {directive_id}", field=field, rule="directive.exists")
    cycle = await _cycle(conn, found.cycle_id, field, share=True)
    directive = await repo.lock_directive(conn, directive_id)
    assert directive is not None
    return cycle, directive


async def _plan(
    conn: asyncpg.Connection, plan_id: uuid.UUID, field: str, acting_for: str | None = None
) -> tuple[PlanningCycle, OperationalPlan]:
    found = (await repo.plans_by_ids(conn, [plan_id])).get(plan_id)
    if found is None:
        raise NotFound(f"no verksamhetsplan {plan_id}", field=field, rule="plan.exists")
    if acting_for is not None:
        org = (await repo.known_organizations(conn, [found.organization_id]))[found.organization_id]
        require_own_organization(acting_for, org.code, field)
    cycle = await _cycle(conn, found.cycle_id, field, share=True)
    plan = await repo.lock_plan(conn, plan_id)
    assert plan is not None
    return cycle, plan


async def _parents(conn: asyncpg.Connection, goals: Sequence[KnownGoal]) -> dict[uuid.UUID, KnownGoal]:
    return await repo.known_goals(conn, list({p for g in goals for p in g.parent_ids}))


# ---------------------------------------------------------------- cycles
async def open_cycle(rt: Runtime, kind: CycleKind, start_year: int, cycle_id: uuid.UUID | None = None) -> PlanningCycle:
    start, end = cycles.cycle_span(kind, start_year)
    async with rt.unit_of_work() as uow:
        # Overlap is a rule across rows: serialise the openings so two cannot both pass the check.
        await uow.conn.execute("SELECT pg_advisory_xact_lock(hashtext('vsm.planning.open_cycle'))")
        cycles.check_no_overlap(kind, start, end, await repo.list_cycles(uow.conn, kind))
        found = await repo.first_organization_of_kind(
            uow.conn, [OrganizationKind.COUNCIL, OrganizationKind.EXECUTIVE_BOARD]
        )
        responsible = {OrganizationKind(k): v for k, v in found.items()}
        cycle = PlanningCycle(
            id=cycle_id or uuid.uuid4(),
            kind=kind,
            start_year=start,
            end_year=end,
            title=cycles.cycle_title(kind, start, end),
            phases=cycles.default_phases(kind, start, responsible),
        )
        if not await repo.insert_cycle(uow.conn, cycle):
            raise Conflict(f"{cycle.title} is already open", field="startYear", rule="cycle.overlap")
        await uow.emit(contracts.planning.CYCLE_OPENED, str(cycle.id), events.cycle_opened(cycle))
    return cycle


async def _phase_facts(conn: asyncpg.Connection, cycle: PlanningCycle) -> cycles.PhaseFacts:
    return cycles.PhaseFacts(
        has_adopted_directive=await repo.has_adopted_directive(conn, cycle.id),
        tax_rate=(await repo.tax_rates_of_cycles(conn, [cycle.id])).get(cycle.id),
    )


async def advance_phase(rt: Runtime, cycle_id: uuid.UUID, on: date | None = None) -> PlanningCycle:
    async with rt.unit_of_work() as uow:
        cycle = await _cycle(uow.conn, cycle_id, "cycleId")
        completed, opened, phases = cycles.advance(cycle, await _phase_facts(uow.conn, cycle), on or today())
        await repo.save_phases(uow.conn, cycle.id, [completed] + ([opened] if opened else []))
        cycle = replace(cycle, phases=phases)
        await uow.emit(
            contracts.planning.PHASE_ADVANCED, str(cycle.id), events.phase_advanced(cycle, completed, opened)
        )
    return cycle


async def schedule_phase(
    rt: Runtime,
    cycle_id: uuid.UUID,
    kind: PhaseKind,
    opens_on: date | None,
    due_on: date | None,
    responsible_id: uuid.UUID | None,
) -> PlanningCycle:
    """Set a phase's dates and responsible organisation; what is not given stays as it is."""
    async with rt.unit_of_work() as uow:
        cycle = await _cycle(uow.conn, cycle_id, "cycleId")
        phase = cycle.phase(kind)
        if phase is not None:
            opens_on = opens_on or phase.opens_on
            due_on = due_on or phase.due_on
        phase = cycles.check_schedule(cycle, kind, opens_on, due_on)
        if responsible_id is not None:
            values.known_organizations(
                [responsible_id], await repo.known_organizations(uow.conn, [responsible_id]), "responsibleId"
            )
        changed = replace(
            phase, opens_on=opens_on, due_on=due_on, responsible_id=responsible_id or phase.responsible_id
        )
        if changed == phase:
            return cycle
        await repo.save_phase(uow.conn, cycle.id, changed)
        cycle = replace(cycle, phases=tuple(changed if p.kind is kind else p for p in cycle.phases))
        await uow.emit(contracts.planning.PHASE_SCHEDULED, str(cycle.id), events.phase_scheduled(cycle, changed))
    return cycle


async def write_analysis_section(
    rt: Runtime, cycle_id: uuid.UUID, kind: AnalysisSectionKind, text: str
) -> tuple[PlanningCycle, AnalysisSection | None]:
    text = cycles.check_analysis_text(text)
    async with rt.unit_of_work() as uow:
        cycle = await _cycle(uow.conn, cycle_id, "cycleId")
        cycles.require_phase(cycle, "writeAnalysisSection", cycles.ANALYSIS_PHASES, "cycleId")
        section = await repo.write_section(uow.conn, cycle.id, kind, text)
        if section is not None:
            await uow.emit(contracts.planning.ANALYSIS_WRITTEN, str(cycle.id), events.analysis_written(cycle, section))
    return cycle, section


# ---------------------------------------------------------------- directives
async def create_directive(
    rt: Runtime,
    cycle_id: uuid.UUID,
    kind: DirectiveKind,
    title: str,
    recipient_ids: Sequence[uuid.UUID],
    directive_id: uuid.UUID | None = None,
) -> Directive:
    title = values.check_title(title)
    recipients = tuple(dict.fromkeys(recipient_ids))
    async with rt.unit_of_work() as uow:
        cycle = await _cycle(uow.conn, cycle_id, "input.cycleId", share=True)
        cycles.require_kind(cycle, CycleKind.ANNUAL, "a directive", "input.cycleId")
        cycles.require_phase(cycle, "createDirective", cycles.DRAFTING_PHASES, "input.cycleId")
        orgs = values.known_organizations(
            recipients, await repo.known_organizations(uow.conn, recipients), "input.recipientIds"
        )
        directives.check_recipients(kind, orgs)
        new_id = directive_id or uuid.uuid4()
        directive = Directive(
            id=new_id,
            lineage_id=new_id,
            cycle_id=cycle.id,
            kind=kind,
            budget_year=cycle.start_year,
            title=title,
            state=DirectiveState.DRAFT,
            revision=1,
        )
        if not await repo.insert_directive(uow.conn, directive):
            existing = await repo.directive_exists_for(uow.conn, cycle.id, kind)
            raise Conflict(
                f"{cycle.title} already has a {kind} ({existing.id if existing else '?'}); change it instead",
                field="input.kind",
                rule="directive.exists",
            )
        await repo.insert_recipients(uow.conn, directive.id, recipients)
        await uow.emit(
            contracts.planning.DIRECTIVE_DRAFTED,
            str(directive.id),
            events.directive_drafted(directive, DirectiveContent(recipient_ids=recipients)),
        )
    return directive


async def _changeable(
    uow: SqlUnitOfWork, directive_id: uuid.UUID, operation: str, only_in: frozenset[PhaseKind] | None = None
) -> tuple[Directive, DirectiveContent]:
    """The directive to change and what it says now, after the state and phase rules allowed the change."""
    cycle, directive = await _directive(uow.conn, directive_id, "directiveId")
    pending = None
    if directive.state is DirectiveState.ADOPTED:
        pending = await repo.lineage_revision(uow.conn, directive.lineage_id, DirectiveState.DRAFT)
    directives.check_revisable(directive, pending)
    allowed = directives.change_phases(directive)
    cycles.require_phase(cycle, operation, allowed & only_in if only_in is not None else allowed, "directiveId")
    return directive, await repo.content_of(uow.conn, directive.id)


async def _revision_to_change(uow: SqlUnitOfWork, directive: Directive, content: DirectiveContent) -> Directive:
    """A draft is changed in place; changing an adopted directive makes its next revision (a draft)."""
    if directive.state is DirectiveState.DRAFT:
        return directive
    revision = directives.next_revision(directive, uuid.uuid4())
    inserted = await repo.insert_directive(uow.conn, revision)
    assert inserted  # a revision > 1 never meets the one-per-kind constraint
    await repo.copy_content(uow.conn, directive.id, revision.id)
    await uow.emit(contracts.planning.DIRECTIVE_DRAFTED, str(revision.id), events.directive_drafted(revision, content))
    return revision


async def set_budget_frames(rt: Runtime, directive_id: uuid.UUID, frames: Sequence[directives.FrameInput]) -> Directive:
    async with rt.unit_of_work() as uow:
        directive, content = await _changeable(uow, directive_id, "setBudgetFrames")
        given = directives.check_frames(directive, content, frames)
        if directives.merge_frames(content.frames, given) == directives.merge_frames(content.frames, []):
            return directive
        target = await _revision_to_change(uow, directive, content)
        await repo.upsert_frames(uow.conn, target.id, given)
        await uow.emit(contracts.planning.BUDGET_FRAMES_SET, str(target.id), events.budget_frames_set(target, given))
    return target


async def set_directive_recipients(
    rt: Runtime, directive_id: uuid.UUID, recipient_ids: Sequence[uuid.UUID]
) -> Directive:
    """New recipients: in place on a draft; on an adopted directive as its next revision, which supersedes
    it when KF adopts it (its directive.adopted names the new recipients)."""
    ids = directives.check_recipient_list(recipient_ids)
    async with rt.unit_of_work() as uow:
        directive, content = await _changeable(uow, directive_id, "setDirectiveRecipients")
        orgs = values.known_organizations(ids, await repo.known_organizations(uow.conn, ids), "recipientIds")
        directives.check_recipients(directive.kind, orgs, "recipientIds")
        goals = await repo.known_goals(uow.conn, content.concrete_goal_ids)
        change = directives.change_recipients(directive, content, ids, goals)
        if change.recipient_ids == content.recipient_ids:
            return directive
        target = await _revision_to_change(uow, directive, content)
        await repo.replace_recipients(uow.conn, target.id, change.recipient_ids, change.removed_ids)
        await uow.emit(
            contracts.planning.RECIPIENTS_SET,
            str(target.id),
            events.recipients_set(target, change.recipient_ids, change.removed_ids),
        )
    return target


async def set_tax_rate(rt: Runtime, directive_id: uuid.UUID, rate: Decimal) -> Directive:
    rate = values.check_tax_rate(rate)
    async with rt.unit_of_work() as uow:
        directive, content = await _changeable(uow, directive_id, "setTaxRate", cycles.TAX_RATE_PHASES)
        directives.check_tax_rate_kind(directive)
        if directive.tax_rate == rate:
            return directive
        target = replace(await _revision_to_change(uow, directive, content), tax_rate=rate)
        await repo.save_directive(uow.conn, target)
        await uow.emit(contracts.planning.TAX_RATE_SET, str(target.id), events.tax_rate_set(target))
    return target


async def add_concrete_goals(rt: Runtime, directive_id: uuid.UUID, goal_ids: Sequence[uuid.UUID]) -> Directive:
    ids = list(dict.fromkeys(goal_ids))
    async with rt.unit_of_work() as uow:
        directive, content = await _changeable(uow, directive_id, "addConcreteGoals")
        goals = values.known_goals(ids, await repo.known_goals(uow.conn, ids), "goalIds")
        directives.check_concrete_goals(content, goals)
        new = [g for g in ids if g not in content.concrete_goal_ids]
        if not new:
            return directive
        target = await _revision_to_change(uow, directive, content)
        added = await repo.add_directive_goals(uow.conn, target.id, new)
        await uow.emit(
            contracts.planning.CONCRETE_GOALS_ADDED, str(target.id), events.concrete_goals_added(target, added)
        )
    return target


async def add_assignment(
    rt: Runtime,
    directive_id: uuid.UUID,
    title: str,
    description: str | None,
    recipient_ids: Sequence[uuid.UUID],
    due_on: date | None,
    assignment_id: uuid.UUID | None = None,
) -> Directive:
    async with rt.unit_of_work() as uow:
        directive, content = await _changeable(uow, directive_id, "addAssignment")
        title, recipients = directives.check_assignment(content, title, recipient_ids, due_on)
        assignment = Assignment(
            id=assignment_id or uuid.uuid4(),
            title=title,
            description=values.optional_text(description),
            recipient_ids=recipients,
            due_on=due_on,
        )
        target = await _revision_to_change(uow, directive, content)
        await repo.insert_assignment(uow.conn, target.id, assignment)
        await uow.emit(contracts.planning.ASSIGNMENT_ADDED, str(target.id), events.assignment_added(target, assignment))
    return target


async def set_assignment_state(rt: Runtime, assignment_id: uuid.UUID, state: AssignmentState) -> Assignment:
    async with rt.unit_of_work() as uow:
        found = await repo.directive_in_force_with_assignment(uow.conn, assignment_id)
        if found is None:
            raise NotFound(f"no assignment {assignment_id}", field="id", rule="assignment.exists")
        cycle, directive = await _directive(uow.conn, found.id, "id")
        directives.check_assignment_directive(directive)
        cycles.require_phase(cycle, "setAssignmentState", cycles.REVISION_PHASES, "id")
        assignment = next(
            a for a in (await repo.assignments_of(uow.conn, [directive.id]))[directive.id] if a.id == assignment_id
        )
        if assignment.state is state:
            return assignment
        assignment = replace(assignment, state=state)
        await repo.set_assignment_state(uow.conn, assignment_id, state)
        await uow.emit(
            contracts.planning.ASSIGNMENT_STATE_CHANGED,
            str(directive.id),
            events.assignment_state_changed(directive, assignment),
        )
    return assignment


async def adopt_directive(rt: Runtime, directive_id: uuid.UUID, decision: Decision) -> Directive:
    """KF adopts the directive; a revision supersedes the one in force. Adopting again with the same
    decision changes nothing, so a client may safely retry."""
    decision = values.check_decision(decision)
    async with rt.unit_of_work() as uow:
        cycle, directive = await _directive(uow.conn, directive_id, "id")
        if directive.state is DirectiveState.ADOPTED and directive.adopted == decision:
            return directive
        cycles.require_phase(cycle, "adoptDirective", directives.change_phases(directive), "id")
        body = (await repo.known_organizations(uow.conn, [decision.body_id])).get(decision.body_id)
        directives.check_council_decision(decision, body)
        superseded = None
        if directive.supersedes_id is not None:
            superseded = await repo.lineage_revision(uow.conn, directive.lineage_id, DirectiveState.ADOPTED)
        directives.check_adoption(directive, decision, superseded)
        if superseded is not None:
            answers = await repo.goal_establishments(uow.conn, [superseded.id])
            directives.check_superseded_goals_answered(superseded, answers.get(superseded.id))
        content = await repo.content_of(uow.conn, directive.id)
        codes = await repo.known_organizations(uow.conn, content.recipient_ids)
        directives.check_complete(directive, content, {k: v.code for k, v in codes.items()})
        goals = values.known_goals(
            content.concrete_goal_ids, await repo.known_goals(uow.conn, content.concrete_goal_ids), "concreteGoals"
        )
        directives.check_concrete_goals(content, goals)
        directives.check_goals_adoptable(goals, await _parents(uow.conn, goals), "concreteGoals")
        adopted = replace(directive, state=DirectiveState.ADOPTED, adopted=decision)
        if superseded is not None:
            # Before the new one is saved: at most one adopted revision per directive, always.
            await repo.save_directive(uow.conn, replace(superseded, state=DirectiveState.SUPERSEDED))
        await repo.save_directive(uow.conn, adopted)
        if superseded is not None:
            await uow.emit(
                contracts.planning.DIRECTIVE_SUPERSEDED,
                str(superseded.id),
                events.directive_superseded(superseded, adopted),
            )
        await uow.emit(
            contracts.planning.DIRECTIVE_ADOPTED, str(adopted.id), events.directive_adopted(adopted, content)
        )
        await repo.request_goal_establishment(
            uow.conn,
            adopted.id,
            EstablishedBy.DIRECTIVE,
            directives.initial_goal_establishment(len(content.concrete_goal_ids)),
        )
    return adopted


# ---------------------------------------------------------------- verksamhetsplaner
async def create_operational_plan(
    rt: Runtime,
    cycle_id: uuid.UUID,
    organization_id: uuid.UUID,
    plan_id: uuid.UUID | None = None,
    *,
    acting_for: str | None = None,
) -> OperationalPlan:
    async with rt.unit_of_work() as uow:
        [org] = values.known_organizations(
            [organization_id], await repo.known_organizations(uow.conn, [organization_id]), "organizationId"
        )
        require_own_organization(acting_for, org.code, "organizationId")
        cycle = await _cycle(uow.conn, cycle_id, "cycleId", share=True)
        cycles.require_kind(cycle, CycleKind.ANNUAL, "a verksamhetsplan", "cycleId")
        cycles.require_phase(cycle, "createOperationalPlan", cycles.PLAN_PHASES, "cycleId")
        plans.check_plan_organization(org, await repo.receives_adopted_directive(uow.conn, cycle.id, org.id))
        plan = OperationalPlan(
            id=plan_id or uuid.uuid4(),
            cycle_id=cycle.id,
            organization_id=org.id,
            years=cycles.plan_years(cycle.start_year),
            state=PlanState.DRAFT,
        )
        if not await repo.insert_plan(uow.conn, plan):
            raise Conflict(
                f"{org.code} already has a verksamhetsplan in {cycle.title}", field="organizationId", rule="plan.exists"
            )
        await uow.emit(contracts.planning.PLAN_CREATED, str(plan.id), events.plan_created(plan))
    return plan


async def add_plan_goals(
    rt: Runtime, plan_id: uuid.UUID, goal_ids: Sequence[uuid.UUID], *, acting_for: str | None = None
) -> OperationalPlan:
    ids = list(dict.fromkeys(goal_ids))
    async with rt.unit_of_work() as uow:
        cycle, plan = await _plan(uow.conn, plan_id, "planId", acting_for)
        cycles.require_phase(cycle, "addPlanGoals", cycles.PLAN_PHASES, "planId")
        plans.check_plan_editable(plan)
        goals = values.known_goals(ids, await repo.known_goals(uow.conn, ids), "goalIds")
        parent_ids = list({p for g in goals for p in g.parent_ids})
        plans.check_plan_goals(plan.organization_id, goals, await repo.known_goals(uow.conn, parent_ids))
        added = await repo.add_plan_goals(uow.conn, plan.id, ids)
        if added:
            await uow.emit(contracts.planning.PLAN_GOALS_ADDED, str(plan.id), events.plan_goals_added(plan, added))
    return plan


async def set_internal_budget(
    rt: Runtime, plan_id: uuid.UUID, lines: Sequence[plans.LineInput], *, acting_for: str | None = None
) -> OperationalPlan:
    async with rt.unit_of_work() as uow:
        cycle, plan = await _plan(uow.conn, plan_id, "planId", acting_for)
        cycles.require_phase(cycle, "setInternalBudget", cycles.PLAN_PHASES, "planId")
        plans.check_plan_editable(plan)
        checked = plans.check_budget_lines(lines, plan.years)
        if checked == (await repo.budget_lines_of(uow.conn, [plan.id])).get(plan.id, []):
            return plan
        await repo.replace_budget_lines(uow.conn, plan.id, checked)
        await uow.emit(
            contracts.planning.PLAN_INTERNAL_BUDGET_SET, str(plan.id), events.plan_internal_budget_set(plan, checked)
        )
    return plan


async def _balances(conn: asyncpg.Connection, plan: OperationalPlan) -> tuple[YearBalance, ...]:
    key = (plan.cycle_id, plan.organization_id)
    frames = [f for _, f in (await repo.frames_in_force(conn, [key])).get(key, [])]
    lines = (await repo.budget_lines_of(conn, [plan.id])).get(plan.id, [])
    return plans.balance(plan.years, lines, frames)


async def submit_plan(rt: Runtime, plan_id: uuid.UUID, *, acting_for: str | None = None) -> OperationalPlan:
    async with rt.unit_of_work() as uow:
        cycle, plan = await _plan(uow.conn, plan_id, "id", acting_for)
        cycles.require_phase(cycle, "submitPlan", cycles.PLAN_PHASES, "id")
        goal_ids = (await repo.goal_ids_of_plans(uow.conn, [plan.id])).get(plan.id, [])
        plans.check_submit(plan, len(goal_ids), await _balances(uow.conn, plan))
        plan = replace(plan, state=PlanState.SUBMITTED)
        await repo.save_plan(uow.conn, plan)
        await uow.emit(contracts.planning.PLAN_SUBMITTED, str(plan.id), events.plan_submitted(plan))
    return plan


async def return_plan(rt: Runtime, plan_id: uuid.UUID, reason: str) -> OperationalPlan:
    async with rt.unit_of_work() as uow:
        cycle, plan = await _plan(uow.conn, plan_id, "id")
        cycles.require_phase(cycle, "returnPlan", cycles.PLAN_PHASES, "id")
        reason = plans.check_return(plan, reason)
        plan = replace(plan, state=PlanState.RETURNED, return_reason=reason)
        await repo.save_plan(uow.conn, plan)
        await uow.emit(contracts.planning.PLAN_RETURNED, str(plan.id), events.plan_returned(plan))
    return plan


async def adopt_plan(
    rt: Runtime, plan_id: uuid.UUID, decision: Decision, *, acting_for: str | None = None
) -> OperationalPlan:
    """The nämnd or bolag adopts its own plan; the goals service then adopts its verksamhetsmål."""
    decision = values.check_decision(decision)
    async with rt.unit_of_work() as uow:
        cycle, plan = await _plan(uow.conn, plan_id, "id", acting_for)
        if plan.state is PlanState.ADOPTED and plan.adopted == decision:
            return plan
        cycles.require_phase(cycle, "adoptPlan", cycles.PLAN_PHASES, "id")
        if not plans.check_plan_adoption(plan, decision, await _balances(uow.conn, plan)):
            return plan
        goal_ids = (await repo.goal_ids_of_plans(uow.conn, [plan.id])).get(plan.id, [])
        goals = values.known_goals(goal_ids, await repo.known_goals(uow.conn, goal_ids), "goals")
        directives.check_goals_adoptable(goals, await _parents(uow.conn, goals), "goals")
        plan = replace(plan, state=PlanState.ADOPTED, adopted=decision)
        await repo.save_plan(uow.conn, plan)
        await uow.emit(contracts.planning.PLAN_ADOPTED, str(plan.id), events.plan_adopted(plan, goal_ids))
        await repo.request_goal_establishment(
            uow.conn, plan.id, EstablishedBy.OPERATIONAL_PLAN, directives.initial_goal_establishment(len(goal_ids))
        )
    return plan
