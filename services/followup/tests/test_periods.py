"""Reporting periods of a year and the freeze of a closed period (pure domain)."""

import uuid
from datetime import date

import pytest

from vsm_common.errors import Conflict, DomainError
from vsm_followup.domain.model import PeriodKind, ReportingPeriod
from vsm_followup.domain.periods import check_open, period_specs

K = PeriodKind


def test_the_usual_set_is_t1_delar_helar() -> None:
    specs = period_specs(2026, [K.TERTIAL, K.INTERIM, K.ANNUAL])
    assert [(s.kind, s.label, s.starts_on, s.ends_on) for s in specs] == [
        (K.TERTIAL, "T1 2026", date(2026, 1, 1), date(2026, 4, 30)),
        (K.INTERIM, "Delår 2026", date(2026, 1, 1), date(2026, 8, 31)),
        (K.ANNUAL, "Helår 2026", date(2026, 1, 1), date(2026, 12, 31)),
    ]


def test_tertials_alone_are_three_year_to_date_reports() -> None:
    assert [(s.label, s.ends_on) for s in period_specs(2027, [K.TERTIAL])] == [
        ("T1 2027", date(2027, 4, 30)),
        ("T2 2027", date(2027, 8, 31)),
        ("T3 2027", date(2027, 12, 31)),
    ]


def test_months_are_calendar_months() -> None:
    months = period_specs(2028, [K.MONTH])
    assert len(months) == 12
    assert (months[1].label, months[1].starts_on, months[1].ends_on) == (
        "Februari 2028",
        date(2028, 2, 1),
        date(2028, 2, 29),
    )
    both = period_specs(2028, [K.MONTH, K.ANNUAL, K.MONTH])
    assert len(both) == 13 and [s.label for s in both[-2:]] == ["Helår 2028", "December 2028"]  # longest first


def test_year_and_kinds_are_checked() -> None:
    with pytest.raises(DomainError) as info:
        period_specs(1200, [K.ANNUAL])
    assert info.value.rule == "year.range"
    with pytest.raises(DomainError) as info:
        period_specs(2026, [])
    assert (info.value.key, info.value.rule) == ("kinds", "period.kinds_required")


def test_a_closed_period_refuses_changes() -> None:
    p = ReportingPeriod(uuid.uuid4(), 2026, K.TERTIAL, "T1 2026", date(2026, 1, 1), date(2026, 4, 30), False)
    check_open(p)
    with pytest.raises(Conflict) as info:
        check_open(ReportingPeriod(p.id, p.year, p.kind, p.label, p.starts_on, p.ends_on, True))
    assert (info.value.rule, info.value.key) == ("period.closed", "period_id")
    assert "T1 2026 is closed" in info.value.message
