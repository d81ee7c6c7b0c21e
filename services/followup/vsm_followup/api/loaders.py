"""Per-request DataLoaders: every relation costs a fixed number of queries per level, not one per row."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TypeVar

import asyncpg
from strawberry.dataloader import DataLoader

from vsm_common.errors import NotFound
from vsm_common.loaders import batch_many, batch_one

from .. import queries
from ..domain.indicators import Outcome
from ..domain.model import Action, Assessment, Fulfilment, Indicator, Measurement, ReportingPeriod, Target
from ..queries import ReportData
from ..settings import FollowupSettings

K = uuid.UUID
V = TypeVar("V")
GoalPeriod = tuple[uuid.UUID, uuid.UUID]
# A roll-up is asked for a goal (or a report for an organisation) in a period, or none, over the
# structure of a date (None: the default, the period's last day or today).
GoalMaybePeriodAsOf = tuple[uuid.UUID, uuid.UUID | None, date | None]
GoalPeriodAsOf = tuple[uuid.UUID, uuid.UUID, date | None]


def _by_period(keys: Sequence[tuple[uuid.UUID, V]]) -> dict[V, list[uuid.UUID]]:
    groups: dict[V, list[uuid.UUID]] = {}
    for first, period in keys:
        groups.setdefault(period, []).append(first)
    return groups


def _by_period_as_of(keys: Sequence[tuple[uuid.UUID, V, date | None]]) -> dict[tuple[V, date | None], list[K]]:
    return _by_period([(first, (period, as_of)) for first, period, as_of in keys])


class Loaders:
    def __init__(self, pool: asyncpg.Pool, settings: FollowupSettings) -> None:
        self.period: DataLoader[K, ReportingPeriod | None] = batch_one(pool, queries.periods_by_ids)
        self.indicator: DataLoader[K, Indicator | None] = batch_one(pool, queries.indicators_by_ids)
        self.action: DataLoader[K, Action | None] = batch_one(pool, queries.actions_by_ids)
        self.goal_indicators: DataLoader[K, list[Indicator]] = batch_many(pool, queries.indicators_of_goals)
        self.indicator_goal_ids: DataLoader[K, list[K]] = batch_many(pool, queries.goals_of_indicators)
        self.targets: DataLoader[K, list[Target]] = batch_many(pool, queries.targets_of)
        self.measurements: DataLoader[K, list[Measurement]] = batch_many(pool, queries.measurements_of)
        self.goal_assessments: DataLoader[K, list[Assessment]] = batch_many(pool, queries.assessments_of_goals)
        self.goal_actions: DataLoader[K, list[Action]] = batch_many(pool, queries.actions_of_goals)

        async def periods_of(ids: Iterable[uuid.UUID | None]) -> dict[K, ReportingPeriod]:
            """Through the period loader: the fields asking for a period have usually loaded it (periodId must
            exist), so this costs no statement (the dashboard: one statement and pool round trip fewer)."""
            wanted = list({p for p in ids if p is not None})
            return {p.id: p for p in await self.period.load_many(wanted) if p is not None} if wanted else {}

        async def fulfilment(keys: list[GoalMaybePeriodAsOf]) -> list[Fulfilment | BaseException]:
            found: dict[GoalMaybePeriodAsOf, Fulfilment] = {}
            groups = _by_period_as_of(keys)
            known = await periods_of(period_id for period_id, _ in groups)
            async with pool.acquire() as conn:
                # One tree load per distinct period and date asked for (usually one per request).
                for (period_id, as_of), goal_ids in groups.items():
                    period = known.get(period_id) if period_id is not None else None
                    if period_id is not None and period is None:
                        continue
                    for goal_id, f in (await queries.fulfilments(conn, goal_ids, period, settings, as_of)).items():
                        found[(goal_id, period_id, as_of)] = f
            return [found.get(k) or _no_period(k[1]) for k in keys]

        async def outcomes(keys: list[GoalPeriod]) -> list[list[Outcome]]:
            found: dict[GoalPeriod, list[Outcome]] = {}
            groups = _by_period(keys)
            known = await periods_of(groups)
            async with pool.acquire() as conn:
                for period_id, goal_ids in groups.items():
                    if period_id in known:
                        for goal_id, results in (
                            await queries.outcomes(conn, goal_ids, known[period_id], settings)
                        ).items():
                            found[(goal_id, period_id)] = results
            return [found.get(k, []) for k in keys]

        async def assessment(keys: list[GoalPeriod]) -> list[Assessment | None]:
            async with pool.acquire() as conn:
                found = await queries.assessments_by_keys(conn, keys)
            return [found.get(k) for k in keys]

        async def report(keys: list[GoalPeriodAsOf]) -> list[ReportData | BaseException]:
            found: dict[GoalPeriodAsOf, ReportData] = {}
            groups = _by_period_as_of(keys)
            known = await periods_of(period_id for period_id, _ in groups)
            async with pool.acquire() as conn:
                for (period_id, as_of), org_ids in groups.items():
                    if period_id in known:
                        reports = await queries.reports(conn, org_ids, known[period_id], settings, as_of)
                        for org_id, data in reports.items():
                            found[(org_id, period_id, as_of)] = data
            return [found.get(k) or _no_period(k[1]) for k in keys]

        self.fulfilment: DataLoader[GoalMaybePeriodAsOf, Fulfilment] = DataLoader(load_fn=fulfilment)
        self.outcomes: DataLoader[GoalPeriod, list[Outcome]] = DataLoader(load_fn=outcomes)
        self.assessment: DataLoader[GoalPeriod, Assessment | None] = DataLoader(load_fn=assessment)
        self.report: DataLoader[GoalPeriodAsOf, ReportData] = DataLoader(load_fn=report)


def _no_period(period_id: uuid.UUID | None) -> NotFound:
    return NotFound(f"no reporting period {period_id}", field="periodId", rule="period.exists")
