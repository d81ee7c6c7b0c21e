"""Verksamhetsplaner: the plan, its verksamhetsmål and its internbudget."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import (
    BudgetLine,
    OperationalPlan,
    PlanState,
)
from .rows import Ids, decision_of, group_ids

_PLAN = """p.id, p.cycle_id, p.organization_id, p.years, p.state, p.return_reason,
    p.decision_body_id, p.decision_date, p.decision_paragraph, p.decision_diary_number"""


def _plan(r: asyncpg.Record) -> OperationalPlan:
    return OperationalPlan(
        id=r["id"],
        cycle_id=r["cycle_id"],
        organization_id=r["organization_id"],
        years=tuple(r["years"]),
        state=PlanState(r["state"]),
        adopted=decision_of(r),
        return_reason=r["return_reason"],
    )


class SqlPlans:
    """Verksamhetsplaner with their verksamhetsmål and internbudget."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, p: OperationalPlan) -> bool:
        """Insert; False when the organisation already has a plan in the cycle."""
        return bool(
            await self._conn.fetchval(
                """INSERT INTO operational_plans (id, cycle_id, organization_id, years, state)
                   VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT DO NOTHING RETURNING true""",
                p.id,
                p.cycle_id,
                p.organization_id,
                list(p.years),
                p.state.value,
            )
        )

    async def save(self, p: OperationalPlan) -> None:
        a = p.adopted
        await self._conn.execute(
            """UPDATE operational_plans SET state = $2, return_reason = $3, decision_body_id = $4, decision_date = $5,
                   decision_paragraph = $6, decision_diary_number = $7, updated_at = now()
               WHERE id = $1""",
            p.id,
            p.state.value,
            p.return_reason,
            a.body_id if a else None,
            a.date if a else None,
            a.paragraph if a else None,
            a.diary_number if a else None,
        )

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, OperationalPlan]:
        rows = await self._conn.fetch(f"SELECT {_PLAN} FROM operational_plans p WHERE p.id = ANY($1)", list(ids))
        return {r["id"]: _plan(r) for r in rows}

    async def lock(self, plan_id: uuid.UUID) -> OperationalPlan | None:
        row = await self._conn.fetchrow(f"SELECT {_PLAN} FROM operational_plans p WHERE p.id = $1 FOR UPDATE", plan_id)
        return _plan(row) if row else None

    async def plan_for(self, cycle_id: uuid.UUID, org_id: uuid.UUID) -> OperationalPlan | None:
        row = await self._conn.fetchrow(
            f"SELECT {_PLAN} FROM operational_plans p WHERE p.cycle_id = $1 AND p.organization_id = $2",
            cycle_id,
            org_id,
        )
        return _plan(row) if row else None

    async def listed(self, cycle_id: uuid.UUID | None, org_id: uuid.UUID | None) -> list[OperationalPlan]:
        rows = await self._conn.fetch(
            f"""SELECT {_PLAN} FROM operational_plans p JOIN planning_cycles c ON c.id = p.cycle_id
                WHERE ($1::uuid IS NULL OR p.cycle_id = $1) AND ($2::uuid IS NULL OR p.organization_id = $2)
                ORDER BY c.start_year, p.seq""",
            cycle_id,
            org_id,
        )
        return [_plan(r) for r in rows]

    async def of_cycles(self, cycle_ids: Ids) -> dict[uuid.UUID, list[OperationalPlan]]:
        rows = await self._conn.fetch(
            f"SELECT {_PLAN} FROM operational_plans p WHERE p.cycle_id = ANY($1) ORDER BY p.cycle_id, p.seq",
            list(cycle_ids),
        )
        out: dict[uuid.UUID, list[OperationalPlan]] = {}
        for r in rows:
            out.setdefault(r["cycle_id"], []).append(_plan(r))
        return out

    async def of_organizations(
        self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], OperationalPlan]:
        """Per (organisation, cycle): its plan."""
        rows = await self._conn.fetch(
            f"""SELECT {_PLAN} FROM unnest($1::uuid[], $2::uuid[]) AS k(organization_id, cycle_id)
                JOIN operational_plans p ON p.organization_id = k.organization_id AND p.cycle_id = k.cycle_id""",
            [k[0] for k in keys],
            [k[1] for k in keys],
        )
        return {(r["organization_id"], r["cycle_id"]): _plan(r) for r in rows}

    async def of_goals(self, goal_ids: Ids) -> dict[uuid.UUID, list[OperationalPlan]]:
        rows = await self._conn.fetch(
            f"""SELECT pg.goal_id, {_PLAN} FROM plan_goals pg
                JOIN operational_plans p ON p.id = pg.plan_id
                WHERE pg.goal_id = ANY($1) ORDER BY pg.goal_id, p.years[1]""",
            list(goal_ids),
        )
        out: dict[uuid.UUID, list[OperationalPlan]] = {}
        for r in rows:
            out.setdefault(r["goal_id"], []).append(_plan(r))
        return out

    async def goal_ids_of(self, plan_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await self._conn.fetch(
            "SELECT plan_id, goal_id FROM plan_goals WHERE plan_id = ANY($1) ORDER BY plan_id, position, goal_id",
            list(plan_ids),
        )
        return group_ids(rows, "plan_id", "goal_id")

    async def add_goals(self, plan_id: uuid.UUID, goal_ids: Ids) -> list[uuid.UUID]:
        start = await self._conn.fetchval(
            "SELECT COALESCE(max(position) + 1, 0) FROM plan_goals WHERE plan_id = $1", plan_id
        )
        added: list[uuid.UUID] = []
        for gid in goal_ids:
            if await self._conn.fetchval(
                "INSERT INTO plan_goals (plan_id, goal_id, position) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING RETURNING true",
                plan_id,
                gid,
                start + len(added),
            ):
                added.append(gid)
        return added

    async def replace_budget_lines(self, plan_id: uuid.UUID, lines: Sequence[BudgetLine]) -> None:
        await self._conn.execute("DELETE FROM budget_lines WHERE plan_id = $1", plan_id)
        await self._conn.executemany(
            "INSERT INTO budget_lines (plan_id, position, activity, year, amount) VALUES ($1, $2, $3, $4, $5)",
            [(plan_id, i, ln.activity, ln.year, ln.amount) for i, ln in enumerate(lines)],
        )
        await self._conn.execute("UPDATE operational_plans SET updated_at = now() WHERE id = $1", plan_id)

    async def budget_lines_of(self, plan_ids: Ids) -> dict[uuid.UUID, list[BudgetLine]]:
        rows = await self._conn.fetch(
            "SELECT plan_id, activity, year, amount FROM budget_lines WHERE plan_id = ANY($1) "
            "ORDER BY plan_id, position",
            list(plan_ids),
        )
        out: dict[uuid.UUID, list[BudgetLine]] = {}
        for r in rows:
            out.setdefault(r["plan_id"], []).append(BudgetLine(r["activity"], r["year"], r["amount"]))
        return out
