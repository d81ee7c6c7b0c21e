"""SQL of the followup service: the goal projection and reporting periods."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import PeriodKind, ProjectedGoal, ReportingPeriod


def _period(r: asyncpg.Record) -> ReportingPeriod:
    return ReportingPeriod(
        r["id"], r["year"], PeriodKind(r["kind"]), r["label"], r["starts_on"], r["ends_on"], r["closed"]
    )


async def upsert_goal(conn: asyncpg.Connection, goal: ProjectedGoal) -> None:
    await conn.execute(
        """INSERT INTO projected_goals (id, level, state, title, applied_events) VALUES ($1, $2, $3, $4, 1)
           ON CONFLICT (id) DO UPDATE SET level = $2, state = $3, title = $4,
               applied_events = projected_goals.applied_events + 1, updated_at = now()""",
        goal.id,
        goal.level,
        goal.state,
        goal.title,
    )


async def add_links(conn: asyncpg.Connection, child_id: uuid.UUID, parent_ids: Sequence[uuid.UUID]) -> None:
    await conn.executemany(
        "INSERT INTO projected_goal_links (child_id, parent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [(child_id, p) for p in parent_ids],
    )


async def remove_link(conn: asyncpg.Connection, child_id: uuid.UUID, parent_id: uuid.UUID) -> None:
    await conn.execute("DELETE FROM projected_goal_links WHERE child_id = $1 AND parent_id = $2", child_id, parent_id)


async def touch_goal(conn: asyncpg.Connection, goal_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE projected_goals SET applied_events = applied_events + 1, updated_at = now() WHERE id = $1", goal_id
    )


async def upsert_organization(
    conn: asyncpg.Connection, org_id: uuid.UUID, code: str, kind: str, parent_id: uuid.UUID | None
) -> None:
    await conn.execute(
        """INSERT INTO projected_organizations (id, code, kind, parent_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET code = $2, kind = $3, parent_id = $4""",
        org_id,
        code,
        kind,
        parent_id,
    )


async def children_of(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Children that followup knows of, retired ones left out."""
    rows = await conn.fetch(
        """SELECT l.parent_id, l.child_id FROM projected_goal_links l
           JOIN projected_goals g ON g.id = l.child_id
           WHERE l.parent_id = ANY($1) AND g.state <> 'RETIRED' ORDER BY g.title, g.id""",
        list(ids),
    )
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r["parent_id"], []).append(r["child_id"])
    return out


async def periods(conn: asyncpg.Connection, year: int | None) -> list[ReportingPeriod]:
    rows = await conn.fetch(
        "SELECT * FROM reporting_periods WHERE $1::int IS NULL OR year = $1 ORDER BY starts_on, ends_on", year
    )
    return [_period(r) for r in rows]


async def periods_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ReportingPeriod]:
    rows = await conn.fetch("SELECT * FROM reporting_periods WHERE id = ANY($1)", list(ids))
    return {r["id"]: _period(r) for r in rows}


async def latest_open_period(conn: asyncpg.Connection) -> ReportingPeriod | None:
    row = await conn.fetchrow("SELECT * FROM reporting_periods WHERE NOT closed ORDER BY ends_on DESC LIMIT 1")
    return _period(row) if row else None
