"""Unit tests of planning cycles and phases (pure domain, no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from planning_fixtures import KF, KS, cycle

from vsm_common.errors import TARGET, Conflict, DomainError
from vsm_planning.domain import cycles
from vsm_planning.domain.errors import PhaseNotAllowed
from vsm_planning.domain.model import CycleKind, PhaseKind, PhaseState

P = PhaseKind
ANNUAL_ORDER = [
    P.CONDITIONS_ANALYSIS,
    P.DIRECTIVE,
    P.TAX_RATE,
    P.OPERATIONAL_PLANNING,
    P.COMPILATION,
    P.FOLLOW_UP,
]


def test_annual_cycle_has_the_six_phases_in_order_and_opens_the_first() -> None:
    c = cycle(CycleKind.ANNUAL, 2027)
    assert (c.start_year, c.end_year, c.title) == (2027, 2027, "Budgetår 2027")
    assert [p.kind for p in c.phases] == ANNUAL_ORDER
    assert [p.state for p in c.phases] == [PhaseState.OPEN] + [PhaseState.NOT_STARTED] * 5
    assert c.current_phase is c.phases[0]


def test_annual_phases_are_dated_in_the_year_before_and_have_a_responsible_organisation() -> None:
    c = cycle(CycleKind.ANNUAL, 2027)
    first, directive = c.phases[0], c.phases[1]
    assert (first.opens_on, first.due_on, first.responsible_id) == (date(2026, 1, 15), date(2026, 3, 31), KS.id)
    assert directive.responsible_id == KF.id
    assert c.phase(P.TAX_RATE) is not None and c.phase(P.TAX_RATE).responsible_id == KF.id  # type: ignore[union-attr]
    for earlier, later in zip(c.phases, c.phases[1:], strict=False):
        assert earlier.opens_on and earlier.due_on and later.opens_on
        assert earlier.opens_on <= earlier.due_on < later.opens_on, (earlier.kind, later.kind)
    assert c.phases[-1].due_on == date(2028, 4, 30)  # årsredovisning of 2027


def test_mandate_period_is_four_years_with_strategic_analysis_and_goal_review() -> None:
    c = cycle(CycleKind.MANDATE_PERIOD, 2027)
    assert (c.start_year, c.end_year, c.title) == (2027, 2030, "Mandatperiod 2027–2030")
    assert [p.kind for p in c.phases] == [P.STRATEGIC_ANALYSIS, P.GOAL_REVIEW]
    assert c.phases[0].opens_on == date(2026, 11, 1)  # after the election in September 2026


def test_year_out_of_range_is_refused() -> None:
    with pytest.raises(DomainError) as info:
        cycles.cycle_span(CycleKind.ANNUAL, 1999)
    assert (info.value.key, info.value.rule) == ("start_year", "year.range")


def test_cycles_of_one_kind_never_overlap() -> None:
    existing = [cycle(CycleKind.MANDATE_PERIOD, 2027), cycle(CycleKind.ANNUAL, 2027)]
    with pytest.raises(Conflict) as info:
        cycles.check_no_overlap(CycleKind.MANDATE_PERIOD, 2029, 2032, existing)
    assert info.value.rule == "cycle.overlap" and "Mandatperiod 2027–2030" in info.value.message
    with pytest.raises(Conflict):
        cycles.check_no_overlap(CycleKind.ANNUAL, 2027, 2027, existing)
    cycles.check_no_overlap(CycleKind.MANDATE_PERIOD, 2031, 2034, existing)
    cycles.check_no_overlap(CycleKind.ANNUAL, 2028, 2028, existing)


def test_phases_move_forward_in_order_only() -> None:
    c = cycle(CycleKind.ANNUAL, 2027)
    facts = cycles.PhaseFacts(has_adopted_directive=True, tax_rate=Decimal("20.38"))
    seen = [c.current_phase.kind]  # type: ignore[union-attr]
    day = date(2026, 3, 31)
    while c.current_phase is not None:
        completed, opened, phases = cycles.advance(c, facts, day)
        assert completed.state is PhaseState.DONE and completed.completed_on == day
        c = replace(c, phases=phases)
        assert sum(p.state is PhaseState.OPEN for p in c.phases) == (1 if opened else 0)
        if opened:
            seen.append(opened.kind)
    assert seen == ANNUAL_ORDER
    assert all(p.state is PhaseState.DONE for p in c.phases)
    with pytest.raises(Conflict) as info:
        cycles.advance(c, facts, day)
    assert info.value.rule == "cycle.completed"


def test_directive_phase_ends_only_with_an_adopted_directive() -> None:
    c = cycle(at=P.DIRECTIVE)
    with pytest.raises(Conflict) as info:
        cycles.advance(c, cycles.PhaseFacts(), date(2026, 6, 30))
    assert info.value.rule == "phase.directive_not_adopted"
    cycles.advance(c, cycles.PhaseFacts(has_adopted_directive=True), date(2026, 6, 30))


def test_tax_rate_phase_ends_only_with_a_decided_tax_rate() -> None:
    c = cycle(at=P.TAX_RATE)
    with pytest.raises(Conflict) as info:
        cycles.advance(c, cycles.PhaseFacts(has_adopted_directive=True), date(2026, 11, 30))
    assert info.value.rule == "phase.tax_rate_missing"
    _, opened, _ = cycles.advance(c, cycles.PhaseFacts(True, Decimal("20.38")), date(2026, 11, 30))
    assert opened is not None and opened.kind is P.OPERATIONAL_PLANNING


def test_overdue_means_not_done_after_the_due_date() -> None:
    p = cycle().phases[0]  # due 2026-03-31
    assert not p.overdue(date(2026, 3, 31))
    assert p.overdue(date(2026, 4, 1))
    assert not replace(p, state=PhaseState.DONE).overdue(date(2027, 1, 1))
    assert not replace(p, due_on=None).overdue(date(2030, 1, 1))
    assert replace(p, state=PhaseState.NOT_STARTED).overdue(date(2026, 4, 1))


def test_an_operation_outside_its_phases_is_refused_naming_the_phase() -> None:
    c = cycle(at=P.CONDITIONS_ANALYSIS)
    with pytest.raises(PhaseNotAllowed) as info:
        cycles.require_phase(c, "createDirective", cycles.DRAFTING_PHASES)
    err = info.value
    assert err.rule == "cycle.phase" and err.key == TARGET and err.code == "CONFLICT"
    assert "CONDITIONS_ANALYSIS" in err.message and "allowed in DIRECTIVE" in err.message
    assert err.extensions()["phase"] == "CONDITIONS_ANALYSIS"
    assert cycles.require_phase(cycle(at=P.DIRECTIVE), "createDirective", cycles.DRAFTING_PHASES).kind is P.DIRECTIVE


def test_a_completed_cycle_allows_nothing_and_a_mandate_cycle_never_allows_plans() -> None:
    c = cycle(at=P.FOLLOW_UP)
    done = replace(c, phases=tuple(replace(p, state=PhaseState.DONE) for p in c.phases))
    with pytest.raises(PhaseNotAllowed) as info:
        cycles.require_phase(done, "submitPlan", cycles.PLAN_PHASES)
    assert info.value.phase == "COMPLETED"
    with pytest.raises(PhaseNotAllowed) as info:
        cycles.require_phase(cycle(CycleKind.MANDATE_PERIOD), "createOperationalPlan", cycles.PLAN_PHASES)
    assert info.value.phase == "STRATEGIC_ANALYSIS" and "never allows" in info.value.message


def test_analysis_is_written_in_the_analysis_phases() -> None:
    cycles.require_phase(cycle(CycleKind.MANDATE_PERIOD), "writeAnalysisSection", cycles.ANALYSIS_PHASES)
    cycles.require_phase(cycle(at=P.CONDITIONS_ANALYSIS), "writeAnalysisSection", cycles.ANALYSIS_PHASES)
    with pytest.raises(PhaseNotAllowed):
        cycles.require_phase(cycle(at=P.DIRECTIVE), "writeAnalysisSection", cycles.ANALYSIS_PHASES)
    assert cycles.check_analysis_text("  Omvärld  ") == "Omvärld"
    with pytest.raises(DomainError) as info:
        cycles.check_analysis_text("   ")
    assert info.value.rule == "analysis.text_required"


def test_schedule_checks_dates_and_refuses_done_phases() -> None:
    c = cycle(at=P.DIRECTIVE)
    assert cycles.check_schedule(c, P.TAX_RATE, date(2026, 7, 1), date(2026, 11, 30)).kind is P.TAX_RATE
    with pytest.raises(DomainError) as info:
        cycles.check_schedule(c, P.TAX_RATE, date(2026, 12, 1), date(2026, 11, 30))
    assert info.value.rule == "phase.dates_order"
    with pytest.raises(Conflict) as info:
        cycles.check_schedule(c, P.CONDITIONS_ANALYSIS, None, date(2026, 4, 30))
    assert info.value.rule == "phase.done"
    with pytest.raises(DomainError) as info:
        cycles.check_schedule(c, P.GOAL_REVIEW, None, None)
    assert info.value.rule == "phase.kind"


def test_the_current_cycle_is_the_newest_that_has_begun() -> None:
    c2026, c2027, c2028 = cycle(start=2026), cycle(start=2027), cycle(start=2028)
    candidates = [c2028, c2026, c2027]
    # Budget year 2027 begins with its analysis of planning conditions in January 2026.
    assert cycles.current_cycle(candidates, date(2026, 11, 26)) is c2027
    assert cycles.current_cycle(candidates, date(2027, 1, 15)) is c2028
    assert cycles.current_cycle(candidates, date(2020, 1, 1)) is c2026  # nothing begun: the next one
    assert cycles.current_cycle([], date(2026, 1, 1)) is None


def test_phase_dates_stay_within_the_cycles_window() -> None:
    c = cycle(start=2027, at=P.DIRECTIVE)
    assert cycles.schedule_window(c) == (date(2025, 1, 1), date(2028, 12, 31))
    assert cycles.schedule_window(cycle(CycleKind.MANDATE_PERIOD, 2027)) == (date(2026, 1, 1), date(2031, 12, 31))
    for phase in c.phases:  # the defaults fit
        assert phase.opens_on and phase.due_on
        assert cycles.schedule_window(c)[0] <= phase.opens_on <= phase.due_on <= cycles.schedule_window(c)[1]
    with pytest.raises(DomainError) as info:
        cycles.check_schedule(c, P.TAX_RATE, date(2020, 7, 1), None)
    assert (info.value.key, info.value.rule) == ("opens_on", "phase.dates_range")
    with pytest.raises(DomainError) as info:
        cycles.check_schedule(c, P.FOLLOW_UP, None, date(2029, 1, 1))
    assert (info.value.key, info.value.rule) == ("due_on", "phase.dates_range")
