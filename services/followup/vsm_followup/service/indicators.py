"""Use cases of indicators (nyckeltal): define, link to goals, targets (målvärden), measurements (utfall),
the Kolada import; and the outcomes of goals' indicators in a period, which assessing reads too."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from vsm_common.errors import Conflict, DomainError

from ..domain import indicators, kolada
from ..domain.indicators import Outcome
from ..domain.model import Direction, Indicator, IndicatorSource, Measurement, ReportingPeriod
from ..ports import FollowupUnitOfWork, Indicators
from ..settings import FollowupSettings
from . import lookups


@dataclass(frozen=True)
class NewIndicator:
    name: str
    unit: str
    direction: Direction
    source: IndicatorSource
    kolada_kpi_id: str | None = None
    owner_id: uuid.UUID | None = None
    baseline: float | None = None
    baseline_year: int | None = None


async def define_indicator(
    uow: FollowupUnitOfWork, new: NewIndicator, indicator_id: uuid.UUID | None = None
) -> Indicator:
    name, unit, kpi = indicators.check_indicator(new.name, new.unit, new.source, new.kolada_kpi_id, new.baseline_year)
    baseline = indicators.check_value(new.baseline, "baseline") if new.baseline is not None else None
    ind = Indicator(
        id=indicator_id or uuid.uuid4(),
        name=name,
        unit=unit,
        direction=new.direction,
        source=new.source,
        kolada_kpi_id=kpi,
        owner_id=new.owner_id,
        baseline=baseline,
        baseline_year=new.baseline_year,
    )
    async with uow:
        if new.owner_id is not None:
            await lookups.organization(uow, new.owner_id, "owner_id")
        if not await uow.indicators.add(ind):
            raise Conflict(
                f"an indicator already follows Kolada KPI {kpi}",
                key="kolada_kpi_id",
                rule="indicator.kolada_kpi_unique",
            )
    return ind


async def link_indicator(uow: FollowupUnitOfWork, indicator_id: uuid.UUID, goal_id: uuid.UUID) -> Indicator:
    async with uow:
        ind = await lookups.indicator(uow, indicator_id)
        goal = await lookups.goal(uow, goal_id)
        if goal.state == "RETIRED":
            raise Conflict("a retired goal gets no new indicators", key="goal_id", rule="goal.retired")
        await uow.indicators.link(indicator_id, goal_id)
    return ind


async def set_target(uow: FollowupUnitOfWork, indicator_id: uuid.UUID, year: int, value: float) -> Indicator:
    indicators.check_year(year)
    value = indicators.check_value(value)
    async with uow:
        ind = await lookups.indicator(uow, indicator_id)
        await uow.indicators.set_target(indicator_id, year, value)
    return ind


async def record_measurement(
    uow: FollowupUnitOfWork,
    indicator_id: uuid.UUID,
    *,
    year: int | None,
    period_id: uuid.UUID | None,
    value: float | None,
    gender: str | None = None,
    municipality_id: str | None = None,
    status: str | None = None,
) -> Indicator:
    """Store a measured value of a year or of a period (an own measurement unless a municipality is named)."""
    g = indicators.check_gender(gender)
    v = indicators.check_value(value) if value is not None else None
    async with uow:
        ind = await lookups.indicator(uow, indicator_id)
        if period_id is not None:
            period = await lookups.period(uow, period_id)
            if year is not None and year != period.year:
                raise DomainError(
                    f"{period.label} lies in {period.year}, not {year}", key="year", rule="measurement.year"
                )
            year = period.year
        if year is None:
            raise DomainError("name the year or the period measured", key="year", rule="measurement.when")
        indicators.check_year(year)
        municipality = municipality_id.strip() if municipality_id and municipality_id.strip() else None
        await uow.indicators.upsert_measurement(
            Measurement(ind.id, year, v, period_id, municipality, g, (status or "").strip() or None), ind.source
        )
    return ind


async def import_kolada(uow: FollowupUnitOfWork, document: str | bytes) -> kolada.ImportResult:
    """Import a Kolada API v3 data response; a malformed one is refused before anything is written."""
    doc = kolada.parse_document(document)
    async with uow:
        known = await uow.indicators.ids_by_kpi(sorted({v.kpi for v in doc.values}))
        plan = kolada.plan_import(doc, known)
        await uow.indicators.write_kolada_measurements(plan.writes)
        deleted = await uow.indicators.delete_kolada_measurements(plan.deletes)
    return kolada.result_of(plan, deleted)


async def outcomes(
    repo: Indicators, goal_ids: Sequence[uuid.UUID], period: ReportingPeriod, settings: FollowupSettings
) -> dict[uuid.UUID, list[Outcome]]:
    """Each goal's indicators against their targets for the period's year: three statements in all.

    Read by assessing (the suggested status) and by the API (``queries.outcomes``), so both count the
    same measurements.
    """
    linked = await repo.of_goals(goal_ids)
    ids = list({i.id for inds in linked.values() for i in inds})
    targets = await repo.targets_for_year(ids, period.year) if ids else {}
    found = (
        await repo.measurements_of(
            ids,
            min_year=period.year - settings.measurement_max_age_years,
            max_year=period.year,
            municipality=settings.municipality,
        )
        if ids
        else {}
    )
    return indicators.outcomes_for_goals(
        goal_ids,
        linked,
        targets,
        found,
        period,
        thresholds=settings.thresholds,
        municipality=settings.municipality,
        max_age_years=settings.measurement_max_age_years,
    )
