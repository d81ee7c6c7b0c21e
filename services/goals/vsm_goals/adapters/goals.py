"""SQL for goals (mål): as they stand now or stood on a date, their revisions, and the changes use cases make."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import asyncpg

from vsm_common.cursors import Counts, PageWindow, beyond_cursors, keyset_condition

from ..domain.model import Decision, Goal, GoalLevel, GoalRevision, GoalState
from .goal_links import SqlGoalLinks
from .rows import decision_of, grouped


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
        adopted=decision_of(row, "ad"),
        retired=decision_of(row, "rd"),
        last_decision_on=row["last_decision_on"],
        established_by=row["established_by"],
    )


def _current_of(goals: str) -> str:
    """The goals of the relation ``goals`` (the table, or a page of it) with their decisions.

    Each decision is read by its key (LATERAL): joined, PostgreSQL hashed every decision of the
    municipality twice even for a page of goals (goteborg, 11,664 decisions: 150 goals by id 2.2 ->
    0.35 ms, EXPLAIN ANALYZE on the bench data)."""
    return f"""
    SELECT g.id, g.seq, g.level, g.title, g.description, g.state, g.valid_from, g.valid_to, g.revision,
           g.last_decision_on, g.established_by,
           ad.body_id AS ad_body, ad.decided_on AS ad_date, ad.paragraph AS ad_par, ad.diary_number AS ad_dn,
           rd.body_id AS rd_body, rd.decided_on AS rd_date, rd.paragraph AS rd_par, rd.diary_number AS rd_dn
    FROM {goals} g
    LEFT JOIN LATERAL (SELECT * FROM decisions d WHERE d.id = g.adopted_decision_id LIMIT 1) ad ON true
    LEFT JOIN LATERAL (SELECT * FROM decisions d WHERE d.id = g.retired_decision_id LIMIT 1) rd ON true"""


# The goal as it stands now: the row in ``goals`` is kept current by every change.
_CURRENT = _current_of("goals")

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


class SqlGoals:
    """``today`` is the municipality's day: a locked goal comes with the parents it has on it."""

    def __init__(self, conn: asyncpg.Connection, today: Callable[[], date]) -> None:
        self._conn = conn
        self._links = SqlGoalLinks(conn, today)

    async def by_ids(self, ids: Sequence[uuid.UUID], as_of: date | None = None) -> dict[uuid.UUID, Goal]:
        source, args = _goals_source(as_of)
        rows = await self._conn.fetch(f"SELECT * FROM {source} g WHERE g.id = ANY(${len(args) + 1})", *args, list(ids))
        return {r["id"]: _goal(r) for r in rows}

    async def levels(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, GoalLevel]:
        rows = await self._conn.fetch("SELECT id, level FROM goals WHERE id = ANY($1)", list(ids))
        return {r["id"]: GoalLevel(r["level"]) for r in rows}

    async def page(
        self,
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
        keyset = keyset_condition("g.seq", n + 4, n + 5)
        window_sql = f"{where} AND {keyset} ORDER BY g.seq {window.order} LIMIT ${n + 6}"
        if as_of is None:
            # The page of goals first, then its decisions (the committee dashboard's page of 200: 4.8 ms
            # joined before the LIMIT, 0.93 ms this way; EXPLAIN ANALYZE on the bench data).
            page_sql = f"SELECT * FROM ({_current_of(f'(SELECT * FROM goals g WHERE {window_sql})')}) g "
            page_sql += f"ORDER BY g.seq {window.order}"
        else:
            page_sql = f"SELECT * FROM {source} g WHERE {window_sql}"
        rows = await self._conn.fetch(page_sql, *args, window.after, window.before, window.limit)
        counted = await self._conn.fetchrow(
            f"SELECT {beyond_cursors('g.seq', n + 4, n + 5)} FROM {source} g WHERE {where}",
            *args,
            window.after,
            window.before,
        )
        return [(r["seq"], _goal(r)) for r in rows], Counts(**dict(counted))

    async def organizations_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await self._conn.fetch(
            "SELECT go.goal_id, go.organization_id FROM goal_organizations go JOIN organizations o "
            "ON o.id = go.organization_id WHERE go.goal_id = ANY($1) ORDER BY o.code",
            list(ids),
        )
        return grouped((r["goal_id"], r["organization_id"]) for r in rows)

    async def themes_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await self._conn.fetch(
            "SELECT gt.goal_id, gt.theme_id FROM goal_themes gt JOIN vision_themes t ON t.id = gt.theme_id "
            "WHERE gt.goal_id = ANY($1) ORDER BY t.position",
            list(ids),
        )
        return grouped((r["goal_id"], r["theme_id"]) for r in rows)

    async def add(self, goal: Goal) -> None:
        await self._conn.execute(
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
        await self._conn.execute(
            "INSERT INTO goal_revisions (goal_id, number, title, description, valid_from, valid_to) "
            "VALUES ($1, 1, $2, $3, $4, $5)",
            goal.id,
            goal.title,
            goal.description,
            goal.valid_from,
            goal.valid_to,
        )
        await self._conn.executemany(
            "INSERT INTO goal_links (child_id, parent_id) VALUES ($1, $2)", [(goal.id, p) for p in goal.parent_ids]
        )
        await self._conn.executemany(
            "INSERT INTO goal_organizations (goal_id, organization_id) VALUES ($1, $2)",
            [(goal.id, o) for o in goal.organization_ids],
        )
        await self._conn.executemany(
            "INSERT INTO goal_themes (goal_id, theme_id) VALUES ($1, $2)", [(goal.id, t) for t in goal.theme_ids]
        )

    async def lock(self, goal_id: uuid.UUID) -> Goal | None:
        """The current goal with its organisations and parents, locked for the rest of the transaction."""
        if await self._conn.fetchval("SELECT 1 FROM goals WHERE id = $1 FOR UPDATE", goal_id) is None:
            return None
        goal = (await self.by_ids([goal_id]))[goal_id]
        orgs = (await self.organizations_of([goal_id])).get(goal_id, [])
        parents = (await self._links.parents_of([goal_id])).get(goal_id, [])
        return replace(goal, organization_ids=tuple(orgs), parent_ids=tuple(parents))

    async def lock_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Goal]:
        """The current goals with their organisations and parents, locked for the rest of the transaction.

        Locked in id order, so two transactions locking overlapping sets wait for each other instead of
        deadlocking. Ids of no goal are missing from the result.
        """
        locked = await self._conn.fetch("SELECT id FROM goals WHERE id = ANY($1) ORDER BY id FOR UPDATE", list(ids))
        found = [r["id"] for r in locked]
        goals = await self.by_ids(found)
        orgs = await self.organizations_of(found)
        parents = await self._links.parents_of(found)
        return {
            gid: replace(goals[gid], organization_ids=tuple(orgs.get(gid, [])), parent_ids=tuple(parents.get(gid, [])))
            for gid in found
        }

    async def update_draft(self, goal: Goal) -> None:
        """A draft is edited in place: nothing about it was ever in force."""
        await self._conn.execute(
            "UPDATE goals SET title = $2, description = $3, valid_to = $4 WHERE id = $1",
            goal.id,
            goal.title,
            goal.description,
            goal.valid_to,
        )
        await self._conn.execute(
            "UPDATE goal_revisions SET title = $2, description = $3, valid_to = $4, recorded_at = now() "
            "WHERE goal_id = $1 AND number = $5",
            goal.id,
            goal.title,
            goal.description,
            goal.valid_to,
            goal.revision,
        )

    async def add_revision(self, goal: Goal, decision_id: uuid.UUID, effective_on: date) -> None:
        await self._conn.execute(
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
        await self._conn.execute(
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
        self, goal: Goal, decision_id: uuid.UUID, decided_on: date, established_by: uuid.UUID | None
    ) -> None:
        await self._conn.execute(
            "UPDATE goals SET state = 'ADOPTED', adopted_decision_id = $2, last_decision_on = $3, "
            "established_by = $4 WHERE id = $1",
            goal.id,
            decision_id,
            decided_on,
            established_by,
        )
        # The draft revision is what was adopted: it takes effect with the decision.
        await self._conn.execute(
            "UPDATE goal_revisions SET decision_id = $2, effective_on = $3 WHERE goal_id = $1 AND number = $4",
            goal.id,
            decision_id,
            decided_on,
            goal.revision,
        )

    async def mark_retired(self, goal_id: uuid.UUID, decision_id: uuid.UUID) -> None:
        await self._conn.execute(
            "UPDATE goals SET state = 'RETIRED', retired_decision_id = $2 WHERE id = $1", goal_id, decision_id
        )

    async def revisions_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[GoalRevision]]:
        rows = await self._conn.fetch(
            """SELECT r.*, d.body_id, d.decided_on, d.paragraph, d.diary_number FROM goal_revisions r
               LEFT JOIN decisions d ON d.id = r.decision_id WHERE r.goal_id = ANY($1)
               ORDER BY r.goal_id, r.number""",
            list(ids),
        )
        return grouped(
            (
                r["goal_id"],
                GoalRevision(
                    r["goal_id"],
                    r["number"],
                    r["title"],
                    r["description"],
                    r["valid_from"],
                    r["valid_to"],
                    Decision(r["body_id"], r["decided_on"], r["paragraph"], r["diary_number"])
                    if r["body_id"]
                    else None,
                    r["effective_on"],
                    r["recorded_at"],
                ),
            )
            for r in rows
        )

    async def due_for_review(self, before: date) -> list[Goal]:
        """Adopted OVERARCHING (4 years) and ACTION_PROGRAMME (1 year) goals whose review falls before ``before``."""
        rows = await self._conn.fetch(
            f"""SELECT * FROM ({_CURRENT}) g WHERE g.state = 'ADOPTED' AND (
                  (g.level = 'OVERARCHING' AND g.last_decision_on + interval '4 years' < $1)
               OR (g.level = 'ACTION_PROGRAMME' AND g.last_decision_on + interval '1 year' < $1))
               ORDER BY g.last_decision_on, g.seq""",
            before,
        )
        return [_goal(r) for r in rows]
