"""The payloads of the planning service's events; the types are in ``vsm_common.contracts.planning``.

``directive.adopted`` and ``plan.adopted`` are the published contract of docs/events.md (the goals
service and the budget system consume them); every type has a JSON Schema in services/planning/events/.
Money and the tax rate are decimal strings, never floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from vsm_common.contracts import Decision as DecisionData
from vsm_common.contracts import planning as contract

from ..domain.model import (
    AnalysisSection,
    Assignment,
    BudgetFrame,
    BudgetLine,
    Decision,
    Directive,
    DirectiveContent,
    OperationalPlan,
    Phase,
    PlanningCycle,
)


def _date(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _money(amount: Decimal | None) -> str | None:
    return str(amount) if amount is not None else None


def decision(d: Decision) -> DecisionData:
    return {
        "bodyId": str(d.body_id),
        "date": d.date.isoformat(),
        "paragraph": d.paragraph,
        "diaryNumber": d.diary_number,
    }


def _phase(p: Phase) -> contract.Phase:
    return {
        "kind": str(p.kind),
        "state": str(p.state),
        "opensOn": _date(p.opens_on),
        "dueOn": _date(p.due_on),
        "responsibleId": str(p.responsible_id) if p.responsible_id else None,
    }


def cycle_opened(cycle: PlanningCycle) -> contract.CycleOpened:
    return {
        "cycleId": str(cycle.id),
        "kind": str(cycle.kind),
        "startYear": cycle.start_year,
        "endYear": cycle.end_year,
        "title": cycle.title,
        "phases": [_phase(p) for p in cycle.phases],
    }


def phase_scheduled(cycle: PlanningCycle, phase: Phase) -> contract.PhaseScheduled:
    return {"cycleId": str(cycle.id), **_phase(phase)}


def phase_advanced(cycle: PlanningCycle, completed: Phase, opened: Phase | None) -> contract.PhaseAdvanced:
    return {
        "cycleId": str(cycle.id),
        "completedPhase": str(completed.kind),
        "completedOn": _date(completed.completed_on),
        "openedPhase": str(opened.kind) if opened else None,
    }


def analysis_written(cycle: PlanningCycle, section: AnalysisSection) -> contract.AnalysisWritten:
    return {"cycleId": str(cycle.id), "section": str(section.kind), "version": section.version, "text": section.text}


def _frames(frames: Sequence[BudgetFrame]) -> list[contract.BudgetFrame]:
    return [{"organizationId": str(f.organization_id), "year": f.year, "amount": str(f.amount)} for f in frames]


def _assignment(a: Assignment) -> contract.Assignment:
    return {
        "id": str(a.id),
        "title": a.title,
        "description": a.description,
        "recipientIds": [str(r) for r in a.recipient_ids],
        "dueOn": _date(a.due_on),
        "state": str(a.state),
    }


def directive_drafted(d: Directive, content: DirectiveContent) -> contract.DirectiveDrafted:
    return {
        "directiveId": str(d.id),
        "kind": str(d.kind),
        "cycleId": str(d.cycle_id),
        "budgetYear": d.budget_year,
        "revision": d.revision,
        "title": d.title,
        "supersedes": str(d.supersedes_id) if d.supersedes_id else None,
        "recipientIds": [str(r) for r in content.recipient_ids],
    }


def budget_frames_set(d: Directive, frames: Sequence[BudgetFrame]) -> contract.BudgetFramesSet:
    return {"directiveId": str(d.id), "revision": d.revision, "budgetFrames": _frames(frames)}


def tax_rate_set(d: Directive) -> contract.TaxRateSet:
    return {"directiveId": str(d.id), "revision": d.revision, "taxRate": _money(d.tax_rate)}


def recipients_set(d: Directive, recipient_ids: Sequence[Any], removed_ids: Sequence[Any]) -> contract.RecipientsSet:
    return {
        "directiveId": str(d.id),
        "revision": d.revision,
        "recipientIds": [str(o) for o in recipient_ids],
        "removedRecipientIds": [str(o) for o in removed_ids],
    }


def concrete_goals_added(d: Directive, goal_ids: Sequence[Any]) -> contract.ConcreteGoalsAdded:
    return {"directiveId": str(d.id), "revision": d.revision, "concreteGoalIds": [str(g) for g in goal_ids]}


def assignment_added(d: Directive, a: Assignment) -> contract.AssignmentAdded:
    return {"directiveId": str(d.id), "revision": d.revision, "assignment": _assignment(a)}


def assignment_state_changed(d: Directive, a: Assignment) -> contract.AssignmentStateChanged:
    return {"directiveId": str(d.id), "assignmentId": str(a.id), "state": str(a.state)}


def directive_adopted(d: Directive, content: DirectiveContent) -> contract.DirectiveAdopted:
    """The published contract (docs/events.md): everything the budget system needs, with stable ids."""
    assert d.adopted is not None
    return {
        "directiveId": str(d.id),
        "kind": str(d.kind),
        "cycleId": str(d.cycle_id),
        "budgetYear": d.budget_year,
        "revision": d.revision,
        "title": d.title,
        "decision": decision(d.adopted),
        "supersedes": str(d.supersedes_id) if d.supersedes_id else None,
        "taxRate": _money(d.tax_rate),
        "recipientIds": [str(r) for r in content.recipient_ids],
        "budgetFrames": _frames(content.frames),
        "concreteGoalIds": [str(g) for g in content.concrete_goal_ids],
        "assignments": [_assignment(a) for a in content.assignments],
    }


def directive_superseded(old: Directive, new: Directive) -> contract.DirectiveSuperseded:
    assert new.adopted is not None
    return {
        "directiveId": str(old.id),
        "revision": old.revision,
        "supersededBy": str(new.id),
        "decision": decision(new.adopted),
    }


def plan_created(p: OperationalPlan) -> contract.PlanCreated:
    return {
        "planId": str(p.id),
        "organizationId": str(p.organization_id),
        "cycleId": str(p.cycle_id),
        "years": list(p.years),
    }


def plan_goals_added(p: OperationalPlan, goal_ids: Sequence[Any]) -> contract.PlanGoalsAdded:
    return {"planId": str(p.id), "goalIds": [str(g) for g in goal_ids]}


def plan_internal_budget_set(p: OperationalPlan, lines: Sequence[BudgetLine]) -> contract.PlanInternalBudgetSet:
    return {
        "planId": str(p.id),
        "lines": [{"activity": ln.activity, "year": ln.year, "amount": str(ln.amount)} for ln in lines],
    }


def plan_submitted(p: OperationalPlan) -> contract.PlanSubmitted:
    return {"planId": str(p.id), "organizationId": str(p.organization_id), "cycleId": str(p.cycle_id)}


def plan_returned(p: OperationalPlan) -> contract.PlanReturned:
    return {
        "planId": str(p.id),
        "organizationId": str(p.organization_id),
        "cycleId": str(p.cycle_id),
        "reason": p.return_reason,
    }


def plan_adopted(p: OperationalPlan, goal_ids: Sequence[Any]) -> contract.PlanAdopted:
    """The published contract (docs/events.md): the goals service adopts the plan's verksamhetsmål."""
    assert p.adopted is not None
    return {
        "planId": str(p.id),
        "organizationId": str(p.organization_id),
        "cycleId": str(p.cycle_id),
        "years": list(p.years),
        "decision": decision(p.adopted),
        "goalIds": [str(g) for g in goal_ids],
    }
