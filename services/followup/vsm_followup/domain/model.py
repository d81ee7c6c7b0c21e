"""Follow-up entities and the roll-up of fulfilment (måluppfyllelse)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date


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


@dataclass(frozen=True, slots=True)
class ProjectedGoal:
    """What followup knows of a goal, learned from the goals service's events."""

    id: uuid.UUID
    level: str
    state: str
    title: str


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
class Fulfilment:
    """The fulfilment of one goal in one period, with why."""

    goal_id: uuid.UUID
    period_id: uuid.UUID | None
    status: AssessmentStatus
    basis: FulfilmentBasis
    explanation: str


def unassessed(goal_id: uuid.UUID, period_id: uuid.UUID | None, contributor_count: int) -> Fulfilment:
    """Fulfilment of a goal that nobody has assessed and whose contributors say nothing yet."""
    if contributor_count:
        why = f"Ej bedömd: ingen bedömning finns, och inget av {contributor_count} bidragande mål är bedömt."
    else:
        why = "Ej bedömd: ingen bedömning finns för perioden."
    return Fulfilment(goal_id, period_id, AssessmentStatus.NOT_ASSESSED, FulfilmentBasis.NONE, why)
