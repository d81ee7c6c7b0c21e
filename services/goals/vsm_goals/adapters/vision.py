"""SQL for the vision (vision) and its themes (visionsområden)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import Decision, Vision, VisionTheme


class SqlVision:
    """The municipality's vision: read by the API, written by the demo seed."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def current(self) -> Vision | None:
        row = await self._conn.fetchrow("SELECT * FROM visions ORDER BY horizon_year DESC LIMIT 1")
        if row is None:
            return None
        themes = await self._conn.fetch(
            "SELECT id, name, statement FROM vision_themes WHERE vision_id = $1 ORDER BY position", row["id"]
        )
        decision = (
            Decision(
                row["decision_body_id"], row["decision_date"], row["decision_paragraph"], row["decision_diary_number"]
            )
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

    async def add(self, vision: Vision) -> None:
        """Insert the vision and its themes; those already there stay as they are."""
        d = vision.adopted
        await self._conn.execute(
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
        await self._conn.executemany(
            "INSERT INTO vision_themes (id, vision_id, position, name, statement) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (id) DO NOTHING",
            [(t.id, vision.id, i, t.name, t.statement) for i, t in enumerate(vision.themes)],
        )


class SqlThemes:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, VisionTheme]:
        rows = await self._conn.fetch("SELECT id, name, statement FROM vision_themes WHERE id = ANY($1)", list(ids))
        return {r["id"]: VisionTheme(r["id"], r["name"], r["statement"]) for r in rows}
