"""The read side of the goals service: loader-shaped ``(conn, ...)`` reads over the adapters, for the API.

Reads say "now" by the municipality's clock (``vsm_common.clock``); changes go through the use cases
and their unit of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import asyncpg

from vsm_common.clock import today
from vsm_common.cursors import Counts, PageWindow

from .adapters.goal_links import SqlGoalLinks
from .adapters.goals import SqlGoals
from .adapters.organizations import SqlOrganizations
from .adapters.vision import SqlThemes, SqlVision
from .domain.model import (
    Goal,
    GoalLevel,
    GoalLink,
    GoalRevision,
    GoalState,
    Organization,
    OrganizationKind,
    Vision,
    VisionTheme,
)

K = uuid.UUID


# ---------------------------------------------------------------- organisations and the vision
async def vision(conn: asyncpg.Connection) -> Vision | None:
    return await SqlVision(conn).current()


async def list_organizations(conn: asyncpg.Connection, kind: OrganizationKind | None) -> list[Organization]:
    return await SqlOrganizations(conn).of_kind(kind)


async def organization_by_code(conn: asyncpg.Connection, code: str) -> Organization | None:
    return await SqlOrganizations(conn).by_code(code)


async def organizations_by_ids(conn: asyncpg.Connection, ids: Sequence[K]) -> dict[K, Organization]:
    return await SqlOrganizations(conn).by_ids(ids)


async def children_of_organizations(conn: asyncpg.Connection, ids: Sequence[K]) -> dict[K, list[Organization]]:
    return await SqlOrganizations(conn).children_of(ids)


async def themes_by_ids(conn: asyncpg.Connection, ids: Sequence[K]) -> dict[K, VisionTheme]:
    return await SqlThemes(conn).by_ids(ids)


# ---------------------------------------------------------------- goals
async def goals_by_ids(conn: asyncpg.Connection, ids: Sequence[K], as_of: date | None = None) -> dict[K, Goal]:
    return await SqlGoals(conn, today).by_ids(ids, as_of)


async def page_goals(
    conn: asyncpg.Connection,
    *,
    level: GoalLevel | None,
    organization_id: K | None,
    state: GoalState | None,
    window: PageWindow,
    as_of: date | None = None,
) -> tuple[list[tuple[int, Goal]], Counts]:
    return await SqlGoals(conn, today).page(
        level=level, organization_id=organization_id, state=state, window=window, as_of=as_of
    )


async def organizations_of_goals(conn: asyncpg.Connection, ids: Sequence[K]) -> dict[K, list[K]]:
    return await SqlGoals(conn, today).organizations_of(ids)


async def themes_of_goals(conn: asyncpg.Connection, ids: Sequence[K]) -> dict[K, list[K]]:
    return await SqlGoals(conn, today).themes_of(ids)


async def revisions_of(conn: asyncpg.Connection, ids: Sequence[K]) -> dict[K, list[GoalRevision]]:
    return await SqlGoals(conn, today).revisions_of(ids)


async def goals_due_for_review(conn: asyncpg.Connection, before: date) -> list[Goal]:
    return await SqlGoals(conn, today).due_for_review(before)


async def parents_of(conn: asyncpg.Connection, ids: Sequence[K], as_of: date | None = None) -> dict[K, list[K]]:
    return await SqlGoalLinks(conn, today).parents_of(ids, as_of)


async def children_of(conn: asyncpg.Connection, ids: Sequence[K], as_of: date | None = None) -> dict[K, list[K]]:
    return await SqlGoalLinks(conn, today).children_of(ids, as_of)


async def link_history(conn: asyncpg.Connection, ids: Sequence[K]) -> dict[K, list[GoalLink]]:
    return await SqlGoalLinks(conn, today).history(ids)
