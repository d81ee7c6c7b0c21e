"""Use cases of directives (planeringsdirektiv, ägardirektiv): drafting, changing a draft or, after adoption,
a new revision (frames, recipients, tax rate, konkretiserade mål, särskilda uppdrag), and KF's adoption."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from vsm_common import contracts
from vsm_common.errors import TARGET, Conflict, NotFound

from ..domain import cycles, directives, values
from ..domain.model import (
    Assignment,
    AssignmentState,
    CycleKind,
    Decision,
    Directive,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    EstablishedBy,
    PhaseKind,
    PlanningCycle,
)
from ..ports import PlanningUnitOfWork
from . import events
from .cycles import locked_cycle


async def _locked_directive(uow: PlanningUnitOfWork, directive_id: uuid.UUID) -> tuple[PlanningCycle, Directive]:
    """Lock the directive's cycle, then the directive's lineage: always in that order, so no deadlock."""
    found = (await uow.directives.by_ids([directive_id])).get(directive_id)
    if found is None:
        raise NotFound(f"no directive {directive_id}", key=TARGET, rule="directive.exists")
    cycle = await locked_cycle(uow, found.cycle_id, share=True)
    directive = await uow.directives.lock(directive_id)
    assert directive is not None
    return cycle, directive


async def create_directive(
    uow: PlanningUnitOfWork,
    cycle_id: uuid.UUID,
    kind: DirectiveKind,
    title: str,
    recipient_ids: Sequence[uuid.UUID],
    directive_id: uuid.UUID | None = None,
) -> Directive:
    title = values.check_title(title)
    recipients = tuple(dict.fromkeys(recipient_ids))
    async with uow:
        cycle = await locked_cycle(uow, cycle_id, share=True)
        cycles.require_kind(cycle, CycleKind.ANNUAL, "a directive")
        cycles.require_phase(cycle, "createDirective", cycles.DRAFTING_PHASES)
        orgs = values.known_organizations(recipients, await uow.known_organizations.by_ids(recipients), "recipient_ids")
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
        if not await uow.directives.add(directive):
            existing = await uow.directives.exists_for(cycle.id, kind)
            raise Conflict(
                f"{cycle.title} already has a {kind} ({existing.id if existing else '?'}); change it instead",
                key="kind",
                rule="directive.exists",
            )
        await uow.directive_content.insert_recipients(directive.id, recipients)
        await uow.emit(
            contracts.planning.DIRECTIVE_DRAFTED,
            str(directive.id),
            events.directive_drafted(directive, DirectiveContent(recipient_ids=recipients)),
        )
    return directive


async def _changeable(
    uow: PlanningUnitOfWork, directive_id: uuid.UUID, operation: str, only_in: frozenset[PhaseKind] | None = None
) -> tuple[Directive, DirectiveContent]:
    """The directive to change and what it says now, after the state and phase rules allowed the change."""
    cycle, directive = await _locked_directive(uow, directive_id)
    pending = None
    if directive.state is DirectiveState.ADOPTED:
        pending = await uow.directives.lineage_revision(directive.lineage_id, DirectiveState.DRAFT)
    directives.check_revisable(directive, pending)
    allowed = directives.change_phases(directive)
    cycles.require_phase(cycle, operation, allowed & only_in if only_in is not None else allowed)
    return directive, await uow.directive_content.content_of(directive.id)


async def _revision_to_change(uow: PlanningUnitOfWork, directive: Directive, content: DirectiveContent) -> Directive:
    """A draft is changed in place; changing an adopted directive makes its next revision (a draft)."""
    if directive.state is DirectiveState.DRAFT:
        return directive
    revision = directives.next_revision(directive, uuid.uuid4())
    inserted = await uow.directives.add(revision)
    assert inserted  # a revision > 1 never meets the one-per-kind constraint
    await uow.directive_content.copy(directive.id, revision.id)
    await uow.emit(contracts.planning.DIRECTIVE_DRAFTED, str(revision.id), events.directive_drafted(revision, content))
    return revision


async def set_budget_frames(
    uow: PlanningUnitOfWork, directive_id: uuid.UUID, frames: Sequence[directives.FrameInput]
) -> Directive:
    async with uow:
        directive, content = await _changeable(uow, directive_id, "setBudgetFrames")
        given = directives.check_frames(directive, content, frames)
        if directives.merge_frames(content.frames, given) == directives.merge_frames(content.frames, []):
            return directive
        target = await _revision_to_change(uow, directive, content)
        await uow.directive_content.upsert_frames(target.id, given)
        await uow.emit(contracts.planning.BUDGET_FRAMES_SET, str(target.id), events.budget_frames_set(target, given))
    return target


async def set_directive_recipients(
    uow: PlanningUnitOfWork, directive_id: uuid.UUID, recipient_ids: Sequence[uuid.UUID]
) -> Directive:
    """New recipients: in place on a draft; on an adopted directive as its next revision, which supersedes
    it when KF adopts it (its directive.adopted names the new recipients)."""
    ids = directives.check_recipient_list(recipient_ids)
    async with uow:
        directive, content = await _changeable(uow, directive_id, "setDirectiveRecipients")
        orgs = values.known_organizations(ids, await uow.known_organizations.by_ids(ids), "recipient_ids")
        directives.check_recipients(directive.kind, orgs)
        goals = await uow.known_goals.by_ids(content.concrete_goal_ids)
        change = directives.change_recipients(directive, content, ids, goals)
        if change.recipient_ids == content.recipient_ids:
            return directive
        target = await _revision_to_change(uow, directive, content)
        await uow.directive_content.replace_recipients(target.id, change.recipient_ids, change.removed_ids)
        await uow.emit(
            contracts.planning.RECIPIENTS_SET,
            str(target.id),
            events.recipients_set(target, change.recipient_ids, change.removed_ids),
        )
    return target


async def set_tax_rate(uow: PlanningUnitOfWork, directive_id: uuid.UUID, rate: Decimal) -> Directive:
    rate = values.check_tax_rate(rate)
    async with uow:
        directive, content = await _changeable(uow, directive_id, "setTaxRate", cycles.TAX_RATE_PHASES)
        directives.check_tax_rate_kind(directive)
        if directive.tax_rate == rate:
            return directive
        target = replace(await _revision_to_change(uow, directive, content), tax_rate=rate)
        await uow.directives.save(target)
        await uow.emit(contracts.planning.TAX_RATE_SET, str(target.id), events.tax_rate_set(target))
    return target


async def add_concrete_goals(
    uow: PlanningUnitOfWork, directive_id: uuid.UUID, goal_ids: Sequence[uuid.UUID]
) -> Directive:
    ids = list(dict.fromkeys(goal_ids))
    async with uow:
        directive, content = await _changeable(uow, directive_id, "addConcreteGoals")
        goals = values.known_goals(ids, await uow.known_goals.by_ids(ids), "goal_ids")
        directives.check_concrete_goals(content, goals)
        new = [g for g in ids if g not in content.concrete_goal_ids]
        if not new:
            return directive
        target = await _revision_to_change(uow, directive, content)
        added = await uow.directive_content.add_goals(target.id, new)
        await uow.emit(
            contracts.planning.CONCRETE_GOALS_ADDED, str(target.id), events.concrete_goals_added(target, added)
        )
    return target


async def add_assignment(
    uow: PlanningUnitOfWork,
    directive_id: uuid.UUID,
    title: str,
    description: str | None,
    recipient_ids: Sequence[uuid.UUID],
    due_on: date | None,
    assignment_id: uuid.UUID | None = None,
) -> Directive:
    async with uow:
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
        await uow.directive_content.add_assignment(target.id, assignment)
        await uow.emit(contracts.planning.ASSIGNMENT_ADDED, str(target.id), events.assignment_added(target, assignment))
    return target


async def set_assignment_state(uow: PlanningUnitOfWork, assignment_id: uuid.UUID, state: AssignmentState) -> Assignment:
    async with uow:
        found = await uow.directives.in_force_with_assignment(assignment_id)
        if found is None:
            raise NotFound(f"no assignment {assignment_id}", key=TARGET, rule="assignment.exists")
        cycle, directive = await _locked_directive(uow, found.id)
        directives.check_assignment_directive(directive)
        cycles.require_phase(cycle, "setAssignmentState", cycles.REVISION_PHASES)
        assignment = next(
            a
            for a in (await uow.directive_content.assignments_of([directive.id]))[directive.id]
            if a.id == assignment_id
        )
        if assignment.state is state:
            return assignment
        assignment = replace(assignment, state=state)
        await uow.directive_content.set_assignment_state(assignment_id, state)
        await uow.emit(
            contracts.planning.ASSIGNMENT_STATE_CHANGED,
            str(directive.id),
            events.assignment_state_changed(directive, assignment),
        )
    return assignment


async def adopt_directive(uow: PlanningUnitOfWork, directive_id: uuid.UUID, decision: Decision) -> Directive:
    """KF adopts the directive; a revision supersedes the one in force. Adopting again with the same
    decision changes nothing, so a client may safely retry."""
    decision = values.check_decision(decision)
    async with uow:
        cycle, directive = await _locked_directive(uow, directive_id)
        if directive.state is DirectiveState.ADOPTED and directive.adopted == decision:
            return directive
        cycles.require_phase(cycle, "adoptDirective", directives.change_phases(directive))
        body = (await uow.known_organizations.by_ids([decision.body_id])).get(decision.body_id)
        directives.check_council_decision(decision, body)
        superseded = None
        if directive.supersedes_id is not None:
            superseded = await uow.directives.lineage_revision(directive.lineage_id, DirectiveState.ADOPTED)
        directives.check_adoption(directive, decision, superseded)
        if superseded is not None:
            answers = await uow.establishments.by_ids([superseded.id])
            directives.check_superseded_goals_answered(superseded, answers.get(superseded.id))
        content = await uow.directive_content.content_of(directive.id)
        codes = await uow.known_organizations.by_ids(content.recipient_ids)
        directives.check_complete(directive, content, {k: v.code for k, v in codes.items()})
        goals = values.known_goals(
            content.concrete_goal_ids, await uow.known_goals.by_ids(content.concrete_goal_ids), "concrete_goal_ids"
        )
        directives.check_concrete_goals(content, goals)
        # Whether the goals service can adopt them is its rule to answer (goalEstablishment), not planning's.
        adopted = replace(directive, state=DirectiveState.ADOPTED, adopted=decision)
        if superseded is not None:
            # Before the new one is saved: at most one adopted revision per directive, always.
            await uow.directives.save(replace(superseded, state=DirectiveState.SUPERSEDED))
        await uow.directives.save(adopted)
        if superseded is not None:
            await uow.emit(
                contracts.planning.DIRECTIVE_SUPERSEDED,
                str(superseded.id),
                events.directive_superseded(superseded, adopted),
            )
        await uow.emit(
            contracts.planning.DIRECTIVE_ADOPTED, str(adopted.id), events.directive_adopted(adopted, content)
        )
        await uow.establishments.request(
            adopted.id, EstablishedBy.DIRECTIVE, directives.initial_goal_establishment(len(content.concrete_goal_ids))
        )
    return adopted
