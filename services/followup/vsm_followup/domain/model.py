"""Follow-up entities: periods, indicators, measurements, assessments, actions and fulfilment."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime


class AssessmentStatus(enum.StrEnum):
    """Assessment scale: uppfyllt, delvis uppfyllt, ej uppfyllt, ej bedömd."""

    ACHIEVED = "ACHIEVED"
    PARTLY_ACHIEVED = "PARTLY_ACHIEVED"
    NOT_ACHIEVED = "NOT_ACHIEVED"
    NOT_ASSESSED = "NOT_ASSESSED"


class FulfilmentBasis(enum.StrEnum):
    """Where a fulfilment comes from: own assessment, roll-up, override, or nothing yet."""

    ASSESSED = "ASSESSED"
    ROLLED_UP = "ROLLED_UP"
    OVERRIDDEN = "OVERRIDDEN"
    NONE = "NONE"


class PeriodKind(enum.StrEnum):
    """Kind of reporting period: månad, tertial, delår, helår."""

    MONTH = "MONTH"
    TERTIAL = "TERTIAL"
    INTERIM = "INTERIM"
    ANNUAL = "ANNUAL"


class IndicatorSource(enum.StrEnum):
    """Where an indicator's measurements come from: own measurement, Kolada, the HR or finance system."""

    OWN = "OWN"
    KOLADA = "KOLADA"
    HR = "HR"
    FINANCE = "FINANCE"


class Direction(enum.StrEnum):
    """Whether a higher or a lower value is better (riktning)."""

    HIGHER_IS_BETTER = "HIGHER_IS_BETTER"
    LOWER_IS_BETTER = "LOWER_IS_BETTER"


class ActionState(enum.StrEnum):
    """State of an action: ej påbörjad, påbörjad, genomförd, försenad, avförd."""

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    DELAYED = "DELAYED"
    CANCELLED = "CANCELLED"


# Swedish words for the committee-readable texts (explanations, the printable report).
STATUS_LABEL: dict[AssessmentStatus, str] = {
    AssessmentStatus.ACHIEVED: "uppfyllt",
    AssessmentStatus.PARTLY_ACHIEVED: "delvis uppfyllt",
    AssessmentStatus.NOT_ACHIEVED: "ej uppfyllt",
    AssessmentStatus.NOT_ASSESSED: "ej bedömt",
}
ACTION_STATE_LABEL: dict[ActionState, str] = {
    ActionState.NOT_STARTED: "ej påbörjad",
    ActionState.IN_PROGRESS: "påbörjad",
    ActionState.DONE: "genomförd",
    ActionState.DELAYED: "försenad",
    ActionState.CANCELLED: "avförd",
}


@dataclass(frozen=True, slots=True)
class ProjectedGoal:
    """What followup knows of a goal, learned from the goals service's events."""

    id: uuid.UUID
    level: str
    state: str
    title: str
    valid_from: date | None = None
    valid_to: date | None = None
    adopted_on: date | None = None
    retired_on: date | None = None
    organization_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectedOrganization:
    """What followup knows of an organisation, learned from organization.registered events."""

    id: uuid.UUID
    code: str
    name: str | None
    kind: str
    parent_id: uuid.UUID | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.code


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    """A reporting period (uppföljningsperiod), e.g. T1, delår, helår."""

    id: uuid.UUID
    year: int
    kind: PeriodKind
    label: str
    starts_on: date
    ends_on: date
    closed: bool


@dataclass(frozen=True, slots=True)
class Indicator:
    """A nyckeltal: what is measured, in which unit, which way is better, and where the values come from."""

    id: uuid.UUID
    name: str
    unit: str
    direction: Direction
    source: IndicatorSource
    kolada_kpi_id: str | None = None
    owner_id: uuid.UUID | None = None
    baseline: float | None = None
    baseline_year: int | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """The target value (målvärde) of an indicator for a year."""

    indicator_id: uuid.UUID
    year: int
    value: float


@dataclass(frozen=True, slots=True)
class Measurement:
    """A measured value (utfall) for a year or a period; value None is a known gap (Kolada "Missing")."""

    indicator_id: uuid.UUID
    year: int
    value: float | None
    period_id: uuid.UUID | None = None
    municipality_id: str | None = None
    gender: str = "T"
    status: str | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """The assessment (bedömning) of a goal in a period."""

    goal_id: uuid.UUID
    period_id: uuid.UUID
    status: AssessmentStatus
    suggested_status: AssessmentStatus | None
    analysis: str | None
    assessed_by: uuid.UUID | None
    assessed_at: datetime


@dataclass(frozen=True, slots=True)
class Action:
    """An åtgärd on a deviation: who, by when, how far."""

    id: uuid.UUID
    goal_id: uuid.UUID
    title: str
    owner_id: uuid.UUID
    due_on: date | None
    state: ActionState
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Fulfilment:
    """The fulfilment of one goal in one period, with why and the contributions it rests on."""

    goal_id: uuid.UUID
    period_id: uuid.UUID | None
    status: AssessmentStatus
    basis: FulfilmentBasis
    explanation: str
    contributors: tuple[Fulfilment, ...] = field(default=())
    rolled_up_status: AssessmentStatus | None = None  # what the contributors gave, also when overridden
    title: str = ""
    level: str | None = None


def unassessed(goal_id: uuid.UUID, period_id: uuid.UUID | None, contributor_count: int) -> Fulfilment:
    """Fulfilment of a goal that nobody has assessed and whose contributors say nothing yet."""
    if contributor_count:
        why = f"Ej bedömd: ingen bedömning finns, och inget av {contributor_count} bidragande mål är bedömt."
    else:
        why = "Ej bedömd: ingen bedömning finns för perioden."
    return Fulfilment(goal_id, period_id, AssessmentStatus.NOT_ASSESSED, FulfilmentBasis.NONE, why)
