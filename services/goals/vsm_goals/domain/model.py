"""Entities of the goal structure."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date


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
    """A goal (mål) at one level of the structure."""

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
