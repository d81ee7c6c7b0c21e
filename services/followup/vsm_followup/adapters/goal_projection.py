"""The projection of the goals service's goals and organisations: written by the consumer, read by
the roll-up and the report (SQL)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import asyncpg

from ..domain.model import (
    AssessmentStatus,
    ProjectedGoal,
    ProjectedOrganization,
)
from ..domain.rollup import GoalNode
from .rows import group

# The goals KF adopts without directing them to anyone: they make up the council's own report.
COUNCIL_LEVELS = ("OVERARCHING", "ACTION_PROGRAMME")


# The walk goes down the links one goal at a time, through the index projected_goal_links_parent, and
# reads each goal found by its key (LATERAL: PostgreSQL cannot estimate a recursion, and otherwise hashed
# every link and every goal of the municipality for a walk of 200 goals). A CTE of the links in force,
# used twice, was materialised and scanned in full for each goal's children (141 ms at goteborg); as
# joins it still cost 5.3 ms for the committee dashboard's 200 roots, this way 1.8 ms (1,000 roots of
# the roll-up: 15 -> 18.5 ms). EXPLAIN ANALYZE on the bench data, the same rows either way.
LOAD_TREE_SQL = """WITH RECURSIVE tree(id, live) AS (
               SELECT g.id, true FROM projected_goals g WHERE g.id = ANY($1)
               UNION
               SELECT l.child_id, (c.retired_on IS NULL OR c.retired_on > $3)
               FROM tree t
               CROSS JOIN LATERAL (
                   SELECT child_id FROM projected_goal_links
                   WHERE parent_id = t.id
                     AND (effective_from IS NULL OR effective_from <= $3)
                     AND (effective_to IS NULL OR effective_to > $3)
                   OFFSET 0
               ) l
               CROSS JOIN LATERAL (SELECT retired_on FROM projected_goals WHERE id = l.child_id LIMIT 1) c
               WHERE t.live
           ), ids AS (SELECT id, bool_or(live) AS live FROM tree GROUP BY id)
           SELECT g.id, g.level, g.title, g.adopted_on, g.retired_on, a.status AS own_status,
                  CASE WHEN ids.live THEN
                      coalesce((SELECT array_agg(l.child_id) FROM projected_goal_links l
                                WHERE l.parent_id = g.id
                                  AND (l.effective_from IS NULL OR l.effective_from <= $3)
                                  AND (l.effective_to IS NULL OR l.effective_to > $3)), '{}')
                  ELSE '{}' END AS child_ids
           FROM ids
           CROSS JOIN LATERAL (SELECT * FROM projected_goals WHERE id = ids.id LIMIT 1) g
           LEFT JOIN assessments a ON a.goal_id = g.id AND a.period_id = $2"""


class SqlGoals:
    """The projection of the goals service's goals (projektion av målen), on one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def upsert(self, goal: ProjectedGoal, *, replace_organizations: bool = True) -> None:
        await self._conn.execute(
            """INSERT INTO projected_goals (id, level, state, title, valid_from, valid_to, applied_events)
               VALUES ($1, $2, $3, $4, $5, $6, 1)
               ON CONFLICT (id) DO UPDATE SET level = $2, state = $3, title = $4, valid_from = $5, valid_to = $6,
                   applied_events = projected_goals.applied_events + 1, updated_at = now()""",
            goal.id,
            goal.level,
            goal.state,
            goal.title,
            goal.valid_from,
            goal.valid_to,
        )
        if replace_organizations:
            await self.set_organizations(goal.id, goal.organization_ids)

    async def set_organizations(self, goal_id: uuid.UUID, org_ids: Sequence[uuid.UUID]) -> None:
        await self._conn.execute("DELETE FROM projected_goal_organizations WHERE goal_id = $1", goal_id)
        await self._conn.executemany(
            "INSERT INTO projected_goal_organizations (goal_id, organization_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            [(goal_id, o) for o in org_ids],
        )

    async def revise(
        self,
        goal_id: uuid.UUID,
        revision: int | None,
        title: str | None,
        valid_from: date | None,
        valid_to: date | None,
    ) -> bool:
        status = await self._conn.execute(
            """UPDATE projected_goals SET revision = coalesce($2, revision), title = coalesce($3, title),
                   valid_from = $4, valid_to = $5, applied_events = applied_events + 1, updated_at = now()
               WHERE id = $1""",
            goal_id,
            revision,
            title,
            valid_from,
            valid_to,
        )
        return bool(status.endswith(" 1"))

    async def adopt(self, goal_id: uuid.UUID, revision: int | None, adopted_on: date) -> bool:
        # A retirement is final: a late or replayed adoption must not bring the goal back.
        status = await self._conn.execute(
            """UPDATE projected_goals SET state = CASE WHEN state = 'RETIRED' THEN state ELSE 'ADOPTED' END,
                   adopted_on = $3, revision = coalesce($2, revision),
                   applied_events = applied_events + 1, updated_at = now()
               WHERE id = $1""",
            goal_id,
            revision,
            adopted_on,
        )
        return bool(status.endswith(" 1"))

    async def retire(self, goal_id: uuid.UUID, retired_on: date) -> bool:
        status = await self._conn.execute(
            """UPDATE projected_goals SET state = 'RETIRED', retired_on = $2,
                   applied_events = applied_events + 1, updated_at = now()
               WHERE id = $1""",
            goal_id,
            retired_on,
        )
        return bool(status.endswith(" 1"))

    async def state(self, goal_id: uuid.UUID) -> str | None:
        state: str | None = await self._conn.fetchval("SELECT state FROM projected_goals WHERE id = $1", goal_id)
        return state

    async def add_links(
        self,
        child_id: uuid.UUID,
        parent_ids: Sequence[uuid.UUID],
        event_id: str,
        effective_from: date | None = None,
    ) -> None:
        """Links in force from ``effective_from`` (None: from the child's adoption). A link standing
        already, or one this event made before (a redelivery), is left as it is."""
        await self._conn.executemany(
            """INSERT INTO projected_goal_links (child_id, parent_id, effective_from, source_event)
               VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""",
            [(child_id, p, effective_from, event_id) for p in parent_ids],
        )

    async def end_link(
        self, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None, event_id: str
    ) -> bool:
        """End the standing link on ``effective_to`` (exclusive); None removes it (a draft's link never took
        effect). False when there was nothing to end."""
        if effective_to is None:
            status = await self._conn.execute(
                "DELETE FROM projected_goal_links WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL",
                child_id,
                parent_id,
            )
            return bool(status.endswith(" 1"))
        # The event id guards a redelivery: once this event has ended a period, a later one (made again
        # by a later event) is not ended by it a second time.
        status = await self._conn.execute(
            """UPDATE projected_goal_links SET effective_to = $3, ended_by_event = $4
               WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL
                 AND NOT EXISTS (SELECT 1 FROM projected_goal_links WHERE ended_by_event = $4)""",
            child_id,
            parent_id,
            effective_to,
            event_id,
        )
        return bool(status.endswith(" 1"))

    async def touch(self, goal_id: uuid.UUID) -> None:
        await self._conn.execute(
            "UPDATE projected_goals SET applied_events = applied_events + 1, updated_at = now() WHERE id = $1", goal_id
        )

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProjectedGoal]:
        rows = await self._conn.fetch(
            """SELECT g.id, g.level, g.state, g.title, g.valid_from, g.valid_to, g.adopted_on, g.retired_on,
                      coalesce(array_agg(o.organization_id ORDER BY o.organization_id)
                               FILTER (WHERE o.organization_id IS NOT NULL), '{}') AS organization_ids
               FROM projected_goals g LEFT JOIN projected_goal_organizations o ON o.goal_id = g.id
               WHERE g.id = ANY($1) GROUP BY g.id""",
            list(ids),
        )
        return {
            r["id"]: ProjectedGoal(
                r["id"],
                r["level"],
                r["state"],
                r["title"],
                r["valid_from"],
                r["valid_to"],
                r["adopted_on"],
                r["retired_on"],
                tuple(r["organization_ids"]),
            )
            for r in rows
        }

    async def load_tree(
        self, roots: Sequence[uuid.UUID], period_id: uuid.UUID | None, as_of: date
    ) -> dict[uuid.UUID, GoalNode]:
        """``roots`` and everything below them through the links in force on ``as_of``, with each goal's own
        status in the period, in one statement.

        The walk goes on below a goal only while the goal is in force on ``as_of``; a retired goal is
        still returned (the explanation names it) but its subtree is not, as it no longer contributes.

        See ``LOAD_TREE_SQL`` for why the walk reads one goal at a time.
        """
        rows = await self._conn.fetch(
            LOAD_TREE_SQL,
            list(roots),
            period_id,
            as_of,
        )
        return {
            r["id"]: GoalNode(
                id=r["id"],
                level=r["level"],
                title=r["title"],
                child_ids=tuple(r["child_ids"]),
                retired_on=r["retired_on"],
                own_status=AssessmentStatus(r["own_status"]) if r["own_status"] else None,
                adopted_on=r["adopted_on"],
            )
            for r in rows
        }

    async def of_organizations(self, org_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """The goals of each organisation's report: those naming it as owner or recipient and, for KF
        (COUNCIL), the övergripande mål and handlingsprogram it adopts without directing them to anyone."""
        rows = await self._conn.fetch(
            """SELECT o.organization_id AS org_id, o.goal_id FROM projected_goal_organizations o
               WHERE o.organization_id = ANY($1)
               UNION
               SELECT po.id, g.id FROM projected_organizations po
               JOIN projected_goals g ON g.level = ANY($2::text[])
               WHERE po.id = ANY($1) AND po.kind = 'COUNCIL'
                 AND NOT EXISTS (SELECT 1 FROM projected_goal_organizations x WHERE x.goal_id = g.id)""",
            list(org_ids),
            list(COUNCIL_LEVELS),
        )
        return group(rows, "org_id", "goal_id")

    async def count_known(self, ids: Sequence[uuid.UUID]) -> int:
        return int(await self._conn.fetchval("SELECT count(*) FROM projected_goals WHERE id = ANY($1)", list(ids)))


class SqlOrganizations:
    """The projection of the goals service's organisations, on one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def upsert(
        self, org_id: uuid.UUID, code: str, name: str | None, kind: str, parent_id: uuid.UUID | None
    ) -> None:
        await self._conn.execute(
            """INSERT INTO projected_organizations (id, code, name, kind, parent_id) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (id) DO UPDATE SET code = $2, name = coalesce($3, projected_organizations.name),
                   kind = $4, parent_id = $5""",
            org_id,
            code,
            name,
            kind,
            parent_id,
        )

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProjectedOrganization]:
        rows = await self._conn.fetch(
            "SELECT id, code, name, kind, parent_id FROM projected_organizations WHERE id = ANY($1)", list(ids)
        )
        return {r["id"]: ProjectedOrganization(r["id"], r["code"], r["name"], r["kind"], r["parent_id"]) for r in rows}

    async def count_known(self, ids: Sequence[uuid.UUID]) -> int:
        return int(
            await self._conn.fetchval("SELECT count(*) FROM projected_organizations WHERE id = ANY($1)", list(ids))
        )
