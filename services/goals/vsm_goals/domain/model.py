"""Entities of the goal structure."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime


class OrganizationKind(enum.StrEnum):
    """Kind of organisation in a municipality (organisationstyp)."""

    COUNCIL = "COUNCIL"  # kommunfullmäktige (KF)
    EXECUTIVE_BOARD = "EXECUTIVE_BOARD"  # kommunstyrelsen (KS)
    COMMITTEE = "COMMITTEE"  # nämnd
    COMPANY = "COMPANY"  # kommunalt bolag
    ADMINISTRATION = "ADMINISTRATION"  # förvaltning
    UNIT = "UNIT"  # enhet


class GoalLevel(enum.StrEnum):
    """Level in the goal structure (målnivå), from the top down."""

    OVERARCHING = "OVERARCHING"  # övergripande mål
    ACTION_PROGRAMME = "ACTION_PROGRAMME"  # handlingsprogram
    CONCRETE = "CONCRETE"  # konkretiserade mål och prioriteringar
    OPERATIONAL = "OPERATIONAL"  # verksamhetsmål


class GoalState(enum.StrEnum):
    """Life-cycle state of a goal (utkast, antaget, avvecklat)."""

    DRAFT = "DRAFT"
    ADOPTED = "ADOPTED"
    RETIRED = "RETIRED"


class EstablishedBy(enum.StrEnum):
    """What asks the goals service to establish goals: an adopted directive or an adopted verksamhetsplan."""

    DIRECTIVE = "DIRECTIVE"  # KF's planerings- or ägardirektiv: its konkretiserade mål
    OPERATIONAL_PLAN = "OPERATIONAL_PLAN"  # a nämnd's or bolag's verksamhetsplan: its verksamhetsmål


@dataclass(frozen=True, slots=True)
class Organization:
    """An organisation: KF, KS, a nämnd, a bolag, a förvaltning or an enhet."""

    id: uuid.UUID
    code: str
    name: str
    kind: OrganizationKind
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """A beslut: which body decided, when, under which paragraph and diary number."""

    body_id: uuid.UUID
    date: date
    paragraph: str | None = None
    diary_number: str | None = None


@dataclass(frozen=True, slots=True)
class VisionTheme:
    """A theme of the vision (e.g. Hemstaden) with its statement."""

    id: uuid.UUID
    name: str
    statement: str


@dataclass(frozen=True, slots=True)
class Vision:
    """The municipality's vision (e.g. Halmstad 2020) with themes and värdegrund."""

    id: uuid.UUID
    title: str
    horizon_year: int
    themes: tuple[VisionTheme, ...]
    values: tuple[str, ...]
    adopted: Decision | None = None


@dataclass(frozen=True, slots=True)
class Goal:
    """A goal (mål) at one level of the structure, as it stands now or on an ``as of`` date."""

    id: uuid.UUID
    level: GoalLevel
    title: str
    state: GoalState
    description: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    parent_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    organization_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    theme_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    revision: int = 1
    adopted: Decision | None = None
    retired: Decision | None = None
    last_decision_on: date | None = None
    established_by: uuid.UUID | None = None

    @property
    def review_due(self) -> date | None:
        """When KF must review the goal (översyn): OVERARCHING every 4th year, ACTION_PROGRAMME yearly."""
        years = REVIEW_INTERVAL_YEARS.get(self.level)
        if years is None or self.state is not GoalState.ADOPTED or self.last_decision_on is None:
            return None
        return add_years(self.last_decision_on, years)


REVIEW_INTERVAL_YEARS: dict[GoalLevel, int] = {GoalLevel.OVERARCHING: 4, GoalLevel.ACTION_PROGRAMME: 1}


def add_years(d: date, years: int) -> date:
    """Same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


@dataclass(frozen=True, slots=True)
class GoalRevision:
    """One numbered revision of a goal (revidering) with the decision that made it effective."""

    goal_id: uuid.UUID
    number: int
    title: str
    description: str | None
    valid_from: date | None
    valid_to: date | None
    decision: Decision | None
    effective_on: date | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class GoalLink:
    """One period of a goal serving a goal one level up, with the decisions that began and ended it.

    ``effective_from`` None: from the goal's adoption (linked while a draft, part of what was adopted);
    ``effective_to`` is exclusive (the first day no longer in force), None while it has no end.
    """

    child_id: uuid.UUID
    parent_id: uuid.UUID
    effective_from: date | None
    effective_to: date | None
    decision: Decision | None = None
    ended_by: Decision | None = None


@dataclass(frozen=True, slots=True)
class EmployeeGoal:
    """A medarbetarmål: personal data, identified by the HR system's (sourceSystem, externalId)."""

    id: uuid.UUID
    source_system: str
    external_id: str
    employee_ref: str  # pseudonymous reference from the HR system, never a name or personnummer
    unit_id: uuid.UUID
    operational_goal_id: uuid.UUID
    title: str
    state: GoalState
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GoalRefusal:
    """Why one goal of an adopted directive or plan cannot be established: the rule and a message.

    The message names goals and organisations only, never a person: it is published in an event.
    """

    goal_id: uuid.UUID
    rule: str
    message: str


@dataclass(frozen=True, slots=True)
class EstablishmentRequest:
    """An adopted directive or verksamhetsplan asking the goals service to establish its goals (a saga step)."""

    by: EstablishedBy
    by_id: uuid.UUID  # the directive revision or the plan
    decision: Decision  # KF's decision for a directive, the nämnd's or bolag's own for a plan
    goal_ids: tuple[uuid.UUID, ...]
    event_id: str | None = None  # the CloudEvent id of the planning event that asked, echoed in the answer


@dataclass(frozen=True, slots=True)
class AccessLogEntry:
    """One logged read of an employee's medarbetarmål (loggpost i åtkomstloggen)."""

    accessed_at: datetime
    actor: str
    purpose: str
    operation: str  # "read" or "export"
    goal_count: int
