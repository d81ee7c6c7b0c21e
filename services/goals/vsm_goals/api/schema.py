"""Query and mutation roots of the goals subgraph."""

from __future__ import annotations

from typing import Annotated

import strawberry

from vsm_common.graphql import (
    check_page_size,
    decode_cursor,
    encode_cursor,
    parse_id,
    parse_ids,
    standard_extensions,
)

from .. import service
from ..adapters import repository as repo
from .types import (
    CreateGoalInput,
    GInfo,
    Goal,
    GoalConnection,
    GoalEdge,
    GoalLevel,
    GoalState,
    Organization,
    OrganizationInput,
    OrganizationKind,
    PageInfo,
    Vision,
)


@strawberry.type
class Query:
    @strawberry.field(description="The vision in force (visionen).")
    async def vision(self, info: GInfo) -> Vision | None:
        async with info.context.runtime.pool.acquire() as conn:
            v = await repo.get_vision(conn)
        return Vision.from_domain(v) if v else None

    @strawberry.field(description="Organisations, optionally of one kind, ordered by code.")
    async def organizations(self, info: GInfo, kind: OrganizationKind | None = None) -> list[Organization]:
        async with info.context.runtime.pool.acquire() as conn:
            orgs = await repo.list_organizations(conn, kind)
        return [Organization.from_domain(o) for o in orgs]

    @strawberry.field(description="One organisation by id or by code.")
    async def organization(
        self, info: GInfo, id: strawberry.ID | None = None, code: str | None = None
    ) -> Organization | None:
        if id is not None:
            org = await info.context.loaders.organization.load(parse_id(id, "id"))
        elif code is not None:
            async with info.context.runtime.pool.acquire() as conn:
                org = await repo.organization_by_code(conn, code.strip().upper())
        else:
            return None
        return Organization.from_domain(org) if org else None

    @strawberry.field(description="One goal by id.")
    async def goal(self, info: GInfo, id: strawberry.ID) -> Goal | None:
        g = await info.context.loaders.goal.load(parse_id(id, "id"))
        return Goal.from_domain(g) if g else None

    @strawberry.field(description="Goals in a stable order, filtered, one Relay page at a time.")
    async def goals(
        self,
        info: GInfo,
        level: GoalLevel | None = None,
        organization_id: strawberry.ID | None = None,
        state: GoalState | None = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, at most 1000.")] = None,
        after: str | None = None,
    ) -> GoalConnection:
        limit = check_page_size(first)
        after_seq = decode_cursor(after)
        org_id = parse_id(organization_id, "organizationId") if organization_id else None
        async with info.context.runtime.pool.acquire() as conn:
            rows, total = await repo.page_goals(
                conn, level=level, organization_id=org_id, state=state, after_seq=after_seq, limit=limit + 1
            )
        page = rows[:limit]
        for _, g in page:
            info.context.loaders.goal.prime(g.id, g)
        edges = [GoalEdge(cursor=encode_cursor(seq), node=Goal.from_domain(g)) for seq, g in page]
        return GoalConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=len(rows) > limit, end_cursor=edges[-1].cursor if edges else None),
            total_count=total,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Register an organisation (KF, KS, nämnd, bolag, förvaltning, enhet).")
    async def register_organization(self, info: GInfo, input: OrganizationInput) -> Organization:
        org = await service.register_organization(
            info.context.runtime,
            input.code,
            input.name,
            input.kind,
            parse_id(input.parent_id, "input.parentId") if input.parent_id else None,
        )
        return Organization.from_domain(org)

    @strawberry.mutation(description="Create a goal as a DRAFT (utkast), linked upward to the goals it serves.")
    async def create_goal(self, info: GInfo, input: CreateGoalInput) -> Goal:
        goal = await service.create_goal(
            info.context.runtime,
            service.NewGoal(
                level=input.level,
                title=input.title,
                description=input.description,
                parent_ids=parse_ids(input.parent_ids, "input.parentIds"),
                organization_ids=parse_ids(input.organization_ids, "input.organizationIds"),
                theme_ids=parse_ids(input.theme_ids, "input.themeIds"),
                valid_from=input.valid_from,
                valid_to=input.valid_to,
            ),
        )
        return Goal.from_domain(goal)

    @strawberry.mutation(description="Link a goal upward to a goal it serves.")
    async def link_goals(self, info: GInfo, child_id: strawberry.ID, parent_id: strawberry.ID) -> Goal:
        g = await service.link_goals(
            info.context.runtime, parse_id(child_id, "childId"), parse_id(parent_id, "parentId")
        )
        return Goal.from_domain(g)

    @strawberry.mutation(description="Remove the link between a goal and a goal it served.")
    async def unlink_goals(self, info: GInfo, child_id: strawberry.ID, parent_id: strawberry.ID) -> Goal:
        g = await service.unlink_goals(
            info.context.runtime, parse_id(child_id, "childId"), parse_id(parent_id, "parentId")
        )
        return Goal.from_domain(g)


schema = strawberry.federation.Schema(
    query=Query,
    mutation=Mutation,
    types=[Organization, Goal, Vision],
    federation_version="2.9",
    extensions=standard_extensions(),  # type: ignore[arg-type]
)
