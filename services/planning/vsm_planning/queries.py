"""The read side of planning, for the API's loaders and resolvers and for the seed: loader-shaped reads
(a connection and ids) over the same ``adapters`` the use cases write through, and answers computed from
several of them (the goals plans serve on a date, the sammanställning)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import asyncpg

from vsm_common.clock import today
from vsm_common.errors import NotFound

from .adapters.cycles import SqlCycles
from .adapters.directive_content import SqlDirectiveContent
from .adapters.directives import SqlDirectives
from .adapters.establishments import SqlEstablishments
from .adapters.goal_projection import SqlKnownGoals, SqlKnownOrganizations
from .adapters.plans import SqlPlans
from .adapters.rows import Ids
from .domain import cycles, structure
from .domain.compilation import compile_cycle
from .domain.model import (
    AnalysisSection,
    Assignment,
    BudgetFrame,
    BudgetLine,
    Compilation,
    CycleKind,
    Directive,
    DirectiveKind,
    DirectiveState,
    GoalEstablishment,
    GoalLink,
    KnownGoal,
    KnownOrganization,
    OperationalPlan,
    PlanningCycle,
)


# ---------------------------------------------------------------- reads of one repository
async def links_of_goals(conn: asyncpg.Connection, child_ids: Ids) -> dict[uuid.UUID, list[GoalLink]]:
    return await SqlKnownGoals(conn).links_of(child_ids)


async def known_organizations(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, KnownOrganization]:
    return await SqlKnownOrganizations(conn).by_ids(ids)


async def known_goals(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, KnownGoal]:
    return await SqlKnownGoals(conn).by_ids(ids)


async def goal_establishments(conn: asyncpg.Connection, subject_ids: Ids) -> dict[uuid.UUID, GoalEstablishment]:
    return await SqlEstablishments(conn).by_ids(subject_ids)


async def cycles_by_ids(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, PlanningCycle]:
    return await SqlCycles(conn).by_ids(ids)


async def list_cycles(conn: asyncpg.Connection, kind: CycleKind | None) -> list[PlanningCycle]:
    return await SqlCycles(conn).of_kind(kind)


async def sections_of_cycles(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, list[AnalysisSection]]:
    return await SqlCycles(conn).sections_of(ids)


async def directives_by_ids(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, Directive]:
    return await SqlDirectives(conn).by_ids(ids)


async def lineage_revision(conn: asyncpg.Connection, lineage_id: uuid.UUID, state: DirectiveState) -> Directive | None:
    return await SqlDirectives(conn).lineage_revision(lineage_id, state)


async def revisions_of_lineages(conn: asyncpg.Connection, lineage_ids: Ids) -> dict[uuid.UUID, list[Directive]]:
    return await SqlDirectives(conn).revisions_of_lineages(lineage_ids)


async def superseding(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, Directive]:
    return await SqlDirectives(conn).superseding(ids)


async def list_directives(
    conn: asyncpg.Connection, budget_year: int | None, state: DirectiveState | None, kind: DirectiveKind | None
) -> list[Directive]:
    return await SqlDirectives(conn).listed(budget_year, state, kind)


async def directives_of_cycles(conn: asyncpg.Connection, cycle_ids: Ids) -> dict[uuid.UUID, list[Directive]]:
    return await SqlDirectives(conn).of_cycles(cycle_ids)


async def directives_of_organizations(
    conn: asyncpg.Connection, org_ids: Ids, budget_year: int | None
) -> dict[uuid.UUID, list[Directive]]:
    return await SqlDirectives(conn).of_organizations(org_ids, budget_year)


async def establishing_directive(conn: asyncpg.Connection, goal_ids: Ids) -> dict[uuid.UUID, Directive]:
    return await SqlDirectives(conn).establishing(goal_ids)


async def recipients_of(conn: asyncpg.Connection, directive_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
    return await SqlDirectiveContent(conn).recipients_of(directive_ids)


async def frames_of(conn: asyncpg.Connection, directive_ids: Ids) -> dict[uuid.UUID, list[BudgetFrame]]:
    return await SqlDirectiveContent(conn).frames_of(directive_ids)


async def goals_of(conn: asyncpg.Connection, directive_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
    return await SqlDirectiveContent(conn).goals_of(directive_ids)


async def assignments_of(conn: asyncpg.Connection, directive_ids: Ids) -> dict[uuid.UUID, list[Assignment]]:
    return await SqlDirectiveContent(conn).assignments_of(directive_ids)


async def frames_in_force(
    conn: asyncpg.Connection, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], list[tuple[uuid.UUID, BudgetFrame]]]:
    return await SqlDirectiveContent(conn).frames_in_force(keys)


async def frames_of_organizations_for_year(
    conn: asyncpg.Connection, org_ids: Ids, year: int
) -> dict[uuid.UUID, list[tuple[uuid.UUID, BudgetFrame]]]:
    return await SqlDirectiveContent(conn).frames_of_organizations_for_year(org_ids, year)


async def tax_rates_of_cycles(conn: asyncpg.Connection, cycle_ids: Ids) -> dict[uuid.UUID, Decimal]:
    return await SqlDirectives(conn).tax_rates_of_cycles(cycle_ids)


async def plans_by_ids(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, OperationalPlan]:
    return await SqlPlans(conn).by_ids(ids)


async def plan_for(conn: asyncpg.Connection, cycle_id: uuid.UUID, org_id: uuid.UUID) -> OperationalPlan | None:
    return await SqlPlans(conn).plan_for(cycle_id, org_id)


async def list_plans(
    conn: asyncpg.Connection, cycle_id: uuid.UUID | None, org_id: uuid.UUID | None
) -> list[OperationalPlan]:
    return await SqlPlans(conn).listed(cycle_id, org_id)


async def plans_of_cycles(conn: asyncpg.Connection, cycle_ids: Ids) -> dict[uuid.UUID, list[OperationalPlan]]:
    return await SqlPlans(conn).of_cycles(cycle_ids)


async def plans_of_organizations(
    conn: asyncpg.Connection, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], OperationalPlan]:
    return await SqlPlans(conn).of_organizations(keys)


async def plans_of_goals(conn: asyncpg.Connection, goal_ids: Ids) -> dict[uuid.UUID, list[OperationalPlan]]:
    return await SqlPlans(conn).of_goals(goal_ids)


async def goal_ids_of_plans(conn: asyncpg.Connection, plan_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
    return await SqlPlans(conn).goal_ids_of(plan_ids)


async def budget_lines_of(conn: asyncpg.Connection, plan_ids: Ids) -> dict[uuid.UUID, list[BudgetLine]]:
    return await SqlPlans(conn).budget_lines_of(plan_ids)


async def adopted_recipients(conn: asyncpg.Connection, cycle_id: uuid.UUID) -> list[uuid.UUID]:
    return await SqlDirectiveContent(conn).adopted_recipients(cycle_id)


async def concrete_goal_recipients(conn: asyncpg.Connection, cycle_id: uuid.UUID) -> dict[uuid.UUID, list[uuid.UUID]]:
    return await SqlDirectiveContent(conn).concrete_goal_recipients(cycle_id)


# ---------------------------------------------------------------- the goal structure of plans, on a date
async def served_goals(
    conn: asyncpg.Connection, plan_ids: Sequence[uuid.UUID], as_of: date | None
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Per plan: the goals its verksamhetsmål serve, as the structure stands today or stood on ``as_of``."""
    goal_ids = await goal_ids_of_plans(conn, plan_ids)
    children = list({g for ids in goal_ids.values() for g in ids})
    links = await links_of_goals(conn, children)
    goals = {}
    if as_of is not None:
        goals = await known_goals(conn, children + list({ln.parent_id for ls in links.values() for ln in ls}))
    return structure.served_by_plans(goal_ids, links, goals, as_of, today())


# ---------------------------------------------------------------- sammanställning
async def compilation(conn: asyncpg.Connection, cycle_id: uuid.UUID, as_of: date | None = None) -> Compilation:
    cycle = (await cycles_by_ids(conn, [cycle_id])).get(cycle_id)
    if cycle is None:
        raise NotFound(f"no planning cycle {cycle_id}", field="cycleId", rule="cycle.exists")
    cycles.require_kind(cycle, CycleKind.ANNUAL, "a sammanställning of verksamhetsplaner")
    plans = (await plans_of_cycles(conn, [cycle.id])).get(cycle.id, [])
    goal_recipients = await concrete_goal_recipients(conn, cycle.id)
    if as_of is not None:
        # A konkretiserat mål not in force on the date was nothing a plan could serve then.
        concrete = await known_goals(conn, list(goal_recipients))
        in_force = set(structure.goals_on(list(goal_recipients), concrete, as_of))
        goal_recipients = {g: orgs for g, orgs in goal_recipients.items() if g in in_force}
    return compile_cycle(
        cycle.id,
        plans,
        await adopted_recipients(conn, cycle.id),
        goal_recipients,
        await served_goals(conn, [p.id for p in plans], as_of),
        as_of,
    )
