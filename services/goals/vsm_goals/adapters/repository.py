"""SQL for organisations, the vision and goals. Batch reads take lists of ids (DataLoaders)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg

from ..domain.model import (
    Decision,
    Goal,
    GoalLevel,
    GoalState,
    Organization,
    OrganizationKind,
    Vision,
    VisionTheme,
)


def _org(row: asyncpg.Record) -> Organization:
    return Organization(row["id"], row["code"], row["name"], OrganizationKind(row["kind"]), row["parent_id"])


def _goal(row: asyncpg.Record) -> Goal:
    return Goal(
        id=row["id"],
        level=GoalLevel(row["level"]),
        title=row["title"],
        state=GoalState(row["state"]),
        description=row["description"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
    )


_GOAL_COLUMNS = "id, seq, level, title, description, state, valid_from, valid_to"


# ---------------------------------------------------------------- organisations
async def organizations_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Organization]:
    rows = await conn.fetch("SELECT id, code, name, kind, parent_id FROM organizations WHERE id = ANY($1)", list(ids))
    return {r["id"]: _org(r) for r in rows}


async def organization_by_code(conn: asyncpg.Connection, code: str) -> Organization | None:
    row = await conn.fetchrow("SELECT id, code, name, kind, parent_id FROM organizations WHERE code = $1", code)
    return _org(row) if row else None


async def list_organizations(conn: asyncpg.Connection, kind: OrganizationKind | None) -> list[Organization]:
    rows = await conn.fetch(
        "SELECT id, code, name, kind, parent_id FROM organizations WHERE $1::text IS NULL OR kind = $1 ORDER BY code",
        kind.value if kind else None,
    )
    return [_org(r) for r in rows]


async def children_of_organizations(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Organization]]:
    rows = await conn.fetch(
        "SELECT id, code, name, kind, parent_id FROM organizations WHERE parent_id = ANY($1) ORDER BY code", list(ids)
    )
    out: dict[uuid.UUID, list[Organization]] = {}
    for r in rows:
        out.setdefault(r["parent_id"], []).append(_org(r))
    return out


async def insert_organization(conn: asyncpg.Connection, org: Organization) -> bool:
    """Insert; False when the code is taken."""
    status = await conn.execute(
        "INSERT INTO organizations (id, code, name, kind, parent_id) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (code) DO NOTHING",
        org.id,
        org.code,
        org.name,
        org.kind.value,
        org.parent_id,
    )
    return status.endswith(" 1")


# ---------------------------------------------------------------- vision
async def get_vision(conn: asyncpg.Connection) -> Vision | None:
    row = await conn.fetchrow("SELECT * FROM visions ORDER BY horizon_year DESC LIMIT 1")
    if row is None:
        return None
    themes = await conn.fetch(
        "SELECT id, name, statement FROM vision_themes WHERE vision_id = $1 ORDER BY position", row["id"]
    )
    decision = (
        Decision(row["decision_body_id"], row["decision_date"], row["decision_paragraph"], row["decision_diary_number"])
        if row["decision_body_id"]
        else None
    )
    return Vision(
        id=row["id"],
        title=row["title"],
        horizon_year=row["horizon_year"],
        themes=tuple(VisionTheme(t["id"], t["name"], t["statement"]) for t in themes),
        values=tuple(row["value_base"]),
        adopted=decision,
    )


async def upsert_vision(conn: asyncpg.Connection, vision: Vision) -> None:
    d = vision.adopted
    await conn.execute(
        """INSERT INTO visions (id, title, horizon_year, value_base, decision_body_id, decision_date,
                                decision_paragraph, decision_diary_number)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING""",
        vision.id,
        vision.title,
        vision.horizon_year,
        list(vision.values),
        d.body_id if d else None,
        d.date if d else None,
        d.paragraph if d else None,
        d.diary_number if d else None,
    )
    await conn.executemany(
        "INSERT INTO vision_themes (id, vision_id, position, name, statement) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (id) DO NOTHING",
        [(t.id, vision.id, i, t.name, t.statement) for i, t in enumerate(vision.themes)],
    )


async def themes_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, VisionTheme]:
    rows = await conn.fetch("SELECT id, name, statement FROM vision_themes WHERE id = ANY($1)", list(ids))
    return {r["id"]: VisionTheme(r["id"], r["name"], r["statement"]) for r in rows}


# ---------------------------------------------------------------- goals
async def goals_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Goal]:
    rows = await conn.fetch(f"SELECT {_GOAL_COLUMNS} FROM goals WHERE id = ANY($1)", list(ids))
    return {r["id"]: _goal(r) for r in rows}


async def goal_levels(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, GoalLevel]:
    rows = await conn.fetch("SELECT id, level FROM goals WHERE id = ANY($1)", list(ids))
    return {r["id"]: GoalLevel(r["level"]) for r in rows}


async def page_goals(
    conn: asyncpg.Connection,
    *,
    level: GoalLevel | None,
    organization_id: uuid.UUID | None,
    state: GoalState | None,
    after_seq: int | None,
    limit: int,
) -> tuple[list[tuple[int, Goal]], int]:
    """One page in ``seq`` order plus the total count of the filter: two statements, any page size."""
    where = """($1::text IS NULL OR g.level = $1)
               AND ($2::text IS NULL OR g.state = $2)
               AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM goal_organizations go
                                                WHERE go.goal_id = g.id AND go.organization_id = $3))"""
    args: list[Any] = [level.value if level else None, state.value if state else None, organization_id]
    rows = await conn.fetch(
        f"SELECT {_GOAL_COLUMNS} FROM goals g WHERE {where} AND ($4::bigint IS NULL OR g.seq > $4) "
        "ORDER BY g.seq LIMIT $5",
        *args,
        after_seq,
        limit,
    )
    total = await conn.fetchval(f"SELECT count(*) FROM goals g WHERE {where}", *args)
    return [(r["seq"], _goal(r)) for r in rows], total


async def parents_of(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await conn.fetch(
        "SELECT l.child_id, l.parent_id FROM goal_links l JOIN goals p ON p.id = l.parent_id "
        "WHERE l.child_id = ANY($1) ORDER BY p.seq",
        list(ids),
    )
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r["child_id"], []).append(r["parent_id"])
    return out


async def children_of(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await conn.fetch(
        "SELECT l.parent_id, l.child_id FROM goal_links l JOIN goals c ON c.id = l.child_id "
        "WHERE l.parent_id = ANY($1) ORDER BY c.seq",
        list(ids),
    )
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r["parent_id"], []).append(r["child_id"])
    return out


async def organizations_of_goals(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await conn.fetch(
        "SELECT go.goal_id, go.organization_id FROM goal_organizations go JOIN organizations o "
        "ON o.id = go.organization_id WHERE go.goal_id = ANY($1) ORDER BY o.code",
        list(ids),
    )
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(r["organization_id"])
    return out


async def themes_of_goals(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await conn.fetch(
        "SELECT gt.goal_id, gt.theme_id FROM goal_themes gt JOIN vision_themes t ON t.id = gt.theme_id "
        "WHERE gt.goal_id = ANY($1) ORDER BY t.position",
        list(ids),
    )
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(r["theme_id"])
    return out


async def ancestors(conn: asyncpg.Connection, goal_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await conn.fetch(
        """WITH RECURSIVE up(id) AS (
               SELECT parent_id FROM goal_links WHERE child_id = $1
               UNION SELECT l.parent_id FROM goal_links l JOIN up ON l.child_id = up.id)
           SELECT id FROM up""",
        goal_id,
    )
    return {r["id"] for r in rows}


async def insert_goal(conn: asyncpg.Connection, goal: Goal) -> None:
    await conn.execute(
        "INSERT INTO goals (id, level, title, description, state, valid_from, valid_to) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        goal.id,
        goal.level.value,
        goal.title,
        goal.description,
        goal.state.value,
        goal.valid_from,
        goal.valid_to,
    )
    await conn.executemany(
        "INSERT INTO goal_links (child_id, parent_id) VALUES ($1, $2)", [(goal.id, p) for p in goal.parent_ids]
    )
    await conn.executemany(
        "INSERT INTO goal_organizations (goal_id, organization_id) VALUES ($1, $2)",
        [(goal.id, o) for o in goal.organization_ids],
    )
    await conn.executemany(
        "INSERT INTO goal_themes (goal_id, theme_id) VALUES ($1, $2)", [(goal.id, t) for t in goal.theme_ids]
    )


async def insert_link(conn: asyncpg.Connection, child_id: uuid.UUID, parent_id: uuid.UUID) -> bool:
    status = await conn.execute(
        "INSERT INTO goal_links (child_id, parent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", child_id, parent_id
    )
    return status.endswith(" 1")


async def delete_link(conn: asyncpg.Connection, child_id: uuid.UUID, parent_id: uuid.UUID) -> bool:
    status = await conn.execute("DELETE FROM goal_links WHERE child_id = $1 AND parent_id = $2", child_id, parent_id)
    return status.endswith(" 1")


async def lock_goal(conn: asyncpg.Connection, goal_id: uuid.UUID) -> Goal | None:
    row = await conn.fetchrow(f"SELECT {_GOAL_COLUMNS} FROM goals WHERE id = $1 FOR UPDATE", goal_id)
    return _goal(row) if row else None
