"""What every planning GraphQL type module shares: the resolver info, the asOf argument, ids and decisions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from vsm_common.graphql import parse_id

from ..domain import model
from .context import PlanningContext

PInfo = Info[PlanningContext, None]
AsOfArgument = Annotated[
    date | None,
    strawberry.argument(
        description="The goal structure in force on this date (goals adopted by then and not retired, links in "
        "effect that day); without it, as it stands today, drafts included."
    ),
]


def _id(value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.input(description="A decision (beslut): body, date, paragraph (§) and diary number (diarienummer).")
class DecisionInput:
    body_id: strawberry.ID = strawberry.field(description="The body that decided (beslutande organ).")
    date: date = strawberry.field(description="Date of the decision (beslutsdatum).")
    paragraph: str | None = strawberry.field(
        default=None, description='Paragraph in the minutes (paragraf), e.g. "§ 112".'
    )
    diary_number: str | None = strawberry.field(
        default=None, description='Diary number (diarienummer), e.g. "KS 2026/00123".'
    )

    def to_domain(self, field: str = "decision") -> model.Decision:
        return model.Decision(parse_id(self.body_id, f"{field}.bodyId"), self.date, self.paragraph, self.diary_number)
