"""Rules of planning cycles (planeringscykler) and their phases (faser): the schedule, the gates between phases, what
each phase allows. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from vsm_common.errors import TARGET, Conflict, DomainError

from .errors import Key, PhaseNotAllowed
from .model import (
    CycleKind,
    OrganizationKind,
    Phase,
    PhaseKind,
    PhaseState,
    PlanningCycle,
)
from .values import TEXT_MAX, check_year

PHASES: Mapping[CycleKind, tuple[PhaseKind, ...]] = {
    CycleKind.MANDATE_PERIOD: (PhaseKind.STRATEGIC_ANALYSIS, PhaseKind.GOAL_REVIEW),
    CycleKind.ANNUAL: (
        PhaseKind.CONDITIONS_ANALYSIS,
        PhaseKind.DIRECTIVE,
        PhaseKind.TAX_RATE,
        PhaseKind.OPERATIONAL_PLANNING,
        PhaseKind.COMPILATION,
        PhaseKind.FOLLOW_UP,
    ),
}

CYCLE_LENGTH: Mapping[CycleKind, int] = {CycleKind.MANDATE_PERIOD: 4, CycleKind.ANNUAL: 1}

# What the phases allow. A directive is drafted and first adopted in the DIRECTIVE phase; once adopted,
# KF may change it (a new revision) for the rest of the cycle, e.g. a tilläggsbudget during the year.
ANALYSIS_PHASES = frozenset({PhaseKind.STRATEGIC_ANALYSIS, PhaseKind.CONDITIONS_ANALYSIS})
DRAFTING_PHASES = frozenset({PhaseKind.DIRECTIVE})
REVISION_PHASES = frozenset(
    {
        PhaseKind.DIRECTIVE,
        PhaseKind.TAX_RATE,
        PhaseKind.OPERATIONAL_PLANNING,
        PhaseKind.COMPILATION,
        PhaseKind.FOLLOW_UP,
    }
)
TAX_RATE_PHASES = frozenset({PhaseKind.DIRECTIVE, PhaseKind.TAX_RATE})
PLAN_PHASES = frozenset({PhaseKind.OPERATIONAL_PLANNING})


@dataclass(frozen=True, slots=True)
class PhaseSchedule:
    """Default dates of a phase, relative to the cycle's first year, and who is responsible."""

    opens: tuple[int, int, int]  # (year offset, month, day)
    due: tuple[int, int, int]
    responsible: OrganizationKind


# The annual part of budget year Y is planned during Y-1 and followed up until the annual report
# (årsredovisning) in the spring of Y+1; the long-term part starts when the newly elected KF takes office
# (the election is in September before the mandate period) and ends with the review of the övergripande mål.
DEFAULT_SCHEDULE: Mapping[PhaseKind, PhaseSchedule] = {
    PhaseKind.STRATEGIC_ANALYSIS: PhaseSchedule((-1, 11, 1), (0, 3, 31), OrganizationKind.EXECUTIVE_BOARD),
    PhaseKind.GOAL_REVIEW: PhaseSchedule((0, 4, 1), (0, 11, 30), OrganizationKind.COUNCIL),
    PhaseKind.CONDITIONS_ANALYSIS: PhaseSchedule((-1, 1, 15), (-1, 3, 31), OrganizationKind.EXECUTIVE_BOARD),
    PhaseKind.DIRECTIVE: PhaseSchedule((-1, 4, 1), (-1, 6, 30), OrganizationKind.COUNCIL),
    PhaseKind.TAX_RATE: PhaseSchedule((-1, 7, 1), (-1, 11, 30), OrganizationKind.COUNCIL),
    PhaseKind.OPERATIONAL_PLANNING: PhaseSchedule((-1, 12, 1), (0, 1, 31), OrganizationKind.EXECUTIVE_BOARD),
    PhaseKind.COMPILATION: PhaseSchedule((0, 2, 1), (0, 3, 31), OrganizationKind.EXECUTIVE_BOARD),
    PhaseKind.FOLLOW_UP: PhaseSchedule((0, 4, 1), (1, 4, 30), OrganizationKind.EXECUTIVE_BOARD),
}


def cycle_span(kind: CycleKind, start_year: int) -> tuple[int, int]:
    check_year(start_year, "start_year")
    return start_year, start_year + CYCLE_LENGTH[kind] - 1


def cycle_title(kind: CycleKind, start_year: int, end_year: int) -> str:
    if kind is CycleKind.MANDATE_PERIOD:
        return f"Mandatperiod {start_year}–{end_year}"
    return f"Budgetår {start_year}"


def check_no_overlap(kind: CycleKind, start_year: int, end_year: int, existing: Iterable[PlanningCycle]) -> None:
    """Cycles of one kind never overlap: one mandate period at a time, one annual cycle per budget year."""
    for other in existing:
        if other.kind is kind and other.start_year <= end_year and start_year <= other.end_year:
            raise Conflict(
                f"{other.title} already covers {max(start_year, other.start_year)}",
                key="start_year",
                rule="cycle.overlap",
            )


def _on(start_year: int, offset: tuple[int, int, int]) -> date:
    return date(start_year + offset[0], offset[1], offset[2])


def default_phases(
    kind: CycleKind, start_year: int, responsible: Mapping[OrganizationKind, uuid.UUID]
) -> tuple[Phase, ...]:
    """The phases of a new cycle: the first one open, dated by the default schedule."""
    phases = []
    for i, pk in enumerate(PHASES[kind]):
        s = DEFAULT_SCHEDULE[pk]
        phases.append(
            Phase(
                kind=pk,
                state=PhaseState.OPEN if i == 0 else PhaseState.NOT_STARTED,
                opens_on=_on(start_year, s.opens),
                due_on=_on(start_year, s.due),
                responsible_id=responsible.get(s.responsible),
            )
        )
    return tuple(phases)


@dataclass(frozen=True, slots=True)
class PhaseFacts:
    """What the gates between phases look at."""

    has_adopted_directive: bool = False
    tax_rate: Decimal | None = None


def check_can_leave(cycle: PlanningCycle, phase: Phase, facts: PhaseFacts) -> None:
    """The gates: KF must have adopted a directive before the directive phase ends, and a tax rate before
    the tax-rate phase ends, because everything after them (plans, frames, compilation) rests on them."""
    if phase.kind is PhaseKind.DIRECTIVE and not facts.has_adopted_directive:
        raise Conflict(
            f"phase DIRECTIVE of {cycle.title} cannot end before KF has adopted a directive",
            key=TARGET,
            rule="phase.directive_not_adopted",
        )
    if phase.kind is PhaseKind.TAX_RATE and facts.tax_rate is None:
        raise Conflict(
            f"phase TAX_RATE of {cycle.title} cannot end before KF has decided the tax rate "
            "in an adopted planeringsdirektiv",
            key=TARGET,
            rule="phase.tax_rate_missing",
        )


def advance(cycle: PlanningCycle, facts: PhaseFacts, today: date) -> tuple[Phase, Phase | None, tuple[Phase, ...]]:
    """Close the open phase and open the next one, strictly in order.

    Returns (the phase completed, the phase opened or None when the cycle is complete, all phases).
    """
    current = cycle.current_phase
    if current is None:
        raise Conflict(f"{cycle.title} has completed all its phases", key=TARGET, rule="cycle.completed")
    check_can_leave(cycle, current, facts)
    index = cycle.phases.index(current)
    phases = list(cycle.phases)
    phases[index] = replace(current, state=PhaseState.DONE, completed_on=today)
    opened = None
    if index + 1 < len(phases):
        opened = replace(phases[index + 1], state=PhaseState.OPEN)
        phases[index + 1] = opened
    return phases[index], opened, tuple(phases)


def began_on(cycle: PlanningCycle) -> date | None:
    return min((p.opens_on for p in cycle.phases if p.opens_on), default=None)


def current_cycle(cycles: Sequence[PlanningCycle], today: date) -> PlanningCycle | None:
    """The cycle being worked on: the newest one that has begun by ``today`` (budget year 2027 from
    January 2026, when its analysis of planning conditions starts); before any has begun, the next one."""
    begun = [c for c in cycles if (b := began_on(c)) is not None and b <= today]
    if begun:
        return max(begun, key=lambda c: c.start_year)
    return min(cycles, key=lambda c: c.start_year, default=None)


def require_phase(cycle: PlanningCycle, operation: str, allowed: Collection[PhaseKind]) -> Phase:
    """Refuse ``operation`` unless the cycle's current phase allows it; the error names the phase and points at
    what the operation addresses (TARGET: the cycle, or the directive or plan in it)."""
    current = cycle.current_phase
    wanted = " or ".join(p.value for p in PHASES[cycle.kind] if p in allowed)
    if current is None:
        raise PhaseNotAllowed(
            f"{operation} is not allowed: {cycle.title} has completed all its phases"
            + (f" (allowed in {wanted})" if wanted else ""),
            phase="COMPLETED",
        )
    if current.kind not in allowed:
        hint = f"; it is allowed in {wanted}" if wanted else f"; a {cycle.kind} cycle never allows it"
        raise PhaseNotAllowed(
            f"{operation} is not allowed in phase {current.kind} of {cycle.title}{hint}",
            phase=current.kind.value,
        )
    return current


def require_kind(cycle: PlanningCycle, kind: CycleKind, what: str) -> None:
    if cycle.kind is not kind:
        raise DomainError(
            f"{what} belongs to a {kind} cycle; {cycle.title} is {cycle.kind}", key=TARGET, rule="cycle.kind"
        )


def schedule_window(cycle: PlanningCycle) -> tuple[date, date]:
    """Where a cycle's phases may be dated: an annual cycle is planned the year before its budget year and
    followed up the year after; the long-term part starts after the election, the year before the mandate."""
    before = 2 if cycle.kind is CycleKind.ANNUAL else 1
    return date(cycle.start_year - before, 1, 1), date(cycle.end_year + 1, 12, 31)


def check_schedule(cycle: PlanningCycle, kind: PhaseKind, opens_on: date | None, due_on: date | None) -> Phase:
    phase = cycle.phase(kind)
    if phase is None:
        raise DomainError(f"a {cycle.kind} cycle has no phase {kind}", key="phase", rule="phase.kind")
    if phase.state is PhaseState.DONE:
        raise Conflict(f"phase {kind} of {cycle.title} is done; its dates are history", key="phase", rule="phase.done")
    first, last = schedule_window(cycle)
    dates: tuple[tuple[date | None, Key], ...] = ((opens_on, "opens_on"), (due_on, "due_on"))
    for d, key in dates:
        if d is not None and not first <= d <= last:
            raise DomainError(
                f"{{field}} of a phase of {cycle.title} must lie between {first} and {last}",
                key=key,
                rule="phase.dates_range",
            )
    if opens_on and due_on and due_on < opens_on:
        raise DomainError("dueOn must not be before opensOn", key="due_on", rule="phase.dates_order")
    return phase


def check_analysis_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise DomainError("an analysis section needs text", key="text", rule="analysis.text_required")
    if len(cleaned) > TEXT_MAX:
        raise DomainError(f"text must be at most {TEXT_MAX} characters", key="text", rule="analysis.text_length")
    return cleaned


def plan_years(budget_year: int) -> tuple[int, int, int]:
    """The budget year and the two plan years (planår)."""
    return budget_year, budget_year + 1, budget_year + 2
