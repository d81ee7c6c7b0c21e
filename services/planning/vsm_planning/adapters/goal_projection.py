"""Planning's projection of the goals service: the organisations and goals it knows of (kända organisationer
och mål), as their events tell it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import asyncpg

from ..domain.model import (
    GoalLevel,
    GoalLink,
    GoalState,
    KnownGoal,
    KnownOrganization,
    OrganizationKind,
)
from .rows import Ids

# Goals only move forward (DRAFT → ADOPTED → RETIRED); a state is never lowered, whatever order
# the events arrive in.
_STATE_RANK = "array_position(ARRAY['DRAFT','ADOPTED','RETIRED'], {})"


class SqlKnownOrganizations:
    """The organisations planning knows of (projected_organizations)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def upsert(self, org_id: uuid.UUID, code: str, name: str, kind: str, parent_id: uuid.UUID | None) -> None:
        await self._conn.execute(
            """INSERT INTO projected_organizations (id, code, name, kind, parent_id) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (id) DO UPDATE SET code = $2, name = $3, kind = $4, parent_id = $5, updated_at = now()""",
            org_id,
            code,
            name,
            kind,
            parent_id,
        )

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, KnownOrganization]:
        rows = await self._conn.fetch(
            "SELECT id, code, name, kind, parent_id FROM projected_organizations WHERE id = ANY($1)", list(ids)
        )
        return {
            r["id"]: KnownOrganization(r["id"], r["code"], r["name"], OrganizationKind(r["kind"]), r["parent_id"])
            for r in rows
        }

    async def first_of_kind(self, kinds: Sequence[OrganizationKind]) -> dict[str, uuid.UUID]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT ON (kind) kind, id FROM projected_organizations WHERE kind = ANY($1) ORDER BY kind, code",
            [k.value for k in kinds],
        )
        return {r["kind"]: r["id"] for r in rows}


class SqlKnownGoals:
    """The goals planning knows of, with their links upward (projected_goals, projected_goal_links)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def project_state(
        self,
        goal_id: uuid.UUID,
        state: GoalState,
        level: str | None = None,
        *,
        adopted_on: date | None = None,
        retired_on: date | None = None,
    ) -> None:
        """Raise the goal's state; a goal is adopted and retired once, so the first date learned of each stays."""
        await self._conn.execute(
            f"""INSERT INTO projected_goals (id, level, state, adopted_on, retired_on) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (id) DO UPDATE SET
                    level = COALESCE(projected_goals.level, EXCLUDED.level),
                    state = CASE WHEN {_STATE_RANK.format("EXCLUDED.state")}
                                  > {_STATE_RANK.format("projected_goals.state")}
                                 THEN EXCLUDED.state ELSE projected_goals.state END,
                    adopted_on = COALESCE(projected_goals.adopted_on, EXCLUDED.adopted_on),
                    retired_on = COALESCE(projected_goals.retired_on, EXCLUDED.retired_on),
                    updated_at = now()""",
            goal_id,
            level,
            state.value,
            adopted_on,
            retired_on,
        )

    async def state(self, goal_id: uuid.UUID) -> GoalState | None:
        found = await self._conn.fetchval("SELECT state FROM projected_goals WHERE id = $1", goal_id)
        return GoalState(found) if found else None

    async def project_content(
        self,
        goal_id: uuid.UUID,
        revision: int,
        *,
        level: str | None,
        title: str,
        valid_from: date | None,
        valid_to: date | None,
        organization_ids: Sequence[uuid.UUID],
    ) -> bool:
        """Apply a goal's content of ``revision`` unless a newer revision is already applied; True if applied."""
        await self._conn.execute("INSERT INTO projected_goals (id) VALUES ($1) ON CONFLICT DO NOTHING", goal_id)
        applied = await self._conn.fetchval(
            """UPDATE projected_goals SET level = COALESCE($3, level), title = $4, valid_from = $5, valid_to = $6,
                   content_revision = $2, updated_at = now()
               WHERE id = $1 AND content_revision < $2 RETURNING true""",
            goal_id,
            revision,
            level,
            title,
            valid_from,
            valid_to,
        )
        if applied:
            await self._conn.execute("DELETE FROM projected_goal_organizations WHERE goal_id = $1", goal_id)
            await self._conn.executemany(
                "INSERT INTO projected_goal_organizations (goal_id, organization_id) VALUES ($1, $2) "
                "ON CONFLICT DO NOTHING",
                [(goal_id, o) for o in organization_ids],
            )
        return bool(applied)

    async def add_links(self, child_id: uuid.UUID, parent_ids: Ids, effective_from: date | None = None) -> None:
        """Open a link period from ``effective_from`` unless the link is open, or a period with that start is
        already recorded (a replayed link must not reopen a link that has since ended)."""
        await self._conn.executemany(
            """INSERT INTO projected_goal_links (child_id, parent_id, effective_from)
               SELECT $1, $2, $3::date WHERE NOT EXISTS (
                   SELECT 1 FROM projected_goal_links WHERE child_id = $1 AND parent_id = $2
                     AND (effective_to IS NULL OR effective_from IS NOT DISTINCT FROM $3::date))
               ON CONFLICT (child_id, parent_id) WHERE effective_to IS NULL DO NOTHING""",
            [(child_id, p, effective_from) for p in parent_ids],
        )

    async def end_link(self, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None) -> None:
        """End the open period on ``effective_to`` (exclusive); without a date the link never took effect (a
        draft's) and is removed. No open period (a replay): nothing to do."""
        if effective_to is None:
            await self._conn.execute(
                "DELETE FROM projected_goal_links WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL",
                child_id,
                parent_id,
            )
        else:
            await self._conn.execute(
                """UPDATE projected_goal_links SET effective_to = $3
                   WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL""",
                child_id,
                parent_id,
                effective_to,
            )

    async def links_of(self, child_ids: Ids) -> dict[uuid.UUID, list[GoalLink]]:
        """Per child goal: every period of its links upward, ended and decided for later ones included."""
        rows = await self._conn.fetch(
            """SELECT child_id, parent_id, effective_from, effective_to FROM projected_goal_links
               WHERE child_id = ANY($1) ORDER BY child_id, parent_id, effective_from NULLS FIRST""",
            list(child_ids),
        )
        out: dict[uuid.UUID, list[GoalLink]] = {}
        for r in rows:
            out.setdefault(r["child_id"], []).append(
                GoalLink(r["child_id"], r["parent_id"], r["effective_from"], r["effective_to"])
            )
        return out

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, KnownGoal]:
        rows = await self._conn.fetch(
            """SELECT g.id, g.level, g.state, g.title, g.valid_from, g.valid_to, g.adopted_on, g.retired_on,
                      ARRAY(SELECT organization_id FROM projected_goal_organizations o WHERE o.goal_id = g.id
                            ORDER BY organization_id) AS orgs,
                      ARRAY(SELECT parent_id FROM projected_goal_links l WHERE l.child_id = g.id
                            AND l.effective_to IS NULL ORDER BY parent_id) AS parents
               FROM projected_goals g WHERE g.id = ANY($1)""",
            list(ids),
        )
        return {
            r["id"]: KnownGoal(
                r["id"],
                GoalLevel(r["level"]) if r["level"] else None,
                GoalState(r["state"]),
                r["title"],
                tuple(r["orgs"]),
                tuple(r["parents"]),
                r["valid_from"],
                r["valid_to"],
                r["adopted_on"],
                r["retired_on"],
            )
            for r in rows
        }
