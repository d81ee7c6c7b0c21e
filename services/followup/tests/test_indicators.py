"""Indicators against targets and the status they suggest (pure domain)."""

import uuid
from datetime import date

import pytest

from vsm_common.errors import DomainError
from vsm_followup.domain import indicators
from vsm_followup.domain.indicators import Thresholds, share_of_target, status_for_share, suggest
from vsm_followup.domain.model import (
    AssessmentStatus,
    Direction,
    Indicator,
    IndicatorSource,
    Measurement,
    PeriodKind,
    ReportingPeriod,
    Target,
)

S = AssessmentStatus
HIGHER, LOWER = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
DELAR = ReportingPeriod(
    uuid.uuid4(), 2026, PeriodKind.INTERIM, "Delår 2026", date(2026, 1, 1), date(2026, 8, 31), False
)


def ind(direction: Direction = HIGHER) -> Indicator:
    return Indicator(uuid.uuid4(), "Nyckeltal", "%", direction, IndicatorSource.OWN)


@pytest.mark.parametrize(
    ("actual", "target", "direction", "share"),
    [
        (90, 90, HIGHER, 1.0),
        (72, 90, HIGHER, 0.8),
        (99, 90, HIGHER, 1.1),
        (-5, 90, HIGHER, 0.0),
        (3, 0, HIGHER, 1.0),
        (6.0, 6.0, LOWER, 1.0),
        (7.5, 6.0, LOWER, 0.8),
        (5.0, 6.0, LOWER, 1.2),
        (0.0, 6.0, LOWER, 1.0),
        (2.0, 0.0, LOWER, 0.0),
        (0.0, 0.0, LOWER, 1.0),
    ],
)
def test_share_of_target_respects_direction(actual: float, target: float, direction: Direction, share: float) -> None:
    assert share_of_target(actual, target, direction) == pytest.approx(share)


def test_default_thresholds_are_100_and_80_percent() -> None:
    t = Thresholds()
    assert status_for_share(1.0, t) is S.ACHIEVED
    assert status_for_share(0.9999, t) is S.PARTLY_ACHIEVED
    assert status_for_share(0.8, t) is S.PARTLY_ACHIEVED
    assert status_for_share(0.7999, t) is S.NOT_ACHIEVED


def test_thresholds_are_configurable() -> None:
    t = Thresholds(achieved=0.95, partly=0.5)
    assert status_for_share(0.95, t) is S.ACHIEVED
    assert status_for_share(0.6, t) is S.PARTLY_ACHIEVED


def outcome(i: Indicator, target: float | None, *ms: Measurement, max_age: int = 1) -> indicators.Outcome:
    return indicators.outcome(
        i,
        Target(i.id, 2026, target) if target is not None else None,
        list(ms),
        DELAR,
        thresholds=Thresholds(),
        municipality="1380",
        max_age_years=max_age,
    )


def test_the_periods_own_value_comes_first() -> None:
    i = ind()
    o = outcome(
        i,
        90,
        Measurement(i.id, 2026, 95.0),  # a yearly value
        Measurement(i.id, 2026, 71.0, period_id=DELAR.id),
    )
    assert (o.actual, o.actual_period_id, o.share, o.status) == (71.0, DELAR.id, pytest.approx(0.7889), S.NOT_ACHIEVED)


def test_kolada_values_may_be_a_year_old_but_not_older() -> None:
    i = ind(LOWER)
    m2025 = Measurement(i.id, 2025, 6.6, municipality_id="1380")
    o = outcome(i, 6.0, Measurement(i.id, 2024, 6.9, municipality_id="1380"), m2025)
    assert (o.actual, o.actual_year, o.status) == (6.6, 2025, S.PARTLY_ACHIEVED)
    assert outcome(i, 6.0, Measurement(i.id, 2024, 6.9, municipality_id="1380")).status is S.NOT_ASSESSED
    assert outcome(i, 6.0, Measurement(i.id, 2024, 6.9, municipality_id="1380"), max_age=2).actual == 6.9


def test_only_our_totals_with_a_value_count() -> None:
    i = ind()
    o = outcome(
        i,
        100,
        Measurement(i.id, 2026, None, municipality_id="1380", status="Missing"),
        Measurement(i.id, 2026, 120.0, municipality_id="1280"),  # another municipality
        Measurement(i.id, 2026, 130.0, municipality_id="1380", gender="K"),
        Measurement(i.id, 2025, 90.0, municipality_id="1380"),
    )
    assert (o.actual, o.actual_year) == (90.0, 2025)


def test_no_target_or_no_value_suggests_nothing() -> None:
    i = ind()
    assert outcome(i, None, Measurement(i.id, 2026, 1.0)).status is S.NOT_ASSESSED
    assert outcome(i, 5).status is S.NOT_ASSESSED


def test_suggestion_is_the_worst_indicator_with_data() -> None:
    a, b, c = ind(), ind(), ind()
    outs = [
        outcome(a, 100, Measurement(a.id, 2026, 100.0)),
        outcome(b, 100, Measurement(b.id, 2026, 85.0)),
        outcome(c, 100),
    ]
    assert [o.status for o in outs] == [S.ACHIEVED, S.PARTLY_ACHIEVED, S.NOT_ASSESSED]
    assert suggest(outs) is S.PARTLY_ACHIEVED
    assert suggest(outs[:1]) is S.ACHIEVED
    assert suggest(outs[2:]) is None
    assert suggest([]) is None


def test_indicator_input_rules() -> None:
    assert indicators.check_indicator(" Invånare ", "antal", IndicatorSource.KOLADA, "n01951", None) == (
        "Invånare",
        "antal",
        "N01951",
    )
    cases = [
        (("", "%", IndicatorSource.OWN, None, None), "name", "name.required"),
        (("x", " ", IndicatorSource.OWN, None, None), "unit", "unit.required"),
        (("x", "%", IndicatorSource.KOLADA, None, None), "kolada_kpi_id", "indicator.kolada_kpi_required"),
        (("x", "%", IndicatorSource.KOLADA, "1951", None), "kolada_kpi_id", "indicator.kolada_kpi_format"),
        (("x", "%", IndicatorSource.OWN, "N01951", None), "kolada_kpi_id", "indicator.kolada_kpi_source"),
        (("x", "%", IndicatorSource.OWN, None, 1800), "baseline_year", "year.range"),
    ]
    for args, key, rule in cases:
        with pytest.raises(DomainError) as info:
            indicators.check_indicator(*args)
        assert (info.value.key, info.value.rule) == (key, rule)
    with pytest.raises(DomainError) as info:
        indicators.check_value(float("nan"))
    assert info.value.rule == "value.finite"
    assert indicators.check_gender(None) == "T" and indicators.check_gender("k") == "K"
    with pytest.raises(DomainError):
        indicators.check_gender("X")
