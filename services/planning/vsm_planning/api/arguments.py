"""The arguments the planning schema's fields share, each with its description."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from .common import DecisionInput
from .enums import CycleKind


def arg(description: str) -> Any:
    return strawberry.argument(description=description)


CycleId = Annotated[strawberry.ID, arg("The planning cycle (planeringscykel).")]
DirectiveId = Annotated[strawberry.ID, arg("The directive revision (planerings- or ägardirektiv).")]
PlanId = Annotated[strawberry.ID, arg("The verksamhetsplan.")]
AssignmentId = Annotated[strawberry.ID, arg("The särskilt uppdrag (stable across revisions).")]
OrganizationId = Annotated[strawberry.ID, arg("The nämnd or bolag (organisation).")]
OptCycleId = Annotated[strawberry.ID | None, arg("Only this planning cycle.")]
OptOrganizationId = Annotated[strawberry.ID | None, arg("Only this organisation.")]
OptCycleKind = Annotated[CycleKind | None, arg("Only cycles of this kind (mandatperiod or årlig).")]
Kind = Annotated[CycleKind, arg("Mandate period (mandatperiod) or annual (budgetår).")]
GoalIds = Annotated[list[strawberry.ID], arg("Goals (mål) by id.")]
Decision = Annotated[DecisionInput, arg("The decision (beslut).")]
AsOf = Annotated[
    date | None,
    arg(
        "The goal structure in force on this date: goals adopted by a decision dated on or before it and not "
        "retired by then, linked by links in effect that day. Without it, the structure as it stands today "
        "(Europe/Stockholm): the links in effect today, not those decided for later, drafts included."
    ),
]
ReturnReason = Annotated[str, arg("Why (motivering till återremiss).")]
