"""Query root of the planning subgraph."""

from __future__ import annotations

import strawberry

from vsm_common.graphql import parse_id, standard_extensions

from ..adapters import repository as repo
from .types import Directive, DirectiveKind, DirectiveState, Goal, OperationalPlan, Organization, PInfo


@strawberry.type
class Query:
    @strawberry.field(description="Directives, filtered by budget year, state and kind.")
    async def directives(
        self,
        info: PInfo,
        budget_year: int | None = None,
        state: DirectiveState | None = None,
        kind: DirectiveKind | None = None,
    ) -> list[Directive]:
        async with info.context.runtime.pool.acquire() as conn:
            found = await repo.list_directives(conn, budget_year, state, kind)
        return [Directive.from_domain(d) for d in found]

    @strawberry.field(description="One directive by id.")
    async def directive(self, info: PInfo, id: strawberry.ID) -> Directive | None:
        key = parse_id(id, "id")
        async with info.context.runtime.pool.acquire() as conn:
            found = await repo.directives_by_ids(conn, [key])
        d = found.get(key)
        return Directive.from_domain(d) if d else None


schema = strawberry.federation.Schema(
    query=Query,
    types=[Organization, Goal, Directive, OperationalPlan],
    federation_version="2.9",
    extensions=standard_extensions(),  # type: ignore[arg-type]
)
