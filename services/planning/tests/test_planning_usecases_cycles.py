"""Use cases of planning cycles on the in-memory unit of work: what they store, commit and publish."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from planning_fakes import FakePlanningUnitOfWork
from planning_fixtures import KF, KS, cycle, directive

from vsm_common import contracts
from vsm_common.errors import Conflict, NotFound
from vsm_common.testing import FIXED_TODAY
from vsm_planning.domain.errors import PhaseNotAllowed
from vsm_planning.domain.model import (
    AnalysisSectionKind,
    CycleKind,
    DirectiveState,
    PhaseKind,
    PhaseState,
)
from vsm_planning.service import cycles as cycle_cases

P = PhaseKind


def unit() -> FakePlanningUnitOfWork:
    uow = FakePlanningUnitOfWork()
    uow.known_organizations.given(KF, KS)
    return uow


async def test_opening_a_cycle_stores_its_phases_with_the_responsible_and_publishes_it() -> None:
    uow = unit()
    opened = await cycle_cases.open_cycle(uow, CycleKind.ANNUAL, 2028)
    assert uow.committed and uow.cycles.openings_serialised == 1
    assert uow.cycles.cycles[opened.id] == opened
    assert opened.title == "Budgetår 2028"
    directive_phase = opened.phase(P.DIRECTIVE)
    assert opened.phases[0].state is PhaseState.OPEN
    assert directive_phase is not None and directive_phase.responsible_id == KF.id
    [event] = uow.published
    assert event.type == contracts.planning.CYCLE_OPENED.name and event.subject == str(opened.id)
    assert event.data["startYear"] == 2028


async def test_a_cycle_overlapping_one_of_its_kind_is_refused() -> None:
    uow = unit()
    uow.cycles.given(cycle(CycleKind.MANDATE_PERIOD, 2027))
    with pytest.raises(Conflict) as info:
        await cycle_cases.open_cycle(uow, CycleKind.MANDATE_PERIOD, 2029)
    assert info.value.rule == "cycle.overlap"
    assert uow.rolled_back and uow.published == [] and len(uow.cycles.cycles) == 1


async def test_advancing_closes_the_open_phase_on_the_units_day_and_opens_the_next() -> None:
    uow = unit()
    c = cycle(at=P.CONDITIONS_ANALYSIS)
    uow.cycles.given(c)
    advanced = await cycle_cases.advance_phase(uow, c.id)
    stored = uow.cycles.cycles[c.id]
    assert stored == advanced and stored.current_phase is not None and stored.current_phase.kind is P.DIRECTIVE
    done = stored.phase(P.CONDITIONS_ANALYSIS)
    assert done is not None and done.state is PhaseState.DONE and done.completed_on == FIXED_TODAY
    assert uow.types() == [contracts.planning.PHASE_ADVANCED.name]


async def test_the_directive_phase_does_not_end_before_kf_has_adopted_a_directive() -> None:
    uow = unit()
    c = cycle(at=P.DIRECTIVE)
    uow.cycles.given(c)
    uow.directives.given(directive(state=DirectiveState.DRAFT))
    with pytest.raises(Conflict) as info:
        await cycle_cases.advance_phase(uow, c.id)
    assert info.value.rule == "phase.directive_not_adopted"
    assert uow.rolled_back and uow.cycles.cycles[c.id] == c and uow.published == []


async def test_scheduling_a_phase_keeps_what_is_not_given() -> None:
    uow = unit()
    c = cycle(at=P.CONDITIONS_ANALYSIS)
    uow.cycles.given(c)
    await cycle_cases.schedule_phase(uow, c.id, P.TAX_RATE, None, date(2026, 11, 15), KS.id)
    phase = uow.cycles.cycles[c.id].phase(P.TAX_RATE)
    before = c.phase(P.TAX_RATE)
    assert phase is not None and before is not None
    assert (phase.opens_on, phase.due_on, phase.responsible_id) == (before.opens_on, date(2026, 11, 15), KS.id)
    [event] = uow.published
    assert event.type == contracts.planning.PHASE_SCHEDULED.name and event.data["dueOn"] == "2026-11-15"


async def test_a_phase_is_not_made_the_responsibility_of_an_organisation_planning_does_not_know() -> None:
    uow = unit()
    c = cycle(at=P.CONDITIONS_ANALYSIS)
    uow.cycles.given(c)
    with pytest.raises(NotFound) as info:
        await cycle_cases.schedule_phase(uow, c.id, P.TAX_RATE, None, None, uuid.uuid4())
    assert (info.value.rule, info.value.key) == ("organization.exists", "responsible_id")
    assert uow.rolled_back and uow.cycles.cycles[c.id] == c


async def test_writing_an_analysis_section_stores_it_once_per_text() -> None:
    uow = unit()
    c = cycle(at=P.CONDITIONS_ANALYSIS)
    uow.cycles.given(c)
    _, section = await cycle_cases.write_analysis_section(uow, c.id, AnalysisSectionKind.EXTERNAL_ANALYSIS, " Text ")
    assert section is not None and (section.text, section.version) == ("Text", 1)
    _, again = await cycle_cases.write_analysis_section(uow, c.id, AnalysisSectionKind.EXTERNAL_ANALYSIS, "Text")
    assert again is None and uow.committed
    assert uow.types() == [contracts.planning.ANALYSIS_WRITTEN.name]


async def test_the_analysis_is_written_only_in_an_analysis_phase() -> None:
    uow = unit()
    c = cycle(at=P.DIRECTIVE)
    uow.cycles.given(c)
    with pytest.raises(PhaseNotAllowed) as info:
        await cycle_cases.write_analysis_section(uow, c.id, AnalysisSectionKind.BASE_FACTS, "Basfakta")
    assert (info.value.rule, info.value.phase) == ("cycle.phase", "DIRECTIVE")
    assert uow.cycles.sections == {} and uow.published == []
