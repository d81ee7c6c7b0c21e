"""Per-request DataLoaders: every relation costs one query per level of the response, not one per row."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from itertools import groupby

import asyncpg
from strawberry.dataloader import DataLoader

from vsm_common.clock import today
from vsm_common.loaders import batch_many, batch_one

from .. import queries
from ..domain import cycles
from ..domain.model import (
    AnalysisSection,
    Assignment,
    BudgetFrame,
    BudgetLine,
    CycleKind,
    Directive,
    GoalEstablishment,
    KnownGoal,
    OperationalPlan,
    PlanningCycle,
)

K = uuid.UUID
OrgYear = tuple[uuid.UUID, int | None]
Pair = tuple[uuid.UUID, uuid.UUID]
FrameOf = tuple[uuid.UUID, BudgetFrame]  # (directive id, frame)


class Loaders:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._current: dict[CycleKind, PlanningCycle | None] = {}

        self.cycle: DataLoader[K, PlanningCycle | None] = batch_one(pool, queries.cycles_by_ids)
        self.cycle_sections: DataLoader[K, list[AnalysisSection]] = batch_many(pool, queries.sections_of_cycles)
        self.cycle_directives: DataLoader[K, list[Directive]] = batch_many(pool, queries.directives_of_cycles)
        self.cycle_plans: DataLoader[K, list[OperationalPlan]] = batch_many(pool, queries.plans_of_cycles)
        self.cycle_tax_rate: DataLoader[K, Decimal | None] = batch_one(pool, queries.tax_rates_of_cycles)

        self.directive: DataLoader[K, Directive | None] = batch_one(pool, queries.directives_by_ids)
        self.recipient_ids: DataLoader[K, list[K]] = batch_many(pool, queries.recipients_of)
        self.frames: DataLoader[K, list[BudgetFrame]] = batch_many(pool, queries.frames_of)
        self.concrete_goal_ids: DataLoader[K, list[K]] = batch_many(pool, queries.goals_of)
        self.assignments: DataLoader[K, list[Assignment]] = batch_many(pool, queries.assignments_of)
        self.revisions: DataLoader[K, list[Directive]] = batch_many(pool, queries.revisions_of_lineages)
        self.superseded_by: DataLoader[K, Directive | None] = batch_one(pool, queries.superseding)

        self.plan: DataLoader[K, OperationalPlan | None] = batch_one(pool, queries.plans_by_ids)
        self.plan_goal_ids: DataLoader[K, list[K]] = batch_many(pool, queries.goal_ids_of_plans)
        self.plan_lines: DataLoader[K, list[BudgetLine]] = batch_many(pool, queries.budget_lines_of)
        self.frames_in_force: DataLoader[Pair, list[FrameOf]] = batch_many(pool, queries.frames_in_force)
        self.org_plan: DataLoader[Pair, OperationalPlan | None] = batch_one(pool, queries.plans_of_organizations)

        self.known_goal: DataLoader[K, KnownGoal | None] = batch_one(pool, queries.known_goals)

        async def plan_served(keys: list[tuple[K, date | None]]) -> list[list[K]]:
            found: dict[tuple[K, date | None], list[K]] = {}
            async with pool.acquire() as conn:
                # One walk of the structure per distinct date asked for in this request (usually one).
                for as_of in dict.fromkeys(k[1] for k in keys):
                    by_plan = await queries.served_goals(conn, [k[0] for k in keys if k[1] == as_of], as_of)
                    for plan_id, goal_ids in by_plan.items():
                        found[(plan_id, as_of)] = goal_ids
            return [found.get(k, []) for k in keys]

        self.plan_served: DataLoader[tuple[K, date | None], list[K]] = DataLoader(load_fn=plan_served)
        self.established_by: DataLoader[K, Directive | None] = batch_one(pool, queries.establishing_directive)
        self.goal_plans: DataLoader[K, list[OperationalPlan]] = batch_many(pool, queries.plans_of_goals)
        # Keyed by directive revision or plan id (their ids never collide).
        self.goal_establishment: DataLoader[K, GoalEstablishment | None] = batch_one(pool, queries.goal_establishments)

        async def org_directives(keys: list[OrgYear]) -> list[list[Directive]]:
            found: dict[OrgYear, list[Directive]] = {}
            async with pool.acquire() as conn:
                # One query per distinct budget year asked for in this request (usually one).
                for year, group in groupby(sorted(keys, key=lambda k: k[1] or 0), key=lambda k: k[1]):
                    by_org = await queries.directives_of_organizations(conn, [k[0] for k in group], year)
                    for org_id, directives in by_org.items():
                        found[(org_id, year)] = directives
            return [found.get(k, []) for k in keys]

        async def org_frames(keys: list[tuple[uuid.UUID, int]]) -> list[list[FrameOf]]:
            found: dict[tuple[uuid.UUID, int], list[FrameOf]] = {}
            async with pool.acquire() as conn:
                for year, group in groupby(sorted(keys, key=lambda k: k[1]), key=lambda k: k[1]):
                    by_org = await queries.frames_of_organizations_for_year(conn, [k[0] for k in group], year)
                    for org_id, frames in by_org.items():
                        found[(org_id, year)] = frames
            return [found.get(k, []) for k in keys]

        self.org_directives: DataLoader[OrgYear, list[Directive]] = DataLoader(load_fn=org_directives)
        self.org_frames: DataLoader[tuple[uuid.UUID, int], list[FrameOf]] = DataLoader(load_fn=org_frames)

    async def current_cycle(self, kind: CycleKind) -> PlanningCycle | None:
        """The current cycle of a kind, looked up once per request."""
        if kind not in self._current:
            async with self._pool.acquire() as conn:
                of_kind = await queries.list_cycles(conn, kind)
            cycle = cycles.current_cycle(of_kind, today())
            self._current[kind] = cycle
            for c in of_kind:
                self.cycle.prime(c.id, c)
        return self._current[kind]
