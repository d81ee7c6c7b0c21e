"""SQL for organisations, the vision and goals. Batch reads take lists of ids (DataLoaders)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import asyncpg

from vsm_common.clock import today
from vsm_common.cursors import Counts, PageWindow, beyond_cursors, keyset_condition

from ..domain.model import (
    Decision,
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


def _org(row: asyncpg.Record) -> Organization:
    return Organization(row["id"], row["code"], row["name"], OrganizationKind(row["kind"]), row["parent_id"])


def _decision(row: asyncpg.Record, prefix: str) -> Decision | None:
    if row[f"{prefix}_body"] is None:
        return None
    return Decision(row[f"{prefix}_body"], row[f"{prefix}_date"], row[f"{prefix}_par"], row[f"{prefix}_dn"])


def _goal(row: asyncpg.Record) -> Goal:
    return Goal(
        id=row["id"],
        level=GoalLevel(row["level"]),
        title=row["title"],
        state=GoalState(row["state"]),
        description=row["description"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        revision=row["revision"],
        adopted=_decision(row, "ad"),
        retired=_decision(row, "rd"),
        last_decision_on=row["last_decision_on"],
        established_by=row["established_by"],
    )


# The goal as it stands now: the row in ``goals`` is kept current by every change.
_CURRENT = """
    SELECT g.id, g.seq, g.level, g.title, g.description, g.state, g.valid_from, g.valid_to, g.revision,
           g.last_decision_on, g.established_by,
           ad.body_id AS ad_body, ad.decided_on AS ad_date, ad.paragraph AS ad_par, ad.diary_number AS ad_dn,
           rd.body_id AS rd_body, rd.decided_on AS rd_date, rd.paragraph AS rd_par, rd.diary_number AS rd_dn
    FROM goals g
    LEFT JOIN decisions ad ON ad.id = g.adopted_decision_id
    LEFT JOIN decisions rd ON rd.id = g.retired_decision_id"""

# The goal as it stood on date $1: in force only if adopted by a decision dated on or before it, with
# the latest revision that had taken effect by then, retired if the retiring decision was dated by then.
_AS_OF = """
    SELECT g.id, g.seq, g.level, r.title, r.description, r.valid_from, r.valid_to, r.number AS revision,
           CASE WHEN rd.decided_on <= $1 THEN 'RETIRED' ELSE 'ADOPTED' END AS state,
           r.effective_on AS last_decision_on, g.established_by,
           ad.body_id AS ad_body, ad.decided_on AS ad_date, ad.paragraph AS ad_par, ad.diary_number AS ad_dn,
           CASE WHEN rd.decided_on <= $1 THEN rd.body_id END AS rd_body,
           CASE WHEN rd.decided_on <= $1 THEN rd.decided_on END AS rd_date,
           CASE WHEN rd.decided_on <= $1 THEN rd.paragraph END AS rd_par,
           CASE WHEN rd.decided_on <= $1 THEN rd.diary_number END AS rd_dn
    FROM goals g
    JOIN decisions ad ON ad.id = g.adopted_decision_id AND ad.decided_on <= $1
    LEFT JOIN decisions rd ON rd.id = g.retired_decision_id
    JOIN LATERAL (SELECT * FROM goal_revisions r WHERE r.goal_id = g.id AND r.effective_on <= $1
                  ORDER BY r.effective_on DESC, r.number DESC LIMIT 1) r ON true"""


def _goals_source(as_of: date | None) -> tuple[str, list[Any]]:
    """A FROM-able subquery of goals (now, or as of a date) and the arguments it binds."""
    if as_of is None:
        return f"({_CURRENT})", []
    return f"({_AS_OF})", [as_of]


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
async def goals_by_ids(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID], as_of: date | None = None
) -> dict[uuid.UUID, Goal]:
    source, args = _goals_source(as_of)
    rows = await conn.fetch(f"SELECT * FROM {source} g WHERE g.id = ANY(${len(args) + 1})", *args, list(ids))
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
    window: PageWindow,
    as_of: date | None = None,
) -> tuple[list[tuple[int, Goal]], Counts]:
    """One window of the filter in ``seq`` order (either way, at most ``window.limit`` rows) and its
    counts: two statements, any page size, the last page as cheap as the first."""
    source, args = _goals_source(as_of)
    n = len(args)
    where = f"""(${n + 1}::text IS NULL OR g.level = ${n + 1})
               AND (${n + 2}::text IS NULL OR g.state = ${n + 2})
               AND (${n + 3}::uuid IS NULL OR EXISTS (SELECT 1 FROM goal_organizations go
                                                WHERE go.goal_id = g.id AND go.organization_id = ${n + 3}))"""
    args += [level.value if level else None, state.value if state else None, organization_id]
    rows = await conn.fetch(
        f"SELECT * FROM {source} g WHERE {where} AND {keyset_condition('g.seq', n + 4, n + 5)} "
        f"ORDER BY g.seq {window.order} LIMIT ${n + 6}",
        *args,
        window.after,
        window.before,
        window.limit,
    )
    counted = await conn.fetchrow(
        f"SELECT {beyond_cursors('g.seq', n + 4, n + 5)} FROM {source} g WHERE {where}",
        *args,
        window.after,
        window.before,
    )
    return [(r["seq"], _goal(r)) for r in rows], Counts(**dict(counted))


def _links_in_force(as_of: date | None) -> tuple[str, list[Any]]:
    if as_of is None:
        # Now: a draft's links too (they are what its adoption will decide on), but not a change
        # decided to take effect later, nor a link whose end has come.
        return (
            """SELECT child_id, parent_id FROM goal_links
               WHERE (effective_from IS NULL OR effective_from <= $1)
                 AND (effective_to IS NULL OR effective_to > $1)""",
            [today()],
        )
    # Both ends in force on the date, and the link itself in effect then; links made while the
    # child was a draft took effect with the child's adoption.
    return (
        """SELECT l.child_id, l.parent_id FROM goal_links l
           JOIN goals c ON c.id = l.child_id JOIN decisions cad ON cad.id = c.adopted_decision_id
           JOIN goals p ON p.id = l.parent_id JOIN decisions pad ON pad.id = p.adopted_decision_id
           WHERE cad.decided_on <= $1 AND pad.decided_on <= $1
             AND (l.effective_from IS NULL OR l.effective_from <= $1)
             AND (l.effective_to IS NULL OR l.effective_to > $1)""",
        [as_of],
    )


async def parents_of(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID], as_of: date | None = None
) -> dict[uuid.UUID, list[uuid.UUID]]:
    links, args = _links_in_force(as_of)
    rows = await conn.fetch(
        f"SELECT l.child_id, l.parent_id FROM ({links}) l JOIN goals p ON p.id = l.parent_id "
        f"WHERE l.child_id = ANY(${len(args) + 1}) ORDER BY p.seq",
        *args,
        list(ids),
    )
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r["child_id"], []).append(r["parent_id"])
    return out


async def children_of(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID], as_of: date | None = None
) -> dict[uuid.UUID, list[uuid.UUID]]:
    links, args = _links_in_force(as_of)
    rows = await conn.fetch(
        f"SELECT l.parent_id, l.child_id FROM ({links}) l JOIN goals c ON c.id = l.child_id "
        f"WHERE l.parent_id = ANY(${len(args) + 1}) ORDER BY c.seq",
        *args,
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


async def ancestors(conn: asyncpg.Connection, goal_id: uuid.UUID, since: date) -> set[uuid.UUID]:
    """Every goal above ``goal_id`` through links that stand on ``since`` or later (also those decided
    to take effect later): a new link from ``since`` must close no cycle on any day."""
    rows = await conn.fetch(
        """WITH RECURSIVE up(id) AS (
               SELECT parent_id FROM goal_links WHERE child_id = $1 AND (effective_to IS NULL OR effective_to > $2)
               UNION SELECT l.parent_id FROM goal_links l JOIN up ON l.child_id = up.id
                     WHERE l.effective_to IS NULL OR l.effective_to > $2)
           SELECT id FROM up""",
        goal_id,
        since,
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
    await conn.execute(
        "INSERT INTO goal_revisions (goal_id, number, title, description, valid_from, valid_to) "
        "VALUES ($1, 1, $2, $3, $4, $5)",
        goal.id,
        goal.title,
        goal.description,
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


async def link_state(conn: asyncpg.Connection, child_id: uuid.UUID, parent_id: uuid.UUID) -> tuple[bool, date | None]:
    """Whether the two goals have a link without an end, and the latest end of one that has ended."""
    row = await conn.fetchrow(
        """SELECT bool_or(effective_to IS NULL) AS open, max(effective_to) AS ended
           FROM goal_links WHERE child_id = $1 AND parent_id = $2""",
        child_id,
        parent_id,
    )
    return bool(row["open"]), row["ended"]


async def insert_link(
    conn: asyncpg.Connection,
    child_id: uuid.UUID,
    parent_id: uuid.UUID,
    effective_from: date | None,
    decision_id: uuid.UUID | None = None,
) -> bool:
    status = await conn.execute(
        "INSERT INTO goal_links (child_id, parent_id, effective_from, decision_id) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (child_id, parent_id) WHERE effective_to IS NULL DO NOTHING",
        child_id,
        parent_id,
        effective_from,
        decision_id,
    )
    return status.endswith(" 1")


async def end_link(
    conn: asyncpg.Connection,
    child_id: uuid.UUID,
    parent_id: uuid.UUID,
    effective_to: date | None,
    decision_id: uuid.UUID | None = None,
) -> bool:
    """End a link without an end; a draft's link is simply removed (it never took effect)."""
    if effective_to is None:
        status = await conn.execute(
            "DELETE FROM goal_links WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL",
            child_id,
            parent_id,
        )
    else:
        status = await conn.execute(
            "UPDATE goal_links SET effective_to = $3, ended_decision_id = $4 "
            "WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL",
            child_id,
            parent_id,
            effective_to,
            decision_id,
        )
    return status.endswith(" 1")


async def link_history(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[GoalLink]]:
    """Every link of each goal upward, past, present and decided for later, in the order they took effect."""
    rows = await conn.fetch(
        """SELECT l.child_id, l.parent_id, l.effective_from, l.effective_to,
                  d.body_id AS d_body, d.decided_on AS d_date, d.paragraph AS d_par, d.diary_number AS d_dn,
                  e.body_id AS e_body, e.decided_on AS e_date, e.paragraph AS e_par, e.diary_number AS e_dn
           FROM goal_links l
           LEFT JOIN decisions d ON d.id = l.decision_id
           LEFT JOIN decisions e ON e.id = l.ended_decision_id
           WHERE l.child_id = ANY($1)
           ORDER BY l.child_id, l.effective_from NULLS FIRST, l.id""",
        list(ids),
    )
    out: dict[uuid.UUID, list[GoalLink]] = {}
    for r in rows:
        out.setdefault(r["child_id"], []).append(
            GoalLink(
                r["child_id"],
                r["parent_id"],
                r["effective_from"],
                r["effective_to"],
                _decision(r, "d"),
                _decision(r, "e"),
            )
        )
    return out


async def lock_goal(conn: asyncpg.Connection, goal_id: uuid.UUID) -> Goal | None:
    """The current goal with its organisations and parents, locked for the rest of the transaction."""
    if await conn.fetchval("SELECT 1 FROM goals WHERE id = $1 FOR UPDATE", goal_id) is None:
        return None
    goal = (await goals_by_ids(conn, [goal_id]))[goal_id]
    orgs = (await organizations_of_goals(conn, [goal_id])).get(goal_id, [])
    parents = (await parents_of(conn, [goal_id])).get(goal_id, [])
    return replace(goal, organization_ids=tuple(orgs), parent_ids=tuple(parents))


async def lock_goals(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Goal]:
    """The current goals with their organisations and parents, locked for the rest of the transaction.

    Locked in id order, so two transactions locking overlapping sets wait for each other instead of
    deadlocking. Ids of no goal are missing from the result.
    """
    locked = await conn.fetch("SELECT id FROM goals WHERE id = ANY($1) ORDER BY id FOR UPDATE", list(ids))
    found = [r["id"] for r in locked]
    goals = await goals_by_ids(conn, found)
    orgs = await organizations_of_goals(conn, found)
    parents = await parents_of(conn, found)
    return {
        gid: replace(goals[gid], organization_ids=tuple(orgs.get(gid, [])), parent_ids=tuple(parents.get(gid, [])))
        for gid in found
    }


async def insert_decision(conn: asyncpg.Connection, d: Decision) -> uuid.UUID:
    decision_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO decisions (id, body_id, decided_on, paragraph, diary_number) VALUES ($1, $2, $3, $4, $5)",
        decision_id,
        d.body_id,
        d.date,
        d.paragraph,
        d.diary_number,
    )
    return decision_id


async def update_draft(conn: asyncpg.Connection, goal: Goal) -> None:
    """A draft is edited in place: nothing about it was ever in force."""
    await conn.execute(
        "UPDATE goals SET title = $2, description = $3, valid_to = $4 WHERE id = $1",
        goal.id,
        goal.title,
        goal.description,
        goal.valid_to,
    )
    await conn.execute(
        "UPDATE goal_revisions SET title = $2, description = $3, valid_to = $4, recorded_at = now() "
        "WHERE goal_id = $1 AND number = $5",
        goal.id,
        goal.title,
        goal.description,
        goal.valid_to,
        goal.revision,
    )


async def add_revision(conn: asyncpg.Connection, goal: Goal, decision_id: uuid.UUID, effective_on: date) -> None:
    await conn.execute(
        "INSERT INTO goal_revisions (goal_id, number, title, description, valid_from, valid_to, decision_id, "
        "effective_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        goal.id,
        goal.revision,
        goal.title,
        goal.description,
        goal.valid_from,
        goal.valid_to,
        decision_id,
        effective_on,
    )
    await conn.execute(
        "UPDATE goals SET title = $2, description = $3, valid_to = $4, revision = $5, last_decision_on = $6 "
        "WHERE id = $1",
        goal.id,
        goal.title,
        goal.description,
        goal.valid_to,
        goal.revision,
        effective_on,
    )


async def mark_adopted(
    conn: asyncpg.Connection, goal: Goal, decision_id: uuid.UUID, decided_on: date, established_by: uuid.UUID | None
) -> None:
    await conn.execute(
        "UPDATE goals SET state = 'ADOPTED', adopted_decision_id = $2, last_decision_on = $3, established_by = $4 "
        "WHERE id = $1",
        goal.id,
        decision_id,
        decided_on,
        established_by,
    )
    # The draft revision is what was adopted: it takes effect with the decision.
    await conn.execute(
        "UPDATE goal_revisions SET decision_id = $2, effective_on = $3 WHERE goal_id = $1 AND number = $4",
        goal.id,
        decision_id,
        decided_on,
        goal.revision,
    )


async def mark_retired(conn: asyncpg.Connection, goal_id: uuid.UUID, decision_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE goals SET state = 'RETIRED', retired_decision_id = $2 WHERE id = $1", goal_id, decision_id
    )


async def revisions_of(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[GoalRevision]]:
    rows = await conn.fetch(
        """SELECT r.*, d.body_id, d.decided_on, d.paragraph, d.diary_number FROM goal_revisions r
           LEFT JOIN decisions d ON d.id = r.decision_id WHERE r.goal_id = ANY($1) ORDER BY r.goal_id, r.number""",
        list(ids),
    )
    out: dict[uuid.UUID, list[GoalRevision]] = {}
    for r in rows:
        decision = Decision(r["body_id"], r["decided_on"], r["paragraph"], r["diary_number"]) if r["body_id"] else None
        out.setdefault(r["goal_id"], []).append(
            GoalRevision(
                r["goal_id"],
                r["number"],
                r["title"],
                r["description"],
                r["valid_from"],
                r["valid_to"],
                decision,
                r["effective_on"],
                r["recorded_at"],
            )
        )
    return out


async def goals_due_for_review(conn: asyncpg.Connection, before: date) -> list[Goal]:
    """Adopted OVERARCHING (4 years) and ACTION_PROGRAMME (1 year) goals whose review falls before ``before``."""
    rows = await conn.fetch(
        f"""SELECT * FROM ({_CURRENT}) g WHERE g.state = 'ADOPTED' AND (
              (g.level = 'OVERARCHING' AND g.last_decision_on + interval '4 years' < $1)
           OR (g.level = 'ACTION_PROGRAMME' AND g.last_decision_on + interval '1 year' < $1))
           ORDER BY g.last_decision_on, g.seq""",
        before,
    )
    return [_goal(r) for r in rows]
