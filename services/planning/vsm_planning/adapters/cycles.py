"""Planning cycles (planeringscykler) with their phases (faser) and analysis sections."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import (
    AnalysisSection,
    AnalysisSectionKind,
    CycleKind,
    Phase,
    PhaseKind,
    PhaseState,
    PlanningCycle,
)
from .rows import Ids

_CYCLE = "id, kind, start_year, end_year, title"


def _section(r: asyncpg.Record) -> AnalysisSection:
    return AnalysisSection(AnalysisSectionKind(r["kind"]), r["text"], r["version"], r["updated_at"])


class SqlCycles:
    """Planning cycles with their phases and analysis sections."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def serialise_openings(self) -> None:
        """Wait for, and hold until the transaction ends, the lock that lets one cycle be opened at a time."""
        await self._conn.execute("SELECT pg_advisory_xact_lock(hashtext('vsm.planning.open_cycle'))")

    async def _with_phases(self, rows: Sequence[asyncpg.Record]) -> list[PlanningCycle]:
        phase_rows = await self._conn.fetch(
            "SELECT * FROM cycle_phases WHERE cycle_id = ANY($1) ORDER BY cycle_id, position", [r["id"] for r in rows]
        )
        phases: dict[uuid.UUID, list[Phase]] = {}
        for p in phase_rows:
            phases.setdefault(p["cycle_id"], []).append(
                Phase(
                    PhaseKind(p["kind"]),
                    PhaseState(p["state"]),
                    p["opens_on"],
                    p["due_on"],
                    p["responsible_id"],
                    p["completed_on"],
                )
            )
        return [
            PlanningCycle(
                r["id"],
                CycleKind(r["kind"]),
                r["start_year"],
                r["end_year"],
                r["title"],
                tuple(phases.get(r["id"], [])),
            )
            for r in rows
        ]

    async def add(self, cycle: PlanningCycle) -> bool:
        """Insert with its phases; False when a cycle of that kind and start year exists."""
        inserted = await self._conn.fetchval(
            """INSERT INTO planning_cycles (id, kind, start_year, end_year, title) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT DO NOTHING RETURNING true""",
            cycle.id,
            cycle.kind.value,
            cycle.start_year,
            cycle.end_year,
            cycle.title,
        )
        if not inserted:
            return False
        await self._conn.executemany(
            """INSERT INTO cycle_phases (cycle_id, position, kind, state, opens_on, due_on, responsible_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            [
                (cycle.id, i, p.kind.value, p.state.value, p.opens_on, p.due_on, p.responsible_id)
                for i, p in enumerate(cycle.phases)
            ],
        )
        return True

    async def save_phase(self, cycle_id: uuid.UUID, phase: Phase) -> None:
        await self._conn.execute(
            """UPDATE cycle_phases SET state = $3, opens_on = $4, due_on = $5, responsible_id = $6, completed_on = $7
               WHERE cycle_id = $1 AND kind = $2""",
            cycle_id,
            phase.kind.value,
            phase.state.value,
            phase.opens_on,
            phase.due_on,
            phase.responsible_id,
            phase.completed_on,
        )

    async def save_phases(self, cycle_id: uuid.UUID, phases: Sequence[Phase]) -> None:
        # DONE first, so the one-open-phase index never sees two open phases mid-statement.
        for phase in sorted(phases, key=lambda p: p.state is PhaseState.OPEN):
            await self.save_phase(cycle_id, phase)

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, PlanningCycle]:
        rows = await self._conn.fetch(f"SELECT {_CYCLE} FROM planning_cycles WHERE id = ANY($1)", list(ids))
        return {c.id: c for c in await self._with_phases(rows)}

    async def lock(self, cycle_id: uuid.UUID, *, share: bool = False) -> PlanningCycle | None:
        """Lock the cycle: exclusively to change its phases, shared to work within its current phase (the
        phase cannot move on under a change it allowed, while changes in one phase run side by side)."""
        mode = "SHARE" if share else "UPDATE"
        rows = await self._conn.fetch(f"SELECT {_CYCLE} FROM planning_cycles WHERE id = $1 FOR {mode}", cycle_id)
        found = await self._with_phases(rows)
        return found[0] if found else None

    async def of_kind(self, kind: CycleKind | None) -> list[PlanningCycle]:
        rows = await self._conn.fetch(
            f"SELECT {_CYCLE} FROM planning_cycles WHERE $1::text IS NULL OR kind = $1 ORDER BY kind, start_year",
            kind.value if kind else None,
        )
        return await self._with_phases(rows)

    async def write_section(self, cycle_id: uuid.UUID, kind: AnalysisSectionKind, text: str) -> AnalysisSection | None:
        """Store a section's text; None when it already says exactly that (nothing changed)."""
        row = await self._conn.fetchrow(
            """INSERT INTO analysis_sections (cycle_id, kind, text) VALUES ($1, $2, $3)
               ON CONFLICT (cycle_id, kind) DO UPDATE SET text = $3, version = analysis_sections.version + 1,
                   updated_at = now()
               WHERE analysis_sections.text IS DISTINCT FROM $3
               RETURNING kind, text, version, updated_at""",
            cycle_id,
            kind.value,
            text,
        )
        return _section(row) if row else None

    async def sections_of(self, ids: Ids) -> dict[uuid.UUID, list[AnalysisSection]]:
        rows = await self._conn.fetch(
            """SELECT cycle_id, kind, text, version, updated_at FROM analysis_sections WHERE cycle_id = ANY($1)
               ORDER BY cycle_id, array_position(ARRAY['EXTERNAL_ANALYSIS','INTERNAL_ANALYSIS','BASE_FACTS'], kind)""",
            list(ids),
        )
        out: dict[uuid.UUID, list[AnalysisSection]] = {}
        for r in rows:
            out.setdefault(r["cycle_id"], []).append(_section(r))
        return out
