"""Reporting periods (uppföljningsperioder)."""

from __future__ import annotations

from datetime import date

import strawberry

from vsm_common import scopes

from ..domain import model
from ..domain.model import (
    PeriodKind,
)
from .common import (
    FInfo,
    key_of,
    to_id,
)


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    keys=["id"],
    description="A reporting period (uppföljningsperiod), e.g. T1, delår, helår.",
)
class ReportingPeriod:
    id: strawberry.ID = strawberry.field(description="The period's id.")
    year: int = strawberry.field(description="The year it belongs to (år).")
    kind: PeriodKind = strawberry.field(description="Kind of period (periodtyp).")
    label: str = strawberry.field(description='Label, e.g. "T1 2027" or "Delår 2027".')
    starts_on: date = strawberry.field(description="First day covered (från och med).")
    ends_on: date = strawberry.field(description="Last day covered (till och med); the report date.")
    closed: bool = strawberry.field(description="A closed period's assessments are frozen (stängd).")

    @classmethod
    def from_domain(cls, p: model.ReportingPeriod) -> ReportingPeriod:
        return cls(
            id=to_id(p.id),
            year=p.year,
            kind=p.kind,
            label=p.label,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            closed=p.closed,
        )

    @classmethod
    async def resolve_reference(cls, info: FInfo, id: strawberry.ID) -> ReportingPeriod | None:
        key = key_of(id)
        p = await info.context.loaders.period.load(key) if key else None
        return cls.from_domain(p) if p else None
