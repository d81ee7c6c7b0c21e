"""SQL for the links between goals (länkar): which goal serves which, from when, by which decisions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import asyncpg

from ..domain.model import GoalLink
from .rows import decision_of, grouped


class SqlGoalLinks:
    """``today`` is the municipality's day (the unit of work's): "now" means the links in force on it."""

    def __init__(self, conn: asyncpg.Connection, today: Callable[[], date]) -> None:
        self._conn = conn
        self._today = today

    def _in_force(self, as_of: date | None) -> tuple[str, list[Any]]:
        if as_of is None:
            # Now: a draft's links too (they are what its adoption will decide on), but not a change
            # decided to take effect later, nor a link whose end has come.
            return (
                """SELECT child_id, parent_id FROM goal_links
                   WHERE (effective_from IS NULL OR effective_from <= $1)
                     AND (effective_to IS NULL OR effective_to > $1)""",
                [self._today()],
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

    async def parents_of(self, ids: Sequence[uuid.UUID], as_of: date | None = None) -> dict[uuid.UUID, list[uuid.UUID]]:
        links, args = self._in_force(as_of)
        rows = await self._conn.fetch(
            f"SELECT l.child_id, l.parent_id FROM ({links}) l JOIN goals p ON p.id = l.parent_id "
            f"WHERE l.child_id = ANY(${len(args) + 1}) ORDER BY p.seq",
            *args,
            list(ids),
        )
        return grouped((r["child_id"], r["parent_id"]) for r in rows)

    async def children_of(
        self, ids: Sequence[uuid.UUID], as_of: date | None = None
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        links, args = self._in_force(as_of)
        rows = await self._conn.fetch(
            f"SELECT l.parent_id, l.child_id FROM ({links}) l JOIN goals c ON c.id = l.child_id "
            f"WHERE l.parent_id = ANY(${len(args) + 1}) ORDER BY c.seq",
            *args,
            list(ids),
        )
        return grouped((r["parent_id"], r["child_id"]) for r in rows)

    async def ancestors(self, goal_id: uuid.UUID, since: date) -> set[uuid.UUID]:
        """Every goal above ``goal_id`` through links that stand on ``since`` or later (also those decided
        to take effect later): a new link from ``since`` must close no cycle on any day."""
        rows = await self._conn.fetch(
            """WITH RECURSIVE up(id) AS (
                   SELECT parent_id FROM goal_links
                   WHERE child_id = $1 AND (effective_to IS NULL OR effective_to > $2)
                   UNION SELECT l.parent_id FROM goal_links l JOIN up ON l.child_id = up.id
                         WHERE l.effective_to IS NULL OR l.effective_to > $2)
               SELECT id FROM up""",
            goal_id,
            since,
        )
        return {r["id"] for r in rows}

    async def state(self, child_id: uuid.UUID, parent_id: uuid.UUID) -> tuple[bool, date | None]:
        """Whether the two goals have a link without an end, and the latest end of one that has ended."""
        row = await self._conn.fetchrow(
            """SELECT bool_or(effective_to IS NULL) AS open, max(effective_to) AS ended
               FROM goal_links WHERE child_id = $1 AND parent_id = $2""",
            child_id,
            parent_id,
        )
        return bool(row["open"]), row["ended"]

    async def add(
        self,
        child_id: uuid.UUID,
        parent_id: uuid.UUID,
        effective_from: date | None,
        decision_id: uuid.UUID | None = None,
    ) -> bool:
        status = await self._conn.execute(
            "INSERT INTO goal_links (child_id, parent_id, effective_from, decision_id) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (child_id, parent_id) WHERE effective_to IS NULL DO NOTHING",
            child_id,
            parent_id,
            effective_from,
            decision_id,
        )
        return status.endswith(" 1")

    async def end(
        self,
        child_id: uuid.UUID,
        parent_id: uuid.UUID,
        effective_to: date | None,
        decision_id: uuid.UUID | None = None,
    ) -> bool:
        """End a link without an end; a draft's link is simply removed (it never took effect)."""
        if effective_to is None:
            status = await self._conn.execute(
                "DELETE FROM goal_links WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL",
                child_id,
                parent_id,
            )
        else:
            status = await self._conn.execute(
                "UPDATE goal_links SET effective_to = $3, ended_decision_id = $4 "
                "WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL",
                child_id,
                parent_id,
                effective_to,
                decision_id,
            )
        return status.endswith(" 1")

    async def history(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[GoalLink]]:
        """Every link of each goal upward, past, present and decided for later, in the order they took effect."""
        rows = await self._conn.fetch(
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
        return grouped(
            (
                r["child_id"],
                GoalLink(
                    r["child_id"],
                    r["parent_id"],
                    r["effective_from"],
                    r["effective_to"],
                    decision_of(r, "d"),
                    decision_of(r, "e"),
                ),
            )
            for r in rows
        )
