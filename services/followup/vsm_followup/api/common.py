"""What the followup subgraph's types share: the resolver info, ids, the asOf and period arguments, row errors."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from vsm_common import scopes
from vsm_common.errors import DomainError, NotFound
from vsm_common.graphql import parse_id

from ..domain import model
from . import enums  # noqa: F401 - registers the domain's enums, with descriptions, before any type uses them
from .context import FollowupContext

FInfo = Info[FollowupContext, None]


def to_id(value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(str(value))


def key_of(value: strawberry.ID) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


AS_OF = (
    "The goal structure as it stood on this date: the goals adopted by then and not yet retired, and the links "
    "in force then (a link changed by a decision counts from the day it took effect). Default: the period's "
    "last day, with every goal adopted in or after the period still followed up in it; without a period, today."
)


def as_of_date(value: Any) -> date | None:
    """asOf as the resolvers get it, whether it came as a variable (a date) or written in the query (text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


PERIOD_LABEL = (
    'The reporting period by its label, e.g. "Delår 2027" (case does not matter), when periodId is not given: '
    "a label names its year, so it stays the same on every installation while ids do not."
)


async def period_key(info: FInfo, period_id: strawberry.ID | None, period_label: str | None = None) -> uuid.UUID | None:
    """The period a fulfilment is asked for: the given one (which must exist), else the latest open."""
    if period_id is not None or period_label is not None:
        return (await period_or_fail(info, period_id, period_label)).id
    latest = await info.context.default_period()
    return latest.id if latest else None


async def period_or_fail(
    info: FInfo, period_id: strawberry.ID | None, period_label: str | None = None
) -> model.ReportingPeriod:
    """The period named by id (which wins, like ``organization(id, code)``) or by label; it must exist."""
    if period_id is not None:
        key = parse_id(period_id, "periodId")
        found = await info.context.loaders.period.load(key)
        if found is None:
            raise NotFound(f"no reporting period {key}", field="periodId", rule="period.exists")
        return found
    if period_label is not None:
        labelled = await info.context.period_labelled(period_label)
        if labelled is None:
            raise NotFound(f"no reporting period labelled “{period_label}”", field="periodLabel", rule="period.exists")
        return labelled
    raise DomainError("name the reporting period: periodId or periodLabel", field="periodId", rule="period.required")


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, shareable=True, description="What is wrong with one row of a batch."
)
class RowError:
    index: int = strawberry.field(description="Position of the row in the batch, from 0.")
    field: str | None = strawberry.field(description="The input field at fault.")
    message: str = strawberry.field(description="What is wrong, for a person to read (felmeddelande).")
