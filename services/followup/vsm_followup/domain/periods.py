"""Reporting periods (uppföljningsperioder) of a year, and the rule that a closed period is frozen.

Tertial, delår and helår reports cover the year up to their end (year to date), the way Swedish
municipalities report: T1 is 1 January–30 April, delår 1 January–31 August, helår the whole year.
Months are calendar months. When a year asks for tertials together with delår or helår, the
second and third tertials are the delår and the helår, so they are not defined twice: the usual
set TERTIAL + INTERIM + ANNUAL gives T1, delår and helår.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vsm_common.errors import Conflict, DomainError

from .indicators import check_year
from .model import PeriodKind, ReportingPeriod

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    """A period to define: kind, label and dates."""

    kind: PeriodKind
    label: str
    starts_on: date
    ends_on: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_specs(year: int, kinds: Sequence[PeriodKind]) -> list[PeriodSpec]:
    """The periods of ``year`` for ``kinds``, ordered by end date then start date (longest first)."""
    check_year(year)
    if not kinds:
        raise DomainError("name at least one kind of period", key="kinds", rule="period.kinds_required")
    wanted = set(kinds)
    jan1 = date(year, 1, 1)
    specs: list[PeriodSpec] = []
    if PeriodKind.MONTH in wanted:
        specs += [
            PeriodSpec(PeriodKind.MONTH, f"{name.capitalize()} {year}", date(year, m, 1), _month_end(year, m))
            for m, name in enumerate(MONTHS, start=1)
        ]
    if PeriodKind.TERTIAL in wanted:
        specs.append(PeriodSpec(PeriodKind.TERTIAL, f"T1 {year}", jan1, date(year, 4, 30)))
        if PeriodKind.INTERIM not in wanted:
            specs.append(PeriodSpec(PeriodKind.TERTIAL, f"T2 {year}", jan1, date(year, 8, 31)))
        if PeriodKind.ANNUAL not in wanted:
            specs.append(PeriodSpec(PeriodKind.TERTIAL, f"T3 {year}", jan1, date(year, 12, 31)))
    if PeriodKind.INTERIM in wanted:
        specs.append(PeriodSpec(PeriodKind.INTERIM, f"Delår {year}", jan1, date(year, 8, 31)))
    if PeriodKind.ANNUAL in wanted:
        specs.append(PeriodSpec(PeriodKind.ANNUAL, f"Helår {year}", jan1, date(year, 12, 31)))
    return sorted(specs, key=lambda s: (s.ends_on, s.starts_on))


def check_open(period: ReportingPeriod) -> None:
    """Closing a period freezes its assessments: refuse any later change."""
    if period.closed:
        raise Conflict(
            f"{period.label} is closed; its assessments are frozen",
            key="period_id",
            rule="period.closed",
        )
