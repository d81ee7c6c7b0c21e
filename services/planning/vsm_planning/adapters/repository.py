"""SQL of the planning service. Batch reads take lists of ids (DataLoaders)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import Directive, DirectiveKind, DirectiveState, OperationalPlan, PlanState

_DIRECTIVE = "d.id, d.kind, d.budget_year, d.title, d.state, d.revision"


def _directive(r: asyncpg.Record) -> Directive:
    return Directive(
        r["id"], DirectiveKind(r["kind"]), r["budget_year"], r["title"], DirectiveState(r["state"]), r["revision"]
    )


def _plan(r: asyncpg.Record) -> OperationalPlan:
    return OperationalPlan(r["id"], r["organization_id"], tuple(r["years"]), PlanState(r["state"]))


async def list_directives(
    conn: asyncpg.Connection, budget_year: int | None, state: DirectiveState | None, kind: DirectiveKind | None
) -> list[Directive]:
    rows = await conn.fetch(
        f"""SELECT {_DIRECTIVE} FROM directives d
            WHERE ($1::int IS NULL OR d.budget_year = $1) AND ($2::text IS NULL OR d.state = $2)
              AND ($3::text IS NULL OR d.kind = $3)
            ORDER BY d.budget_year, d.kind, d.revision""",
        budget_year,
        state.value if state else None,
        kind.value if kind else None,
    )
    return [_directive(r) for r in rows]


async def directives_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Directive]:
    rows = await conn.fetch(f"SELECT {_DIRECTIVE} FROM directives d WHERE d.id = ANY($1)", list(ids))
    return {r["id"]: _directive(r) for r in rows}


async def directives_of_organizations(
    conn: asyncpg.Connection, org_ids: Sequence[uuid.UUID], budget_year: int | None
) -> dict[uuid.UUID, list[Directive]]:
    rows = await conn.fetch(
        f"""SELECT r.organization_id, {_DIRECTIVE} FROM directive_recipients r
            JOIN directives d ON d.id = r.directive_id
            WHERE r.organization_id = ANY($1) AND ($2::int IS NULL OR d.budget_year = $2)
            ORDER BY d.budget_year, d.revision""",
        list(org_ids),
        budget_year,
    )
    out: dict[uuid.UUID, list[Directive]] = {}
    for r in rows:
        out.setdefault(r["organization_id"], []).append(_directive(r))
    return out


async def establishing_directive(conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Directive]:
    """The adopted directive that established each goal (the newest revision in force)."""
    rows = await conn.fetch(
        f"""SELECT DISTINCT ON (g.goal_id) g.goal_id, {_DIRECTIVE} FROM directive_goals g
            JOIN directives d ON d.id = g.directive_id
            WHERE g.goal_id = ANY($1) AND d.state = 'ADOPTED'
            ORDER BY g.goal_id, d.revision DESC""",
        list(goal_ids),
    )
    return {r["goal_id"]: _directive(r) for r in rows}


async def plans_of_goals(
    conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OperationalPlan]]:
    rows = await conn.fetch(
        """SELECT pg.goal_id, p.id, p.organization_id, p.years, p.state FROM plan_goals pg
           JOIN operational_plans p ON p.id = pg.plan_id WHERE pg.goal_id = ANY($1) ORDER BY p.years[1]""",
        list(goal_ids),
    )
    out: dict[uuid.UUID, list[OperationalPlan]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(_plan(r))
    return out
