"""SQL for medarbetarmål and their access log. Bulk paths use COPY: batches are 10,000 rows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

import asyncpg

from vsm_common.cursors import Counts, PageWindow, beyond_cursors, keyset_condition

from ..domain.model import AccessLogEntry, EmployeeGoal, GoalState

_COLUMNS = "id, seq, source_system, external_id, employee_ref, unit_id, operational_goal_id, title, state, updated_at"


def _row(r: asyncpg.Record) -> EmployeeGoal:
    return EmployeeGoal(
        id=r["id"],
        source_system=r["source_system"],
        external_id=r["external_id"],
        employee_ref=r["employee_ref"],
        unit_id=r["unit_id"],
        operational_goal_id=r["operational_goal_id"],
        title=r["title"],
        state=GoalState(r["state"]),
        updated_at=r["updated_at"],
    )


class SqlEmployeeGoals:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def existing_by_external_id(self, source_system: str, external_ids: Sequence[str]) -> dict[str, EmployeeGoal]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM employee_goals WHERE source_system = $1 AND external_id = ANY($2) FOR UPDATE",
            source_system,
            list(external_ids),
        )
        return {r["external_id"]: _row(r) for r in rows}

    async def write_batch(self, rows: Sequence[EmployeeGoal]) -> None:
        """Insert or update ``rows`` in three statements, whatever the batch size."""
        if not rows:
            return
        await self._conn.execute(
            """CREATE TEMP TABLE employee_goals_in (
                   id uuid, source_system text, external_id text, employee_ref text,
                   unit_id uuid, operational_goal_id uuid, title text) ON COMMIT DROP"""
        )
        await self._conn.copy_records_to_table(
            "employee_goals_in",
            records=[
                (r.id, r.source_system, r.external_id, r.employee_ref, r.unit_id, r.operational_goal_id, r.title)
                for r in rows
            ],
        )
        await self._conn.execute(
            """INSERT INTO employee_goals
                   (id, source_system, external_id, employee_ref, unit_id, operational_goal_id, title)
               SELECT id, source_system, external_id, employee_ref, unit_id, operational_goal_id, title
               FROM employee_goals_in
               ON CONFLICT (source_system, external_id) DO UPDATE SET
                   employee_ref = excluded.employee_ref, unit_id = excluded.unit_id,
                   operational_goal_id = excluded.operational_goal_id, title = excluded.title, updated_at = now()"""
        )
        await self._conn.execute("DROP TABLE employee_goals_in")

    async def page(
        self,
        *,
        employee_ref: str | None,
        unit_id: uuid.UUID | None,
        operational_goal_id: uuid.UUID | None,
        window: PageWindow,
    ) -> tuple[list[tuple[int, EmployeeGoal]], Counts]:
        """One window of the filter in ``seq`` order (either way) and its counts, as goals are paged."""
        where = """($1::text IS NULL OR employee_ref = $1) AND ($2::uuid IS NULL OR unit_id = $2)
                   AND ($3::uuid IS NULL OR operational_goal_id = $3)"""
        args = [employee_ref, unit_id, operational_goal_id]
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM employee_goals WHERE {where} AND {keyset_condition('seq', 4, 5)} "
            f"ORDER BY seq {window.order} LIMIT $6",
            *args,
            window.after,
            window.before,
            window.limit,
        )
        counted = await self._conn.fetchrow(
            f"SELECT {beyond_cursors('seq', 4, 5)} FROM employee_goals WHERE {where}",
            *args,
            window.after,
            window.before,
        )
        return [(r["seq"], _row(r)) for r in rows], Counts(**dict(counted))

    async def by_employee(self, employee_ref: str) -> list[EmployeeGoal]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM employee_goals WHERE employee_ref = $1 ORDER BY seq", employee_ref
        )
        return [_row(r) for r in rows]

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, EmployeeGoal]:
        rows = await self._conn.fetch(f"SELECT {_COLUMNS} FROM employee_goals WHERE id = ANY($1)", list(ids))
        return {r["id"]: _row(r) for r in rows}

    async def log_access(self, actor: str, purpose: str, operation: str, counts: Mapping[str, int]) -> None:
        await self._conn.executemany(
            "INSERT INTO employee_goal_access_log (actor, employee_ref, purpose, operation, goal_count) "
            "VALUES ($1, $2, $3, $4, $5)",
            [(actor, ref, purpose, operation, n) for ref, n in counts.items()],
        )

    async def access_log_of(self, employee_ref: str) -> list[AccessLogEntry]:
        rows = await self._conn.fetch(
            "SELECT accessed_at, actor, purpose, operation, goal_count FROM employee_goal_access_log "
            "WHERE employee_ref = $1 ORDER BY accessed_at, id",
            employee_ref,
        )
        return [
            AccessLogEntry(r["accessed_at"], r["actor"], r["purpose"], r["operation"], r["goal_count"]) for r in rows
        ]

    async def delete_older_than(self, cutoff: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """Remove medarbetarmål not changed since ``cutoff``; returns (id, operational goal id) of each."""
        rows = await self._conn.fetch(
            "DELETE FROM employee_goals WHERE updated_at < $1 RETURNING id, operational_goal_id", cutoff
        )
        return [(r["id"], r["operational_goal_id"]) for r in rows]
