"""Entities of the planning model."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass


class DirectiveKind(enum.StrEnum):
    """planeringsdirektiv (to nämnder) or ägardirektiv (to bolag)."""

    PLANNING_DIRECTIVE = "PLANNING_DIRECTIVE"
    OWNER_DIRECTIVE = "OWNER_DIRECTIVE"


class DirectiveState(enum.StrEnum):
    """State of a directive: utkast, antaget, ersatt."""

    DRAFT = "DRAFT"
    ADOPTED = "ADOPTED"
    SUPERSEDED = "SUPERSEDED"


class PlanState(enum.StrEnum):
    """State of a verksamhetsplan: utkast, inlämnad, antagen, återremitterad."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    ADOPTED = "ADOPTED"
    RETURNED = "RETURNED"


@dataclass(frozen=True, slots=True)
class Directive:
    """A planeringsdirektiv or ägardirektiv of KF for one budget year."""

    id: uuid.UUID
    kind: DirectiveKind
    budget_year: int
    title: str
    state: DirectiveState
    revision: int


@dataclass(frozen=True, slots=True)
class OperationalPlan:
    """A verksamhetsplan of one nämnd or bolag for three years."""

    id: uuid.UUID
    organization_id: uuid.UUID
    years: tuple[int, ...]
    state: PlanState
