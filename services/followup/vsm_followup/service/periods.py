"""Use cases of reporting periods (uppföljningsperioder): define a year's, close one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from vsm_common import contracts
from vsm_common.errors import NotFound

from ..domain import periods
from ..domain.errors import TARGET
from ..domain.model import PeriodKind, ReportingPeriod
from ..ports import FollowupUnitOfWork
from . import events


async def define_periods(uow: FollowupUnitOfWork, year: int, kinds: Sequence[PeriodKind]) -> list[ReportingPeriod]:
    """Define the year's periods of ``kinds``; those already defined are returned as they are."""
    specs = periods.period_specs(year, kinds)
    async with uow:
        for p in await uow.periods.add_many(year, specs):
            await uow.emit(contracts.followup.PERIOD_DEFINED, str(p.id), events.period_defined(p))
        return await uow.periods.by_labels(year, [s.label for s in specs])


async def close_period(uow: FollowupUnitOfWork, period_id: uuid.UUID) -> ReportingPeriod:
    """Close a period, freezing its assessments; closing it again changes nothing and tells no one."""
    async with uow:
        period = await uow.periods.lock(period_id, exclusive=True)
        if period is None:
            raise NotFound(f"no reporting period {period_id}", key=TARGET, rule="period.exists")
        if period.closed:
            return period
        period, closed_at, frozen = await uow.periods.close(period_id)
        await uow.emit(
            contracts.followup.PERIOD_CLOSED, str(period.id), events.period_closed(period, closed_at, frozen)
        )
    return period
