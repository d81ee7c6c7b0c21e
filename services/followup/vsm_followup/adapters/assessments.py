"""Assessments (bedömningar) of goals in periods: SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import (
    Assessment,
    AssessmentStatus,
)


def _assessment(r: asyncpg.Record) -> Assessment:
    return Assessment(
        goal_id=r["goal_id"],
        period_id=r["period_id"],
        status=AssessmentStatus(r["status"]),
        suggested_status=AssessmentStatus(r["suggested_status"]) if r["suggested_status"] else None,
        analysis=r["analysis"],
        assessed_by=r["assessed_by"],
        assessed_at=r["assessed_at"],
    )


class SqlAssessments:
    """A goal's own assessments (bedömningar), on one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def lock(self, goal_id: uuid.UUID, period_id: uuid.UUID) -> Assessment | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM assessments WHERE goal_id = $1 AND period_id = $2 FOR UPDATE", goal_id, period_id
        )
        return _assessment(row) if row else None

    async def save(self, a: Assessment) -> Assessment:
        row = await self._conn.fetchrow(
            """INSERT INTO assessments
                   (goal_id, period_id, status, suggested_status, analysis, assessed_by, assessed_at)
               VALUES ($1, $2, $3, $4, $5, $6, now())
               ON CONFLICT (period_id, goal_id) DO UPDATE SET status = $3, suggested_status = $4, analysis = $5,
                   assessed_by = $6, assessed_at = now()
               RETURNING *""",
            a.goal_id,
            a.period_id,
            str(a.status),
            str(a.suggested_status) if a.suggested_status else None,
            a.analysis,
            a.assessed_by,
        )
        assert row is not None
        return _assessment(row)

    async def by_keys(
        self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], Assessment]:
        rows = await self._conn.fetch(
            """SELECT a.* FROM assessments a
               JOIN unnest($1::uuid[], $2::uuid[]) AS k(goal_id, period_id)
                 ON a.goal_id = k.goal_id AND a.period_id = k.period_id""",
            [k[0] for k in keys],
            [k[1] for k in keys],
        )
        return {(r["goal_id"], r["period_id"]): _assessment(r) for r in rows}

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Assessment]]:
        rows = await self._conn.fetch(
            """SELECT a.* FROM assessments a JOIN reporting_periods p ON p.id = a.period_id
               WHERE a.goal_id = ANY($1) ORDER BY p.ends_on, p.starts_on DESC""",
            list(goal_ids),
        )
        out: dict[uuid.UUID, list[Assessment]] = {}
        for r in rows:
            out.setdefault(r["goal_id"], []).append(_assessment(r))
        return out
