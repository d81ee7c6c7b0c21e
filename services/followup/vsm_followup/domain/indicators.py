"""Indicators (nyckeltal): input rules, outcome against target, and the status they suggest."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vsm_common.errors import DomainError

from .errors import Key
from .model import AssessmentStatus, Direction, Indicator, IndicatorSource, Measurement, ReportingPeriod, Target

S = AssessmentStatus
NAME_MAX = 300
UNIT_MAX = 40
YEAR_MIN, YEAR_MAX = 1950, 2200
GENDERS = ("T", "K", "M")  # Kolada's total, kvinnor, män
_KPI_ID = re.compile(r"^[A-Z][0-9]{5}$")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Share of the target an indicator must reach for ACHIEVED and PARTLY_ACHIEVED (default 100 % and 80 %)."""

    achieved: float = 1.0
    partly: float = 0.8


@dataclass(frozen=True, slots=True)
class Outcome:
    """An indicator against its target in a period: the value used, its share of the target, the status."""

    indicator: Indicator
    year: int
    target: float | None
    actual: float | None
    actual_year: int | None
    actual_period_id: uuid.UUID | None
    share: float | None
    status: AssessmentStatus


# ---------------------------------------------------------------- input rules
def check_text(value: str, key: Key, maximum: int, what: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise DomainError(f"{what} is required", key=key, rule=f"{key}.required")
    if len(text) > maximum:
        raise DomainError(f"{what} is longer than {maximum} characters", key=key, rule="text.too_long")
    return text


def check_year(year: int, key: Key = "year") -> int:
    """Refuse a year out of range; ``key`` names the attribute holding it (``due_on``, ``baseline_year``)."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(f"year must be between {YEAR_MIN} and {YEAR_MAX}", key=key, rule="year.range")
    return year


def check_value(value: float, key: Key = "value") -> float:
    if not math.isfinite(value):
        raise DomainError("value must be a finite number", key=key, rule="value.finite")
    return float(value)


def check_indicator(
    name: str, unit: str, source: IndicatorSource, kolada_kpi_id: str | None, baseline_year: int | None
) -> tuple[str, str, str | None]:
    """Normalised (name, unit, KPI id); a KOLADA indicator names its KPI, no other source does."""
    name = check_text(name, "name", NAME_MAX, "name")
    unit = check_text(unit, "unit", UNIT_MAX, "unit")
    kpi = kolada_kpi_id.strip().upper() if kolada_kpi_id and kolada_kpi_id.strip() else None
    if source is IndicatorSource.KOLADA:
        if kpi is None:
            raise DomainError(
                "a KOLADA indicator needs its Kolada KPI id (e.g. N01951)",
                key="kolada_kpi_id",
                rule="indicator.kolada_kpi_required",
            )
        if not _KPI_ID.match(kpi):
            raise DomainError(
                f"{kpi} is not a Kolada KPI id (a letter and five digits, e.g. N01951)",
                key="kolada_kpi_id",
                rule="indicator.kolada_kpi_format",
            )
    elif kpi is not None:
        raise DomainError(
            "only indicators with source KOLADA name a Kolada KPI",
            key="kolada_kpi_id",
            rule="indicator.kolada_kpi_source",
        )
    if baseline_year is not None:
        check_year(baseline_year, "baseline_year")
    return name, unit, kpi


def check_gender(gender: str | None) -> str:
    g = (gender or "T").strip().upper()
    if g not in GENDERS:
        raise DomainError("gender must be T (total), K (kvinnor) or M (män)", key="gender", rule="measurement.gender")
    return g


# ---------------------------------------------------------------- outcome and suggestion
def share_of_target(actual: float, target: float, direction: Direction) -> float:
    """How much of the target is reached, respecting direction: 1.0 is on target, above is better.

    Higher is better: actual / target. Lower is better: target / actual. At or beyond the target
    with a zero or negative denominator counts as on target (1.0); short of a target of zero or
    below as nothing reached (0.0), since a ratio means nothing there.
    """
    if direction is Direction.HIGHER_IS_BETTER:
        if target > 0:
            return max(actual / target, 0.0)
        return 1.0 if actual >= target else 0.0
    if actual > 0 and target >= 0:
        return target / actual
    return 1.0 if actual <= target else 0.0


def status_for_share(share: float, thresholds: Thresholds) -> AssessmentStatus:
    eps = 1e-9
    if share >= thresholds.achieved - eps:
        return S.ACHIEVED
    if share >= thresholds.partly - eps:
        return S.PARTLY_ACHIEVED
    return S.NOT_ACHIEVED


def pick_actual(
    measurements: Iterable[Measurement], period: ReportingPeriod, municipality: str, max_age_years: int
) -> Measurement | None:
    """The value that stands for ``period``: the period's own, else the newest yearly value not too old.

    Only totals (gender T) of the municipality itself count: own measurements (no municipality id)
    or Kolada values of ``municipality``. A yearly value may be up to ``max_age_years`` older than
    the period, because Kolada publishes a year's values during the next year.
    """
    own = [
        m for m in measurements if m.value is not None and m.gender == "T" and m.municipality_id in (None, municipality)
    ]
    exact = [m for m in own if m.period_id == period.id]
    if exact:
        return exact[0]
    yearly = [m for m in own if m.period_id is None and period.year - max_age_years <= m.year <= period.year]
    return max(yearly, key=lambda m: (m.year, m.municipality_id is None)) if yearly else None


def outcome(
    indicator: Indicator,
    target: Target | None,
    measurements: Sequence[Measurement],
    period: ReportingPeriod,
    *,
    thresholds: Thresholds,
    municipality: str,
    max_age_years: int,
) -> Outcome:
    actual = pick_actual(measurements, period, municipality, max_age_years)
    share = None
    status = S.NOT_ASSESSED
    if actual is not None and actual.value is not None and target is not None:
        share = round(share_of_target(actual.value, target.value, indicator.direction), 4)
        status = status_for_share(share, thresholds)
    return Outcome(
        indicator=indicator,
        year=period.year,
        target=target.value if target else None,
        actual=actual.value if actual else None,
        actual_year=actual.year if actual else None,
        actual_period_id=actual.period_id if actual else None,
        share=share,
        status=status,
    )


def outcomes_for_goals(
    goal_ids: Iterable[uuid.UUID],
    indicators_of_goal: Mapping[uuid.UUID, Sequence[Indicator]],
    targets: Mapping[uuid.UUID, Target],
    measurements: Mapping[uuid.UUID, Sequence[Measurement]],
    period: ReportingPeriod,
    *,
    thresholds: Thresholds,
    municipality: str,
    max_age_years: int,
) -> dict[uuid.UUID, list[Outcome]]:
    """Outcomes per goal; ``targets`` holds each indicator's target for the period's year."""
    out: dict[uuid.UUID, list[Outcome]] = {}
    for goal_id in goal_ids:
        out[goal_id] = [
            outcome(
                ind,
                targets.get(ind.id),
                measurements.get(ind.id, ()),
                period,
                thresholds=thresholds,
                municipality=municipality,
                max_age_years=max_age_years,
            )
            for ind in indicators_of_goal.get(goal_id, ())
        ]
    return out


def suggest(outcomes: Iterable[Outcome]) -> AssessmentStatus | None:
    """The status the indicators suggest: the worst of those with data; None when none has data.

    A person decides; the suggestion is conservative so a missed target is never hidden by others.
    """
    rank = {S.NOT_ACHIEVED: 0, S.PARTLY_ACHIEVED: 1, S.ACHIEVED: 2}
    known = [o.status for o in outcomes if o.status is not S.NOT_ASSESSED]
    return min(known, key=rank.__getitem__) if known else None
