"""Reporting periods (uppföljningsperioder): SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from ..domain.model import (
    PeriodKind,
    ReportingPeriod,
)
from ..domain.periods import PeriodSpec


def _period(r: asyncpg.Record) -> ReportingPeriod:
    return ReportingPeriod(
        r["id"], r["year"], PeriodKind(r["kind"]), r["label"], r["starts_on"], r["ends_on"], r["closed"]
    )


class SqlPeriods:
    """Reporting periods (uppföljningsperioder), on one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def of_year(self, year: int | None) -> list[ReportingPeriod]:
        rows = await self._conn.fetch(
            "SELECT * FROM reporting_periods WHERE $1::int IS NULL OR year = $1 ORDER BY ends_on, starts_on", year
        )
        return [_period(r) for r in rows]

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ReportingPeriod]:
        rows = await self._conn.fetch("SELECT * FROM reporting_periods WHERE id = ANY($1)", list(ids))
        return {r["id"]: _period(r) for r in rows}

    async def by_label(self, label: str) -> ReportingPeriod | None:
        """The period with this label, case aside ("Delår 2027", "delår 2027").

        A label names its year ("T1 2027", "Mars 2027": domain.periods), so with (year, label) unique it
        names one period; the ordering only makes the answer deterministic should that ever not hold.
        """
        row = await self._conn.fetchrow(
            "SELECT * FROM reporting_periods WHERE lower(label) = lower($1) ORDER BY year DESC, ends_on LIMIT 1",
            label.strip(),
        )
        return _period(row) if row else None

    async def latest_open(self) -> ReportingPeriod | None:
        # Of periods ending the same day (December, T3, helår), the longest is the one a report means.
        row = await self._conn.fetchrow(
            "SELECT * FROM reporting_periods WHERE NOT closed ORDER BY ends_on DESC, starts_on ASC LIMIT 1"
        )
        return _period(row) if row else None

    async def add_many(self, year: int, specs: Sequence[PeriodSpec]) -> list[ReportingPeriod]:
        """Insert the periods not yet defined; returns only those inserted now."""
        rows = await self._conn.fetch(
            """INSERT INTO reporting_periods (id, year, kind, label, starts_on, ends_on)
               SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::date[], $6::date[])
               ON CONFLICT (year, label) DO NOTHING RETURNING *""",
            [uuid.uuid4() for _ in specs],
            [year] * len(specs),
            [str(s.kind) for s in specs],
            [s.label for s in specs],
            [s.starts_on for s in specs],
            [s.ends_on for s in specs],
        )
        return sorted((_period(r) for r in rows), key=lambda p: (p.ends_on, p.starts_on))

    async def by_labels(self, year: int, labels: Sequence[str]) -> list[ReportingPeriod]:
        rows = await self._conn.fetch(
            "SELECT * FROM reporting_periods WHERE year = $1 AND label = ANY($2) ORDER BY ends_on, starts_on",
            year,
            list(labels),
        )
        return [_period(r) for r in rows]

    async def lock(self, period_id: uuid.UUID, *, exclusive: bool) -> ReportingPeriod | None:
        """Lock the period row: shared while assessing (many at once), exclusive while closing."""
        mode = "FOR UPDATE" if exclusive else "FOR SHARE"
        row = await self._conn.fetchrow(f"SELECT * FROM reporting_periods WHERE id = $1 {mode}", period_id)
        return _period(row) if row else None

    async def close(self, period_id: uuid.UUID) -> tuple[ReportingPeriod, datetime, int]:
        row = await self._conn.fetchrow(
            "UPDATE reporting_periods SET closed = true, closed_at = now() WHERE id = $1 RETURNING *", period_id
        )
        assert row is not None
        frozen = await self._conn.fetchval("SELECT count(*) FROM assessments WHERE period_id = $1", period_id)
        return _period(row), row["closed_at"], int(frozen)
