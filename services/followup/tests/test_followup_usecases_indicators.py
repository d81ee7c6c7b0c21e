"""Use cases of indicators on the in-memory unit of work: define, link, target, measure, import Kolada."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from followup_fakes import FakeFollowupUnitOfWork

from vsm_common.errors import Conflict, DomainError, NotFound
from vsm_followup.domain.model import (
    Direction,
    Indicator,
    IndicatorSource,
    Measurement,
    PeriodKind,
    ProjectedGoal,
    ProjectedOrganization,
    ReportingPeriod,
)
from vsm_followup.service import indicators as indicator_cases
from vsm_followup.service.indicators import NewIndicator

FIXTURES = Path(__file__).parent / "fixtures"
BUN = ProjectedOrganization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", "COMMITTEE")
SAFE = NewIndicator("Trygga brukare", "%", Direction.HIGHER_IS_BETTER, IndicatorSource.OWN, owner_id=BUN.id)


def indicator(kpi: str | None = None) -> Indicator:
    source = IndicatorSource.KOLADA if kpi else IndicatorSource.OWN
    return Indicator(uuid.uuid4(), f"Nyckeltal {kpi or 'eget'}", "%", Direction.HIGHER_IS_BETTER, source, kpi)


async def test_define_indicator_stores_it_with_its_owner() -> None:
    uow = FakeFollowupUnitOfWork()
    uow.organizations.given(BUN)
    ind = await indicator_cases.define_indicator(uow, SAFE, indicator_id=uuid.uuid4())
    assert uow.indicators.rows[ind.id] == ind
    assert (ind.name, ind.owner_id, ind.source) == ("Trygga brukare", BUN.id, IndicatorSource.OWN)
    assert uow.committed and uow.published == []  # indicators are not events


async def test_define_indicator_refuses_a_second_indicator_of_one_kolada_kpi() -> None:
    uow = FakeFollowupUnitOfWork()
    uow.indicators.given(indicator("N01951"))
    kolada = NewIndicator("Kostnad", "kr", Direction.LOWER_IS_BETTER, IndicatorSource.KOLADA, "N01951")
    with pytest.raises(Conflict) as refused:
        await indicator_cases.define_indicator(uow, kolada)
    assert (refused.value.key, refused.value.rule) == ("kolada_kpi_id", "indicator.kolada_kpi_unique")
    assert uow.rolled_back and len(uow.indicators.rows) == 1


async def test_define_indicator_refuses_an_owner_followup_does_not_know() -> None:
    uow = FakeFollowupUnitOfWork()
    with pytest.raises(NotFound) as refused:
        await indicator_cases.define_indicator(uow, SAFE)
    assert (refused.value.key, refused.value.rule) == ("owner_id", "organization.exists")
    assert uow.indicators.rows == {}


async def test_link_indicator_links_it_to_a_goal_in_force() -> None:
    uow = FakeFollowupUnitOfWork()
    ind, goal = indicator(), ProjectedGoal(uuid.uuid4(), "CONCRETE", "ADOPTED", "Tryggare hemtjänst")
    uow.indicators.given(ind)
    uow.goals.given(goal)
    assert await indicator_cases.link_indicator(uow, ind.id, goal.id) == ind
    assert uow.indicators.goal_links == {(ind.id, goal.id)}
    assert uow.committed


async def test_link_indicator_refuses_a_retired_goal() -> None:
    uow = FakeFollowupUnitOfWork()
    ind, goal = indicator(), ProjectedGoal(uuid.uuid4(), "CONCRETE", "RETIRED", "Nedlagt", retired_on=date(2026, 1, 1))
    uow.indicators.given(ind)
    uow.goals.given(goal)
    with pytest.raises(Conflict) as refused:
        await indicator_cases.link_indicator(uow, ind.id, goal.id)
    assert (refused.value.key, refused.value.rule) == ("goal_id", "goal.retired")
    assert uow.indicators.goal_links == set() and uow.rolled_back


async def test_set_target_sets_the_years_target() -> None:
    uow = FakeFollowupUnitOfWork()
    ind = indicator()
    uow.indicators.given(ind)
    await indicator_cases.set_target(uow, ind.id, 2027, 80.0)
    await indicator_cases.set_target(uow, ind.id, 2027, 85.0)
    assert uow.indicators.targets == {(ind.id, 2027): 85.0}
    assert uow.committed


async def test_set_target_refuses_an_unknown_indicator() -> None:
    uow = FakeFollowupUnitOfWork()
    with pytest.raises(NotFound) as refused:
        await indicator_cases.set_target(uow, uuid.uuid4(), 2027, 80.0)
    assert (refused.value.key, refused.value.rule) == ("indicator_id", "indicator.exists")
    assert uow.indicators.targets == {}


async def test_record_measurement_of_a_period_takes_the_periods_year() -> None:
    uow = FakeFollowupUnitOfWork()
    ind = indicator()
    t1 = ReportingPeriod(uuid.uuid4(), 2027, PeriodKind.TERTIAL, "T1 2027", date(2027, 1, 1), date(2027, 4, 30), False)
    uow.indicators.given(ind)
    uow.periods.given(t1)
    await indicator_cases.record_measurement(uow, ind.id, year=None, period_id=t1.id, value=71.0, status=" ")
    assert list(uow.indicators.measurements.values()) == [Measurement(ind.id, 2027, 71.0, t1.id, None, "T", None)]
    assert uow.committed


async def test_record_measurement_refuses_a_year_outside_the_period() -> None:
    uow = FakeFollowupUnitOfWork()
    ind = indicator()
    t1 = ReportingPeriod(uuid.uuid4(), 2027, PeriodKind.TERTIAL, "T1 2027", date(2027, 1, 1), date(2027, 4, 30), False)
    uow.indicators.given(ind)
    uow.periods.given(t1)
    with pytest.raises(DomainError) as refused:
        await indicator_cases.record_measurement(uow, ind.id, year=2026, period_id=t1.id, value=71.0)
    assert (refused.value.key, refused.value.rule) == ("year", "measurement.year")
    assert uow.indicators.measurements == {} and uow.rolled_back


async def test_import_kolada_stores_the_values_of_known_kpis() -> None:
    uow = FakeFollowupUnitOfWork()
    ind = indicator("N01951")
    uow.indicators.given(ind)
    result = await indicator_cases.import_kolada(uow, (FIXTURES / "kolada_first.json").read_bytes())
    stored = list(uow.indicators.measurements.values())
    assert result.imported == len(stored) > 0
    assert {m.indicator_id for m in stored} == {ind.id}
    assert set(uow.indicators.sources.values()) == {IndicatorSource.KOLADA}
    assert uow.committed


async def test_import_kolada_refuses_a_malformed_document_before_writing() -> None:
    uow = FakeFollowupUnitOfWork()
    uow.indicators.given(indicator("N01951"))
    with pytest.raises(DomainError):
        await indicator_cases.import_kolada(uow, b'{"values": "not a list"}')
    assert uow.indicators.measurements == {}
    assert not uow.committed
