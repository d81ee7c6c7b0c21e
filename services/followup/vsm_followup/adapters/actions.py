"""Actions (åtgärder) on deviations: SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import (
    Action,
    ActionState,
)


def _action(r: asyncpg.Record) -> Action:
    return Action(
        id=r["id"],
        goal_id=r["goal_id"],
        title=r["title"],
        owner_id=r["owner_id"],
        due_on=r["due_on"],
        state=ActionState(r["state"]),
        updated_at=r["updated_at"],
    )


class SqlActions:
    """Actions (åtgärder), on one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, a: Action) -> Action:
        row = await self._conn.fetchrow(
            """INSERT INTO actions (id, goal_id, title, owner_id, due_on, state) VALUES ($1, $2, $3, $4, $5, $6)
               RETURNING *""",
            a.id,
            a.goal_id,
            a.title,
            a.owner_id,
            a.due_on,
            str(a.state),
        )
        assert row is not None
        return _action(row)

    async def lock(self, action_id: uuid.UUID) -> Action | None:
        row = await self._conn.fetchrow("SELECT * FROM actions WHERE id = $1 FOR UPDATE", action_id)
        return _action(row) if row else None

    async def set_state(self, action_id: uuid.UUID, state: ActionState) -> Action:
        row = await self._conn.fetchrow(
            "UPDATE actions SET state = $2, updated_at = now() WHERE id = $1 RETURNING *", action_id, str(state)
        )
        assert row is not None
        return _action(row)

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Action]:
        rows = await self._conn.fetch("SELECT * FROM actions WHERE id = ANY($1)", list(ids))
        return {r["id"]: _action(r) for r in rows}

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Action]]:
        rows = await self._conn.fetch(
            "SELECT * FROM actions WHERE goal_id = ANY($1) ORDER BY due_on NULLS LAST, created_at, id", list(goal_ids)
        )
        out: dict[uuid.UUID, list[Action]] = {}
        for r in rows:
            out.setdefault(r["goal_id"], []).append(_action(r))
        return out
