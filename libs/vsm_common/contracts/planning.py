"""The events the planning service publishes on ``vsm.planning.events`` (docs/events.md).

``directive.adopted`` and ``plan.adopted`` are what other systems consume (the goals service, the
budget system). Money and the tax rate are decimal strings (``"125000000.00"``, ``"20.38"``), never
floats; enumerations travel as their member names, their allowed values are in the schemas.
"""

from typing import Any, TypedDict

from .base import Decision, EventType


class Phase(TypedDict):
    kind: str
    state: str
    opensOn: str | None
    dueOn: str | None
    responsibleId: str | None


class BudgetFrame(TypedDict):
    organizationId: str
    year: int
    amount: str


class Assignment(TypedDict):
    id: str
    title: str
    description: str | None
    recipientIds: list[str]
    dueOn: str | None
    state: str


class BudgetLine(TypedDict):
    activity: str
    year: int
    amount: str


class CycleOpened(TypedDict):
    cycleId: str
    kind: str
    startYear: int
    endYear: int
    title: str
    phases: list[Phase]


class PhaseScheduled(Phase):
    cycleId: str


class PhaseAdvanced(TypedDict):
    cycleId: str
    completedPhase: str
    completedOn: str | None
    openedPhase: str | None  # None: the cycle's last phase was completed


class AnalysisWritten(TypedDict):
    cycleId: str
    section: str
    version: int
    text: str


class DirectiveDrafted(TypedDict):
    directiveId: str
    kind: str
    cycleId: str
    budgetYear: int
    revision: int
    title: str
    supersedes: str | None
    recipientIds: list[str]


class BudgetFramesSet(TypedDict):
    directiveId: str
    revision: int
    budgetFrames: list[BudgetFrame]


class TaxRateSet(TypedDict):
    directiveId: str
    revision: int
    taxRate: str | None


class RecipientsSet(TypedDict):
    directiveId: str
    revision: int
    recipientIds: list[str]
    removedRecipientIds: list[str]


class ConcreteGoalsAdded(TypedDict):
    directiveId: str
    revision: int
    concreteGoalIds: list[str]


class AssignmentAdded(TypedDict):
    directiveId: str
    revision: int
    assignment: Assignment


class AssignmentStateChanged(TypedDict):
    directiveId: str
    assignmentId: str
    state: str


class DirectiveAdopted(TypedDict):
    directiveId: str
    kind: str
    cycleId: str
    budgetYear: int
    revision: int
    title: str
    decision: Decision
    supersedes: str | None  # the revision this one replaces
    taxRate: str | None
    recipientIds: list[str]
    budgetFrames: list[BudgetFrame]
    concreteGoalIds: list[str]
    assignments: list[Assignment]


class DirectiveSuperseded(TypedDict):
    directiveId: str
    revision: int
    supersededBy: str
    decision: Decision  # the decision that adopted the replacing revision


class PlanCreated(TypedDict):
    planId: str
    organizationId: str
    cycleId: str
    years: list[int]


class PlanGoalsAdded(TypedDict):
    planId: str
    goalIds: list[str]


class PlanInternalBudgetSet(TypedDict):
    planId: str
    lines: list[BudgetLine]


class PlanSubmitted(TypedDict):
    planId: str
    organizationId: str
    cycleId: str


class PlanReturned(TypedDict):
    planId: str
    organizationId: str
    cycleId: str
    reason: str | None


class PlanAdopted(TypedDict):
    planId: str
    organizationId: str
    cycleId: str
    years: list[int]
    decision: Decision
    goalIds: list[str]  # the plan's verksamhetsmål, which the goals service adopts


CYCLE_OPENED = EventType("planning", "cycle", "opened", 1, CycleOpened)
PHASE_SCHEDULED = EventType("planning", "cycle", "phase_scheduled", 1, PhaseScheduled)
PHASE_ADVANCED = EventType("planning", "cycle", "phase_advanced", 1, PhaseAdvanced)
ANALYSIS_WRITTEN = EventType("planning", "cycle", "analysis_written", 1, AnalysisWritten)
DIRECTIVE_DRAFTED = EventType("planning", "directive", "drafted", 1, DirectiveDrafted)
BUDGET_FRAMES_SET = EventType("planning", "directive", "budget_frames_set", 1, BudgetFramesSet)
TAX_RATE_SET = EventType("planning", "directive", "tax_rate_set", 1, TaxRateSet)
RECIPIENTS_SET = EventType("planning", "directive", "recipients_set", 1, RecipientsSet)
CONCRETE_GOALS_ADDED = EventType("planning", "directive", "concrete_goals_added", 1, ConcreteGoalsAdded)
ASSIGNMENT_ADDED = EventType("planning", "directive", "assignment_added", 1, AssignmentAdded)
ASSIGNMENT_STATE_CHANGED = EventType("planning", "directive", "assignment_state_changed", 1, AssignmentStateChanged)
DIRECTIVE_ADOPTED = EventType("planning", "directive", "adopted", 1, DirectiveAdopted)
DIRECTIVE_SUPERSEDED = EventType("planning", "directive", "superseded", 1, DirectiveSuperseded)
PLAN_CREATED = EventType("planning", "plan", "created", 1, PlanCreated)
PLAN_GOALS_ADDED = EventType("planning", "plan", "goals_added", 1, PlanGoalsAdded)
PLAN_INTERNAL_BUDGET_SET = EventType("planning", "plan", "internal_budget_set", 1, PlanInternalBudgetSet)
PLAN_SUBMITTED = EventType("planning", "plan", "submitted", 1, PlanSubmitted)
PLAN_RETURNED = EventType("planning", "plan", "returned", 1, PlanReturned)
PLAN_ADOPTED = EventType("planning", "plan", "adopted", 1, PlanAdopted)

ALL: tuple[EventType[Any], ...] = (
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
