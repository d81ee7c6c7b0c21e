"""Indicators (nyckeltal): targets, measurements, outcomes, the Kolada import and their inputs."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from vsm_common import scopes

from ..domain import kolada, model
from ..domain.indicators import Outcome
from ..domain.model import (
    AssessmentStatus,
    Direction,
    IndicatorSource,
)
from .common import (
    FInfo,
    RowError,
    key_of,
    to_id,
)
from .goals import Goal, Organization
from .periods import ReportingPeriod


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, description="The target value of an indicator for a year (målvärde)."
)
class Target:
    year: int = strawberry.field(description="The year the target applies to (år).")
    value: float = strawberry.field(description="The target value, in the indicator's unit (målvärde).")


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="A measured value of an indicator (utfall), for a year or a reporting period.",
)
class Measurement:
    year: int = strawberry.field(description="The year measured (år).")
    period_id: strawberry.Private[uuid.UUID | None]
    value: float | None = strawberry.field(description="The value; null when the source reports it missing.")
    gender: str | None = strawberry.field(description="T (totalt), K (kvinnor) or M (män), as in Kolada (kön).")
    municipality_id: str | None = strawberry.field(
        description='Kolada municipality id, e.g. "1380" (Halmstad); null for an own measurement (kommun-id).'
    )
    status: str | None = strawberry.field(description='Status from the source, e.g. Kolada\'s "Missing".')
    count: int | None = strawberry.field(description="Number of units a Kolada value is based on (antal).")

    @classmethod
    def from_domain(cls, m: model.Measurement) -> Measurement:
        return cls(
            year=m.year,
            period_id=m.period_id,
            value=m.value,
            gender=m.gender,
            municipality_id=m.municipality_id,
            status=m.status,
            count=m.count,
        )

    @strawberry.field(description="The reporting period measured, when not a whole year (period).")
    async def period(self, info: FInfo) -> ReportingPeriod | None:
        if self.period_id is None:
            return None
        p = await info.context.loaders.period.load(self.period_id)
        return ReportingPeriod.from_domain(p) if p else None


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    keys=["id"],
    description="An indicator (nyckeltal) that measures progress towards goals.",
)
class Indicator:
    id: strawberry.ID = strawberry.field(description="The indicator's id.")
    name: str = strawberry.field(description="Name (benämning).")
    unit: str = strawberry.field(description='Unit (enhet), e.g. "%" or "antal".')
    direction: Direction = strawberry.field(description="Which way is better (riktning).")
    source: IndicatorSource = strawberry.field(description="Where its values come from (källa).")
    kolada_kpi_id: str | None = strawberry.field(description='Kolada KPI id (nyckeltals-id), e.g. "N01951".')
    baseline: float | None = strawberry.field(description="Baseline value (utgångsvärde).")
    baseline_year: int | None = strawberry.field(description="Year of the baseline (utgångsår).")
    owner_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, i: model.Indicator) -> Indicator:
        return cls(
            id=to_id(i.id),
            name=i.name,
            unit=i.unit,
            direction=i.direction,
            source=i.source,
            kolada_kpi_id=i.kolada_kpi_id,
            baseline=i.baseline,
            baseline_year=i.baseline_year,
            owner_id=i.owner_id,
        )

    @strawberry.field(description="The organisation responsible for the indicator (ansvarig).")
    def owner(self) -> Organization | None:
        return Organization(id=to_id(self.owner_id)) if self.owner_id else None

    @strawberry.field(description="The goals the indicator measures (mål).")
    async def goals(self, info: FInfo) -> list[Goal]:
        ids = await info.context.loaders.indicator_goal_ids.load(uuid.UUID(self.id))
        return [Goal(id=to_id(g)) for g in ids]

    @strawberry.field(description="Target values per year (målvärden), by year.")
    async def targets(self, info: FInfo) -> list[Target]:
        found = await info.context.loaders.targets.load(uuid.UUID(self.id))
        return [Target(year=t.year, value=t.value) for t in found]

    @strawberry.field(
        description="Measured values (utfall) by year and period, optionally of one year or municipality."
    )
    async def measurements(
        self,
        info: FInfo,
        year: Annotated[int | None, strawberry.argument(description="Only this year.")] = None,
        municipality_id: Annotated[
            str | None, strawberry.argument(description='Only this Kolada municipality id, e.g. "1380".')
        ] = None,
    ) -> list[Measurement]:
        found = await info.context.loaders.measurements.load(uuid.UUID(self.id))
        return [
            Measurement.from_domain(m)
            for m in found
            if (year is None or m.year == year) and (municipality_id is None or m.municipality_id == municipality_id)
        ]

    @classmethod
    async def resolve_reference(cls, info: FInfo, id: strawberry.ID) -> Indicator | None:
        key = key_of(id)
        i = await info.context.loaders.indicator.load(key) if key else None
        return cls.from_domain(i) if i else None


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, description="An indicator against its target in a period (utfall mot målvärde)."
)
class IndicatorOutcome:
    outcome: strawberry.Private[Outcome]

    @strawberry.field(description="The indicator (nyckeltal).")
    def indicator(self) -> Indicator:
        return Indicator.from_domain(self.outcome.indicator)

    @strawberry.field(description="The year whose target applies (år).")
    def year(self) -> int:
        return self.outcome.year

    @strawberry.field(description="The target value for the year (målvärde); null when none is set.")
    def target(self) -> float | None:
        return self.outcome.target

    @strawberry.field(description="The value that stands for the period (utfall); null when there is none.")
    def actual(self) -> float | None:
        return self.outcome.actual

    @strawberry.field(description="The year of that value; may be the year before, as Kolada publishes late.")
    def actual_year(self) -> int | None:
        return self.outcome.actual_year

    @strawberry.field(description="The period of that value, when it was measured for the period itself.")
    async def actual_period(self, info: FInfo) -> ReportingPeriod | None:
        if self.outcome.actual_period_id is None:
            return None
        p = await info.context.loaders.period.load(self.outcome.actual_period_id)
        return ReportingPeriod.from_domain(p) if p else None

    @strawberry.field(description="Share of the target reached, respecting direction: 1.0 is on target (andel).")
    def share(self) -> float | None:
        return self.outcome.share

    @strawberry.field(description="The status the share suggests (ej bedömd without target or value).")
    def status(self) -> AssessmentStatus:
        return self.outcome.status


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, description="What a Kolada import did (Kolada-import), every value accounted for."
)
class KoladaImportResult:
    imported: int = strawberry.field(description="Values stored (importerade).")
    skipped: int = strawberry.field(
        description="Values not stored: group averages, unknown KPIs, repeated keys, deletions of nothing (hoppade)."
    )
    deleted: int = strawberry.field(description="Stored measurements removed by isdeleted values (borttagna).")
    missing: int = strawberry.field(description="Values Kolada reports missing, stored as gaps (saknade).")
    group_averages: int = strawberry.field(description="Group averages (count > 1) skipped (gruppgenomsnitt).")
    unknown_kpis: list[str] = strawberry.field(description="KPI ids no indicator follows (okända nyckeltal).")
    errors: list[RowError] = strawberry.field(description="Rows skipped, with why (radfel).")

    @classmethod
    def from_domain(cls, r: kolada.ImportResult) -> KoladaImportResult:
        return cls(
            imported=r.imported,
            skipped=r.skipped,
            deleted=r.deleted,
            missing=r.missing,
            group_averages=r.group_averages,
            unknown_kpis=list(r.unknown_kpis),
            errors=[RowError(index=e.index, field=e.field, message=e.message) for e in r.errors],
        )


@strawberry.input(description="A new indicator (nyckeltal).")
class IndicatorInput:
    name: str = strawberry.field(description="Name (benämning).")
    unit: str = strawberry.field(description='Unit (enhet), e.g. "%".')
    direction: Direction = strawberry.field(description="Which way is better (riktning).")
    source: IndicatorSource = strawberry.field(description="Where its values come from (källa).")
    kolada_kpi_id: str | None = strawberry.field(default=None, description="Kolada KPI id; required for KOLADA.")
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Responsible organisation.")
    baseline: float | None = strawberry.field(default=None, description="Baseline value (utgångsvärde).")
    baseline_year: int | None = strawberry.field(default=None, description="Year of the baseline (utgångsår).")


@strawberry.input(description="A measured value (utfall) of an own indicator.")
class MeasurementInput:
    year: int | None = strawberry.field(default=None, description="The year measured; taken from the period if one.")
    period_id: strawberry.ID | None = strawberry.field(default=None, description="The period measured, if not a year.")
    value: float | None = strawberry.field(default=None, description="The value; null records a known gap.")
    gender: str | None = strawberry.field(default=None, description="T (default), K or M.")
    municipality_id: str | None = strawberry.field(
        default=None, description="Kolada municipality id, for a comparison value; null for an own measurement."
    )
    status: str | None = strawberry.field(default=None, description='Status, e.g. "Missing".')
