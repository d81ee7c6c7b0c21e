"""Indicators (nyckeltal), their targets (målvärden) and measurements (utfall): SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.kolada import MeasurementDelete, MeasurementWrite
from ..domain.model import (
    Direction,
    Indicator,
    IndicatorSource,
    Measurement,
    Target,
)
from .rows import group


def _indicator(r: asyncpg.Record) -> Indicator:
    return Indicator(
        id=r["id"],
        name=r["name"],
        unit=r["unit"],
        direction=Direction(r["direction"]),
        source=IndicatorSource(r["source"]),
        kolada_kpi_id=r["kolada_kpi_id"],
        owner_id=r["owner_id"],
        baseline=r["baseline"],
        baseline_year=r["baseline_year"],
    )


def _measurement(r: asyncpg.Record) -> Measurement:
    return Measurement(
        indicator_id=r["indicator_id"],
        year=r["year"],
        value=r["value"],
        period_id=r["period_id"],
        municipality_id=r["municipality_id"],
        gender=r["gender"],
        status=r["status"],
        count=r["count"],
    )


class SqlIndicators:
    """Indicators (nyckeltal), their goals, targets and measurements, on one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, ind: Indicator) -> bool:
        """Insert; False when another indicator already follows the same Kolada KPI."""
        status = await self._conn.execute(
            """INSERT INTO indicators
                   (id, name, unit, direction, source, kolada_kpi_id, owner_id, baseline, baseline_year)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING""",
            ind.id,
            ind.name,
            ind.unit,
            str(ind.direction),
            str(ind.source),
            ind.kolada_kpi_id,
            ind.owner_id,
            ind.baseline,
            ind.baseline_year,
        )
        return bool(status.endswith(" 1"))

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Indicator]:
        rows = await self._conn.fetch("SELECT * FROM indicators WHERE id = ANY($1)", list(ids))
        return {r["id"]: _indicator(r) for r in rows}

    async def listed(self, goal_id: uuid.UUID | None, source: IndicatorSource | None) -> list[Indicator]:
        rows = await self._conn.fetch(
            """SELECT i.* FROM indicators i
               WHERE ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM indicator_goals ig
                                                  WHERE ig.indicator_id = i.id AND ig.goal_id = $1))
                 AND ($2::text IS NULL OR i.source = $2)
               ORDER BY i.name, i.id""",
            goal_id,
            str(source) if source else None,
        )
        return [_indicator(r) for r in rows]

    async def ids_by_kpi(self, kpis: Sequence[str]) -> dict[str, uuid.UUID]:
        rows = await self._conn.fetch(
            "SELECT kolada_kpi_id, id FROM indicators WHERE kolada_kpi_id = ANY($1)", list(kpis)
        )
        return {r["kolada_kpi_id"]: r["id"] for r in rows}

    async def link(self, indicator_id: uuid.UUID, goal_id: uuid.UUID) -> None:
        await self._conn.execute(
            "INSERT INTO indicator_goals (indicator_id, goal_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            indicator_id,
            goal_id,
        )

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Indicator]]:
        rows = await self._conn.fetch(
            """SELECT ig.goal_id, i.* FROM indicator_goals ig JOIN indicators i ON i.id = ig.indicator_id
               WHERE ig.goal_id = ANY($1) ORDER BY i.name, i.id""",
            list(goal_ids),
        )
        out: dict[uuid.UUID, list[Indicator]] = {}
        for r in rows:
            out.setdefault(r["goal_id"], []).append(_indicator(r))
        return out

    async def goals_of(self, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await self._conn.fetch(
            """SELECT ig.indicator_id, ig.goal_id FROM indicator_goals ig
               LEFT JOIN projected_goals g ON g.id = ig.goal_id
               WHERE ig.indicator_id = ANY($1) ORDER BY g.title, ig.goal_id""",
            list(indicator_ids),
        )
        return group(rows, "indicator_id", "goal_id")

    async def set_target(self, indicator_id: uuid.UUID, year: int, value: float) -> None:
        await self._conn.execute(
            """INSERT INTO indicator_targets (indicator_id, year, value) VALUES ($1, $2, $3)
               ON CONFLICT (indicator_id, year) DO UPDATE SET value = $3""",
            indicator_id,
            year,
            value,
        )

    async def targets_of(self, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
        rows = await self._conn.fetch(
            "SELECT * FROM indicator_targets WHERE indicator_id = ANY($1) ORDER BY year", list(indicator_ids)
        )
        out: dict[uuid.UUID, list[Target]] = {}
        for r in rows:
            out.setdefault(r["indicator_id"], []).append(Target(r["indicator_id"], r["year"], r["value"]))
        return out

    async def targets_for_year(self, indicator_ids: Sequence[uuid.UUID], year: int) -> dict[uuid.UUID, Target]:
        rows = await self._conn.fetch(
            "SELECT * FROM indicator_targets WHERE indicator_id = ANY($1) AND year = $2", list(indicator_ids), year
        )
        return {r["indicator_id"]: Target(r["indicator_id"], r["year"], r["value"]) for r in rows}

    async def measurements_of(
        self,
        indicator_ids: Sequence[uuid.UUID],
        *,
        min_year: int | None = None,
        max_year: int | None = None,
        municipality: str | None = None,
    ) -> dict[uuid.UUID, list[Measurement]]:
        """Measurements, by year then period; with ``municipality``, only own ones and that municipality's."""
        rows = await self._conn.fetch(
            """SELECT m.* FROM measurements m LEFT JOIN reporting_periods p ON p.id = m.period_id
               WHERE m.indicator_id = ANY($1)
                 AND ($2::int IS NULL OR m.year >= $2) AND ($3::int IS NULL OR m.year <= $3)
                 AND ($4::text IS NULL OR m.municipality_id IS NULL OR m.municipality_id = $4)
               ORDER BY m.year, p.ends_on NULLS LAST, p.starts_on, m.municipality_id NULLS FIRST, m.gender DESC""",
            list(indicator_ids),
            min_year,
            max_year,
            municipality,
        )
        out: dict[uuid.UUID, list[Measurement]] = {}
        for r in rows:
            out.setdefault(r["indicator_id"], []).append(_measurement(r))
        return out

    async def upsert_measurement(self, m: Measurement, source: IndicatorSource) -> None:
        await self._conn.execute(
            """INSERT INTO measurements
                   (indicator_id, year, period_id, municipality_id, gender, value, status, count, source)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT ON CONSTRAINT measurements_key DO UPDATE
                   SET value = $6, status = $7, count = $8, source = $9, recorded_at = now()""",
            m.indicator_id,
            m.year,
            m.period_id,
            m.municipality_id,
            m.gender,
            m.value,
            m.status,
            m.count,
            str(source),
        )

    async def write_kolada_measurements(self, writes: Sequence[MeasurementWrite]) -> None:
        if not writes:
            return
        await self._conn.execute(
            """INSERT INTO measurements (indicator_id, year, municipality_id, gender, value, status, count, source)
               SELECT w.*, 'KOLADA' FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[],
                                                $5::float8[], $6::text[], $7::int[]) AS w
               ON CONFLICT ON CONSTRAINT measurements_key DO UPDATE
                   SET value = excluded.value, status = excluded.status, count = excluded.count,
                       source = excluded.source, recorded_at = now()""",
            [w.indicator_id for w in writes],
            [w.year for w in writes],
            [w.municipality for w in writes],
            [w.gender for w in writes],
            [w.value for w in writes],
            [w.status for w in writes],
            [w.count for w in writes],
        )

    async def delete_kolada_measurements(self, deletes: Sequence[MeasurementDelete]) -> int:
        if not deletes:
            return 0
        deleted = await self._conn.fetchval(
            """WITH gone AS (
                   DELETE FROM measurements m
                   USING unnest($1::uuid[], $2::int[], $3::text[], $4::text[])
                         AS d(indicator_id, year, municipality, gender)
                   WHERE m.indicator_id = d.indicator_id AND m.year = d.year AND m.period_id IS NULL
                     AND m.municipality_id = d.municipality AND m.gender = d.gender
                   RETURNING 1)
               SELECT count(*) FROM gone""",
            [d.indicator_id for d in deletes],
            [d.year for d in deletes],
            [d.municipality for d in deletes],
            [d.gender for d in deletes],
        )
        return int(deleted)
