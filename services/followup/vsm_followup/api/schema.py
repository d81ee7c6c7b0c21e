"""Query root of the followup subgraph."""

from __future__ import annotations

import strawberry

from vsm_common.graphql import standard_extensions

from ..adapters import repository as repo
from .types import FInfo, Goal, ReportingPeriod


@strawberry.type
class Query:
    @strawberry.field(description="Reporting periods (uppföljningsperioder), optionally of one year.")
    async def periods(self, info: FInfo, year: int | None = None) -> list[ReportingPeriod]:
        async with info.context.runtime.pool.acquire() as conn:
            found = await repo.periods(conn, year)
        return [ReportingPeriod.from_domain(p) for p in found]


schema = strawberry.federation.Schema(
    query=Query,
    types=[Goal, ReportingPeriod],
    federation_version="2.9",
    extensions=standard_extensions(),  # type: ignore[arg-type]
)
