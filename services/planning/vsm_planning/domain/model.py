"""Entities of the planning model: cycles and phases, directives with budget, verksamhetsplaner."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class CycleKind(enum.StrEnum):
    """Kind of planning cycle: the long-term part (mandatperiod) or the annual part (budgetår)."""

    MANDATE_PERIOD = "MANDATE_PERIOD"  # långsiktig del, vart fjärde år
    ANNUAL = "ANNUAL"  # årlig del, per budgetår


class PhaseKind(enum.StrEnum):
    """A phase (fas) of a planning cycle, in the order the seed lists them."""

    STRATEGIC_ANALYSIS = "STRATEGIC_ANALYSIS"  # strategisk analys
    GOAL_REVIEW = "GOAL_REVIEW"  # översyn av de övergripande målen
    CONDITIONS_ANALYSIS = "CONDITIONS_ANALYSIS"  # analys av planeringsförutsättningar
    DIRECTIVE = "DIRECTIVE"  # planeringsdirektiv/ägardirektiv inkl. budget
    TAX_RATE = "TAX_RATE"  # beslut om skattesats
    OPERATIONAL_PLANNING = "OPERATIONAL_PLANNING"  # verksamhetsplanering för 3 år inkl. internbudget
    COMPILATION = "COMPILATION"  # sammanställning av verksamhetsplaner
    FOLLOW_UP = "FOLLOW_UP"  # uppföljning, analys och åtgärder


class PhaseState(enum.StrEnum):
    """State of a phase: ej påbörjad, pågår, avslutad."""

    NOT_STARTED = "NOT_STARTED"
    OPEN = "OPEN"
    DONE = "DONE"


class AnalysisSectionKind(enum.StrEnum):
    """A section of the strategic analysis or of the analysis of planning conditions."""

    EXTERNAL_ANALYSIS = "EXTERNAL_ANALYSIS"  # omvärldsanalys
    INTERNAL_ANALYSIS = "INTERNAL_ANALYSIS"  # invärldsanalys
    BASE_FACTS = "BASE_FACTS"  # basfakta


class DirectiveKind(enum.StrEnum):
    """planeringsdirektiv (to nämnder) or ägardirektiv (to bolag)."""

    PLANNING_DIRECTIVE = "PLANNING_DIRECTIVE"
    OWNER_DIRECTIVE = "OWNER_DIRECTIVE"


class DirectiveState(enum.StrEnum):
    """State of a directive: utkast, antaget, ersatt."""

    DRAFT = "DRAFT"
    ADOPTED = "ADOPTED"
    SUPERSEDED = "SUPERSEDED"


class AssignmentState(enum.StrEnum):
    """State of a särskilt uppdrag: ej påbörjat, pågår, genomfört."""

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"


class PlanState(enum.StrEnum):
    """State of a verksamhetsplan: utkast, inlämnad, antagen, återremitterad."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    ADOPTED = "ADOPTED"
    RETURNED = "RETURNED"


class GoalEstablishmentState(enum.StrEnum):
    """Whether the goals service has established the goals of an adopted directive or verksamhetsplan."""

    PENDING = "PENDING"  # adopted; the goals service has not answered yet
    ESTABLISHED = "ESTABLISHED"  # every goal is in force (adopted with this decision, or already)
    REFUSED = "REFUSED"  # a goal broke a rule of the goal structure; none was adopted (all or nothing)


class EstablishedBy(enum.StrEnum):
    """What asked the goals service to establish goals, as its answer names it."""

    DIRECTIVE = "DIRECTIVE"
    OPERATIONAL_PLAN = "OPERATIONAL_PLAN"


# ---------------------------------------------------------------- what planning knows of the goals service
class OrganizationKind(enum.StrEnum):
    """Kind of organisation, as the goals service publishes it."""

    COUNCIL = "COUNCIL"
    EXECUTIVE_BOARD = "EXECUTIVE_BOARD"
    COMMITTEE = "COMMITTEE"
    COMPANY = "COMPANY"
    ADMINISTRATION = "ADMINISTRATION"
    UNIT = "UNIT"


class GoalLevel(enum.StrEnum):
    """Level of a goal, as the goals service publishes it."""

    OVERARCHING = "OVERARCHING"
    ACTION_PROGRAMME = "ACTION_PROGRAMME"
    CONCRETE = "CONCRETE"
    OPERATIONAL = "OPERATIONAL"


class GoalState(enum.StrEnum):
    """State of a goal, as the goals service publishes it."""

    DRAFT = "DRAFT"
    ADOPTED = "ADOPTED"
    RETIRED = "RETIRED"


@dataclass(frozen=True, slots=True)
class KnownOrganization:
    """An organisation as planning learned it from the goals service's events."""

    id: uuid.UUID
    code: str
    name: str
    kind: OrganizationKind
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class KnownGoal:
    """A goal as planning learned it from the goals service's events.

    ``level`` is None while only events that do not carry it (e.g. a link) have arrived.
    """

    id: uuid.UUID
    level: GoalLevel | None
    state: GoalState
    title: str | None
    organization_ids: tuple[uuid.UUID, ...] = ()
    parent_ids: tuple[uuid.UUID, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    # Dates of the decisions that adopted and retired it; None when not (yet) known to planning.
    adopted_on: date | None = None
    retired_on: date | None = None


@dataclass(frozen=True, slots=True)
class GoalLink:
    """A period in which ``child_id`` served ``parent_id``, as planning learned it from the goals service.

    ``effective_from`` None: from the child's adoption (a draft's links take effect with it);
    ``effective_to`` None: still in force, else the first day it no longer is (exclusive).
    """

    child_id: uuid.UUID
    parent_id: uuid.UUID
    effective_from: date | None = None
    effective_to: date | None = None


# ---------------------------------------------------------------- planning's own entities
@dataclass(frozen=True, slots=True)
class Decision:
    """A beslut: which body decided, when, under which paragraph and diary number."""

    body_id: uuid.UUID
    date: date
    paragraph: str | None = None
    diary_number: str | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    """A phase of a cycle with its dates and the organisation responsible for it."""

    kind: PhaseKind
    state: PhaseState
    opens_on: date | None
    due_on: date | None
    responsible_id: uuid.UUID | None
    completed_on: date | None = None

    def overdue(self, today: date) -> bool:
        """Not finished although its due date has passed (försenad)."""
        return self.state is not PhaseState.DONE and self.due_on is not None and self.due_on < today


@dataclass(frozen=True, slots=True)
class PlanningCycle:
    """A mandate period (4 years) or an annual cycle (one budget year) and its phases in order."""

    id: uuid.UUID
    kind: CycleKind
    start_year: int
    end_year: int
    title: str
    phases: tuple[Phase, ...]

    @property
    def current_phase(self) -> Phase | None:
        """The open phase; None once every phase is done."""
        return next((p for p in self.phases if p.state is PhaseState.OPEN), None)

    def phase(self, kind: PhaseKind) -> Phase | None:
        return next((p for p in self.phases if p.kind is kind), None)


@dataclass(frozen=True, slots=True)
class AnalysisSection:
    """A written section of an analysis (omvärldsanalys, invärldsanalys, basfakta)."""

    kind: AnalysisSectionKind
    text: str
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class BudgetFrame:
    """A budget frame (budgetram) of one organisation for one year, in SEK."""

    organization_id: uuid.UUID
    year: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Assignment:
    """A särskilt uppdrag of KF to one or more nämnder/bolag; its id is the same in every revision."""

    id: uuid.UUID
    title: str
    description: str | None
    recipient_ids: tuple[uuid.UUID, ...]
    due_on: date | None
    state: AssignmentState = AssignmentState.NOT_STARTED

    def overdue(self, today: date) -> bool:
        """Not done although its due date has passed (försenat): the rule of :meth:`Phase.overdue`."""
        return self.state is not AssignmentState.DONE and self.due_on is not None and self.due_on < today


@dataclass(frozen=True, slots=True)
class Directive:
    """One revision of a planeringsdirektiv or ägardirektiv of KF for a budget year.

    Every revision of the same directive shares ``lineage_id`` (the id of revision 1).
    """

    id: uuid.UUID
    lineage_id: uuid.UUID
    cycle_id: uuid.UUID
    kind: DirectiveKind
    budget_year: int
    title: str
    state: DirectiveState
    revision: int
    supersedes_id: uuid.UUID | None = None
    tax_rate: Decimal | None = None
    adopted: Decision | None = None


@dataclass(frozen=True, slots=True)
class DirectiveContent:
    """What a directive revision says, besides its header."""

    recipient_ids: tuple[uuid.UUID, ...] = ()
    frames: tuple[BudgetFrame, ...] = ()
    concrete_goal_ids: tuple[uuid.UUID, ...] = ()
    assignments: tuple[Assignment, ...] = ()


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """A line of a verksamhetsplan's internbudget: an activity's amount for one year, in SEK."""

    activity: str
    year: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class OperationalPlan:
    """A verksamhetsplan of one nämnd or bolag for the three years of an annual cycle."""

    id: uuid.UUID
    cycle_id: uuid.UUID
    organization_id: uuid.UUID
    years: tuple[int, ...]
    state: PlanState
    adopted: Decision | None = None
    return_reason: str | None = None


@dataclass(frozen=True, slots=True)
class YearBalance:
    """How one year of an internbudget compares with the organisation's frame."""

    year: int
    frame: Decimal | None
    internal_budget: Decimal

    @property
    def difference(self) -> Decimal:
        """Internbudget minus frame: positive is over the frame, negative under it."""
        return self.internal_budget - (self.frame if self.frame is not None else Decimal("0.00"))

    @property
    def balanced(self) -> bool:
        return self.frame is not None and self.difference == 0


@dataclass(frozen=True, slots=True)
class UncoveredGoal:
    """A concrete goal and the recipients whose plans hold no verksamhetsmål serving it."""

    goal_id: uuid.UUID
    organization_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True, slots=True)
class Compilation:
    """The sammanställning of a cycle's verksamhetsplaner, reported to KS and KF."""

    cycle_id: uuid.UUID
    plan_ids: tuple[uuid.UUID, ...]
    missing_organization_ids: tuple[uuid.UUID, ...]
    uncovered: tuple[UncoveredGoal, ...] = field(default_factory=tuple)
    as_of: date | None = None  # the date whose goal structure was compiled; None: as it stands now


@dataclass(frozen=True, slots=True)
class GoalRefusal:
    """A goal the goals service refused to establish, with the rule it broke and its message."""

    goal_id: uuid.UUID
    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class GoalEstablishment:
    """The goals service's answer (or the wait for it) for one adopted directive revision or plan."""

    subject_id: uuid.UUID  # the directive revision or the plan
    kind: EstablishedBy
    state: GoalEstablishmentState
    refusals: tuple[GoalRefusal, ...] = ()
    answered_at: datetime | None = None
