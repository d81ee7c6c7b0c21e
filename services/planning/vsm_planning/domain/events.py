"""Event types the planning service publishes, and their payloads.

``directive.adopted`` and ``plan.adopted`` are the published contract of docs/events.md (the goals
service and the budget system consume them); every type has a JSON Schema in services/planning/events/.
Money and the tax rate are decimal strings, never floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from .model import (
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

CYCLE_OPENED = "vsm.planning.cycle.opened.v1"
PHASE_SCHEDULED = "vsm.planning.cycle.phase_scheduled.v1"
PHASE_ADVANCED = "vsm.planning.cycle.phase_advanced.v1"
ANALYSIS_WRITTEN = "vsm.planning.cycle.analysis_written.v1"
DIRECTIVE_DRAFTED = "vsm.planning.directive.drafted.v1"
BUDGET_FRAMES_SET = "vsm.planning.directive.budget_frames_set.v1"
TAX_RATE_SET = "vsm.planning.directive.tax_rate_set.v1"
RECIPIENTS_SET = "vsm.planning.directive.recipients_set.v1"
CONCRETE_GOALS_ADDED = "vsm.planning.directive.concrete_goals_added.v1"
ASSIGNMENT_ADDED = "vsm.planning.directive.assignment_added.v1"
ASSIGNMENT_STATE_CHANGED = "vsm.planning.directive.assignment_state_changed.v1"
DIRECTIVE_ADOPTED = "vsm.planning.directive.adopted.v1"
DIRECTIVE_SUPERSEDED = "vsm.planning.directive.superseded.v1"
PLAN_CREATED = "vsm.planning.plan.created.v1"
PLAN_GOALS_ADDED = "vsm.planning.plan.goals_added.v1"
PLAN_INTERNAL_BUDGET_SET = "vsm.planning.plan.internal_budget_set.v1"
PLAN_SUBMITTED = "vsm.planning.plan.submitted.v1"
PLAN_RETURNED = "vsm.planning.plan.returned.v1"
PLAN_ADOPTED = "vsm.planning.plan.adopted.v1"

ALL_TYPES = (
    CYCLE_OPENED,
    PHASE_SCHEDULED,
    PHASE_ADVANCED,
    ANALYSIS_WRITTEN,
    DIRECTIVE_DRAFTED,
    BUDGET_FRAMES_SET,
    TAX_RATE_SET,
    RECIPIENTS_SET,
    CONCRETE_GOALS_ADDED,
    ASSIGNMENT_ADDED,
    ASSIGNMENT_STATE_CHANGED,
    DIRECTIVE_ADOPTED,
    DIRECTIVE_SUPERSEDED,
    PLAN_CREATED,
    PLAN_GOALS_ADDED,
    PLAN_INTERNAL_BUDGET_SET,
    PLAN_SUBMITTED,
    PLAN_RETURNED,
    PLAN_ADOPTED,
)


def _date(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _money(amount: Decimal | None) -> str | None:
    return str(amount) if amount is not None else None


def decision(d: Decision) -> dict[str, Any]:
    return {
        "bodyId": str(d.body_id),
        "date": d.date.isoformat(),
        "paragraph": d.paragraph,
        "diaryNumber": d.diary_number,
    }


def _phase(p: Phase) -> dict[str, Any]:
    return {
        "kind": str(p.kind),
        "state": str(p.state),
        "opensOn": _date(p.opens_on),
        "dueOn": _date(p.due_on),
        "responsibleId": str(p.responsible_id) if p.responsible_id else None,
    }


def cycle_opened(cycle: PlanningCycle) -> dict[str, Any]:
    return {
        "cycleId": str(cycle.id),
        "kind": str(cycle.kind),
        "startYear": cycle.start_year,
        "endYear": cycle.end_year,
        "title": cycle.title,
        "phases": [_phase(p) for p in cycle.phases],
    }


def phase_scheduled(cycle: PlanningCycle, phase: Phase) -> dict[str, Any]:
    return {"cycleId": str(cycle.id), **_phase(phase)}


def phase_advanced(cycle: PlanningCycle, completed: Phase, opened: Phase | None) -> dict[str, Any]:
    return {
        "cycleId": str(cycle.id),
        "completedPhase": str(completed.kind),
        "completedOn": _date(completed.completed_on),
        "openedPhase": str(opened.kind) if opened else None,
    }


def analysis_written(cycle: PlanningCycle, section: AnalysisSection) -> dict[str, Any]:
    return {"cycleId": str(cycle.id), "section": str(section.kind), "version": section.version, "text": section.text}


def _frames(frames: Sequence[BudgetFrame]) -> list[dict[str, Any]]:
    return [{"organizationId": str(f.organization_id), "year": f.year, "amount": _money(f.amount)} for f in frames]


def _assignment(a: Assignment) -> dict[str, Any]:
    return {
        "id": str(a.id),
        "title": a.title,
        "description": a.description,
        "recipientIds": [str(r) for r in a.recipient_ids],
        "dueOn": _date(a.due_on),
        "state": str(a.state),
    }


def directive_drafted(d: Directive, content: DirectiveContent) -> dict[str, Any]:
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


def budget_frames_set(d: Directive, frames: Sequence[BudgetFrame]) -> dict[str, Any]:
    return {"directiveId": str(d.id), "revision": d.revision, "budgetFrames": _frames(frames)}


def tax_rate_set(d: Directive) -> dict[str, Any]:
    return {"directiveId": str(d.id), "revision": d.revision, "taxRate": _money(d.tax_rate)}


def recipients_set(d: Directive, recipient_ids: Sequence[Any], removed_ids: Sequence[Any]) -> dict[str, Any]:
    return {
        "directiveId": str(d.id),
        "revision": d.revision,
        "recipientIds": [str(o) for o in recipient_ids],
        "removedRecipientIds": [str(o) for o in removed_ids],
    }


def concrete_goals_added(d: Directive, goal_ids: Sequence[Any]) -> dict[str, Any]:
    return {"directiveId": str(d.id), "revision": d.revision, "concreteGoalIds": [str(g) for g in goal_ids]}


def assignment_added(d: Directive, a: Assignment) -> dict[str, Any]:
    return {"directiveId": str(d.id), "revision": d.revision, "assignment": _assignment(a)}


def assignment_state_changed(d: Directive, a: Assignment) -> dict[str, Any]:
    return {"directiveId": str(d.id), "assignmentId": str(a.id), "state": str(a.state)}


def directive_adopted(d: Directive, content: DirectiveContent) -> dict[str, Any]:
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


def directive_superseded(old: Directive, new: Directive) -> dict[str, Any]:
    assert new.adopted is not None
    return {
        "directiveId": str(old.id),
        "revision": old.revision,
        "supersededBy": str(new.id),
        "decision": decision(new.adopted),
    }


def plan_created(p: OperationalPlan) -> dict[str, Any]:
    return {
        "planId": str(p.id),
        "organizationId": str(p.organization_id),
        "cycleId": str(p.cycle_id),
        "years": list(p.years),
    }


def plan_goals_added(p: OperationalPlan, goal_ids: Sequence[Any]) -> dict[str, Any]:
    return {"planId": str(p.id), "goalIds": [str(g) for g in goal_ids]}


def plan_internal_budget_set(p: OperationalPlan, lines: Sequence[BudgetLine]) -> dict[str, Any]:
    return {
        "planId": str(p.id),
        "lines": [{"activity": ln.activity, "year": ln.year, "amount": _money(ln.amount)} for ln in lines],
    }


def plan_submitted(p: OperationalPlan) -> dict[str, Any]:
    return {"planId": str(p.id), "organizationId": str(p.organization_id), "cycleId": str(p.cycle_id)}


def plan_returned(p: OperationalPlan) -> dict[str, Any]:
    return {
        "planId": str(p.id),
        "organizationId": str(p.organization_id),
        "cycleId": str(p.cycle_id),
        "reason": p.return_reason,
    }


def plan_adopted(p: OperationalPlan, goal_ids: Sequence[Any]) -> dict[str, Any]:
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
