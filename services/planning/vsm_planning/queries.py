"""The read side of planning: answers computed from several rows, for the API's loaders and resolvers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import asyncpg

from vsm_common.clock import today
from vsm_common.errors import NotFound

from .adapters import repository as repo
from .domain import cycles, structure
from .domain.compilation import compile_cycle
from .domain.model import Compilation, CycleKind


# ---------------------------------------------------------------- the goal structure of plans, on a date
async def served_goals(
    conn: asyncpg.Connection, plan_ids: Sequence[uuid.UUID], as_of: date | None
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Per plan: the goals its verksamhetsmål serve, as the structure stands today or stood on ``as_of``."""
    goal_ids = await repo.goal_ids_of_plans(conn, plan_ids)
    children = list({g for ids in goal_ids.values() for g in ids})
    links = await repo.links_of_goals(conn, children)
    goals = {}
    if as_of is not None:
        goals = await repo.known_goals(conn, children + list({ln.parent_id for ls in links.values() for ln in ls}))
    return structure.served_by_plans(goal_ids, links, goals, as_of, today())


# ---------------------------------------------------------------- sammanställning
async def compilation(conn: asyncpg.Connection, cycle_id: uuid.UUID, as_of: date | None = None) -> Compilation:
    cycle = (await repo.cycles_by_ids(conn, [cycle_id])).get(cycle_id)
    if cycle is None:
        raise NotFound(f"no planning cycle {cycle_id}", field="cycleId", rule="cycle.exists")
    cycles.require_kind(cycle, CycleKind.ANNUAL, "a sammanställning of verksamhetsplaner", "cycleId")
    plans = (await repo.plans_of_cycles(conn, [cycle.id])).get(cycle.id, [])
    goal_recipients = await repo.concrete_goal_recipients(conn, cycle.id)
    if as_of is not None:
        # A konkretiserat mål not in force on the date was nothing a plan could serve then.
        concrete = await repo.known_goals(conn, list(goal_recipients))
        in_force = set(structure.goals_on(list(goal_recipients), concrete, as_of))
        goal_recipients = {g: orgs for g, orgs in goal_recipients.items() if g in in_force}
    return compile_cycle(
        cycle.id,
        plans,
        await repo.adopted_recipients(conn, cycle.id),
        goal_recipients,
        await served_goals(conn, [p.id for p in plans], as_of),
        as_of,
    )
