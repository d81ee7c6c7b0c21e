"""The goals service's answers to adopted directives and plans (fastställande av mål, the sagas)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import (
    EstablishedBy,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalRefusal,
)
from .rows import Ids


class SqlEstablishments:
    """Whether the goals service established an adopted directive's or plan's goals (goal_establishments)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def request(self, subject_id: uuid.UUID, kind: EstablishedBy, state: GoalEstablishmentState) -> None:
        """Record that an adoption asked the goals service for its goals (with the adoption, so never late)."""
        await self._conn.execute(
            """INSERT INTO goal_establishments (subject_id, kind, state, answered_at)
               VALUES ($1, $2, $3, CASE WHEN $3 = 'PENDING' THEN NULL ELSE now() END)
               ON CONFLICT (subject_id) DO NOTHING""",
            subject_id,
            kind.value,
            state.value,
        )

    async def record(
        self,
        subject_id: uuid.UUID,
        kind: EstablishedBy,
        state: GoalEstablishmentState,
        refusals: Sequence[GoalRefusal],
    ) -> None:
        """Store the goals service's answer; a later answer (a replayed adoption) replaces an earlier one."""
        await self._conn.execute(
            """INSERT INTO goal_establishments (subject_id, kind, state, answered_at) VALUES ($1, $2, $3, now())
               ON CONFLICT (subject_id) DO UPDATE SET state = EXCLUDED.state, answered_at = now()""",
            subject_id,
            kind.value,
            state.value,
        )
        await self._conn.execute("DELETE FROM goal_refusals WHERE subject_id = $1", subject_id)
        await self._conn.executemany(
            "INSERT INTO goal_refusals (subject_id, position, goal_id, rule, message) VALUES ($1, $2, $3, $4, $5)",
            [(subject_id, i, r.goal_id, r.rule, r.message) for i, r in enumerate(refusals)],
        )

    async def by_ids(self, subject_ids: Ids) -> dict[uuid.UUID, GoalEstablishment]:
        rows = await self._conn.fetch(
            "SELECT subject_id, kind, state, answered_at FROM goal_establishments WHERE subject_id = ANY($1)",
            list(subject_ids),
        )
        refused = await self._conn.fetch(
            """SELECT subject_id, goal_id, rule, message FROM goal_refusals WHERE subject_id = ANY($1)
               ORDER BY subject_id, position""",
            [r["subject_id"] for r in rows if r["state"] == GoalEstablishmentState.REFUSED.value],
        )
        refusals: dict[uuid.UUID, list[GoalRefusal]] = {}
        for r in refused:
            refusals.setdefault(r["subject_id"], []).append(GoalRefusal(r["goal_id"], r["rule"], r["message"]))
        return {
            r["subject_id"]: GoalEstablishment(
                r["subject_id"],
                EstablishedBy(r["kind"]),
                GoalEstablishmentState(r["state"]),
                tuple(refusals.get(r["subject_id"], [])),
                r["answered_at"],
            )
            for r in rows
        }
