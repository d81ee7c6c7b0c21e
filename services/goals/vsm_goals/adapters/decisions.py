"""SQL for decisions (beslut): each adoption, revision, retirement or link change records its own."""

from __future__ import annotations

import uuid

import asyncpg

from ..domain.model import Decision


class SqlDecisions:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, d: Decision) -> uuid.UUID:
        decision_id = uuid.uuid4()
        await self._conn.execute(
            "INSERT INTO decisions (id, body_id, decided_on, paragraph, diary_number) VALUES ($1, $2, $3, $4, $5)",
            decision_id,
            d.body_id,
            d.date,
            d.paragraph,
            d.diary_number,
        )
        return decision_id
