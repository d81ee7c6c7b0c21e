"""The arguments the goals API's fields share, each with the description clients read in the schema."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from .common import DecisionInput


def arg(description: str) -> Any:
    return strawberry.argument(description=description)


GoalId = Annotated[strawberry.ID, arg("The goal (mål).")]
ChildId = Annotated[strawberry.ID, arg("The lower goal, the one that serves.")]
ParentId = Annotated[strawberry.ID, arg("The higher goal, the one served.")]
OptOrganizationId = Annotated[strawberry.ID | None, arg("Only goals of this organisation (owner or mottagare).")]
LinkDecision = Annotated[
    DecisionInput | None,
    arg(
        "The decision (beslut) changing the link: required when the goal is in force (ADOPTED), by the body "
        "that decides the goal's level; not allowed for a draft."
    ),
]
EmployeeRef = Annotated[str, arg("Pseudonymous employee reference from the HR system (never a name).")]
OptEmployeeRef = Annotated[str | None, arg("Only this employee (pseudonymous reference from the HR system).")]
