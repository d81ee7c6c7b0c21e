"""What every part of the goals subgraph shares: the resolver info, Relay paging, decisions, row errors."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import strawberry
from strawberry.types import Info

from vsm_common import scopes
from vsm_common.cursors import Page

from ..domain import model
from .context import GoalsContext

if TYPE_CHECKING:
    from .organizations import Organization


GInfo = Info[GoalsContext, None]

# Arguments of a Relay page: forward with first/after, backward with last/before (vsm_common.cursors).
First = Annotated[
    int | None,
    strawberry.argument(
        description="Page forward: this many from the start (or after `after`), 0 to 1000; default 50. "
        "Not together with `last`."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="Start after this cursor (endCursor of the previous page).")
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Page backward: this many from the end (or before `before`), 0 to 1000, still in list "
        "order. Not together with `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="End before this cursor (startCursor of the page after), to page backward."),
]


@dataclass(frozen=True, slots=True)
class PageArgs:
    """The four Relay arguments of a connection field, as the client sent them."""

    first: int | None
    after: str | None
    last: int | None
    before: str | None


class _Edge(Protocol):
    cursor: str


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="Relay page information: where this page lies in the list, and its cursors.",
)
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item of this page, for `after`; null for an empty page."
    )
    has_previous_page: bool = strawberry.field(description="Whether more items come before this page.")
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first item of this page, for `before`; null for an empty page."
    )

    @classmethod
    def of(cls, page: Page[Any], edges: Sequence[_Edge]) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
        )


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, shareable=True, description="What is wrong with one row of a batch."
)
class RowError:
    index: int = strawberry.field(description="Position of the row in the batch, from 0.")
    field: str | None = strawberry.field(description="The input field at fault.")
    message: str = strawberry.field(description="What is wrong, for a person to read (felmeddelande).")


@strawberry.federation.type(
    requires_scopes=scopes.ALL,
    shareable=True,
    description="A decision (beslut): which body decided, when, paragraph (§) and diary number.",
)
class Decision:
    body_id: strawberry.Private[uuid.UUID]
    date: date = strawberry.field(description="Date of the decision (beslutsdatum).")
    paragraph: str | None = strawberry.field(description='Paragraph in the minutes (paragraf), e.g. "§ 112".')
    diary_number: str | None = strawberry.field(description='Diary number (diarienummer), e.g. "KS 2026/00123".')

    @classmethod
    def from_domain(cls, d: model.Decision) -> Decision:
        return cls(body_id=d.body_id, date=d.date, paragraph=d.paragraph, diary_number=d.diary_number)

    @strawberry.field(description="The body that decided (beslutande organ).")
    async def body(self, info: GInfo) -> Annotated[Organization, strawberry.lazy("vsm_goals.api.organizations")]:
        # Lazy: organizations.py builds on this module.
        from .organizations import Organization

        org = await info.context.loaders.organization.load(self.body_id)
        assert org is not None
        return Organization.from_domain(org)


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
