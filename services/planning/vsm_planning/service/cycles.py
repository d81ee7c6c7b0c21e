"""Use cases of planning cycles (planeringscykler): opening one, moving through its phases (faser), scheduling
them and writing its analysis."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from vsm_common import contracts
from vsm_common.errors import TARGET, Conflict, NotFound

from ..domain import cycles, values
from ..domain.model import AnalysisSection, AnalysisSectionKind, CycleKind, OrganizationKind, PhaseKind, PlanningCycle
from ..ports import PlanningUnitOfWork
from . import events


async def locked_cycle(uow: PlanningUnitOfWork, cycle_id: uuid.UUID, *, share: bool = False) -> PlanningCycle:
    """The cycle, locked: exclusively to change its phases, shared to work within its current phase. One that
    is missing is refused at TARGET: the cycle addressed, or the directive or plan whose cycle it is."""
    cycle = await uow.cycles.lock(cycle_id, share=share)
    if cycle is None:
        raise NotFound(f"no planning cycle {cycle_id}", key=TARGET, rule="cycle.exists")
    return cycle


async def open_cycle(
    uow: PlanningUnitOfWork, kind: CycleKind, start_year: int, cycle_id: uuid.UUID | None = None
) -> PlanningCycle:
    start, end = cycles.cycle_span(kind, start_year)
    async with uow:
        # Overlap is a rule across rows: serialise the openings so two cannot both pass the check.
        await uow.cycles.serialise_openings()
        cycles.check_no_overlap(kind, start, end, await uow.cycles.of_kind(kind))
        found = await uow.known_organizations.first_of_kind(
            [OrganizationKind.COUNCIL, OrganizationKind.EXECUTIVE_BOARD]
        )
        responsible = {OrganizationKind(k): v for k, v in found.items()}
        cycle = PlanningCycle(
            id=cycle_id or uuid.uuid4(),
            kind=kind,
            start_year=start,
            end_year=end,
            title=cycles.cycle_title(kind, start, end),
            phases=cycles.default_phases(kind, start, responsible),
        )
        if not await uow.cycles.add(cycle):
            raise Conflict(f"{cycle.title} is already open", key="start_year", rule="cycle.overlap")
        await uow.emit(contracts.planning.CYCLE_OPENED, str(cycle.id), events.cycle_opened(cycle))
    return cycle


async def _phase_facts(uow: PlanningUnitOfWork, cycle: PlanningCycle) -> cycles.PhaseFacts:
    return cycles.PhaseFacts(
        has_adopted_directive=await uow.directives.has_adopted(cycle.id),
        tax_rate=(await uow.directives.tax_rates_of_cycles([cycle.id])).get(cycle.id),
    )


async def advance_phase(uow: PlanningUnitOfWork, cycle_id: uuid.UUID, on: date | None = None) -> PlanningCycle:
    async with uow:
        cycle = await locked_cycle(uow, cycle_id)
        completed, opened, phases = cycles.advance(cycle, await _phase_facts(uow, cycle), on or uow.today())
        await uow.cycles.save_phases(cycle.id, [completed] + ([opened] if opened else []))
        cycle = replace(cycle, phases=phases)
        await uow.emit(
            contracts.planning.PHASE_ADVANCED, str(cycle.id), events.phase_advanced(cycle, completed, opened)
        )
    return cycle


async def schedule_phase(
    uow: PlanningUnitOfWork,
    cycle_id: uuid.UUID,
    kind: PhaseKind,
    opens_on: date | None,
    due_on: date | None,
    responsible_id: uuid.UUID | None,
) -> PlanningCycle:
    """Set a phase's dates and responsible organisation; what is not given stays as it is."""
    async with uow:
        cycle = await locked_cycle(uow, cycle_id)
        phase = cycle.phase(kind)
        if phase is not None:
            opens_on = opens_on or phase.opens_on
            due_on = due_on or phase.due_on
        phase = cycles.check_schedule(cycle, kind, opens_on, due_on)
        if responsible_id is not None:
            values.known_organizations(
                [responsible_id], await uow.known_organizations.by_ids([responsible_id]), "responsible_id"
            )
        changed = replace(
            phase, opens_on=opens_on, due_on=due_on, responsible_id=responsible_id or phase.responsible_id
        )
        if changed == phase:
            return cycle
        await uow.cycles.save_phase(cycle.id, changed)
        cycle = replace(cycle, phases=tuple(changed if p.kind is kind else p for p in cycle.phases))
        await uow.emit(contracts.planning.PHASE_SCHEDULED, str(cycle.id), events.phase_scheduled(cycle, changed))
    return cycle


async def write_analysis_section(
    uow: PlanningUnitOfWork, cycle_id: uuid.UUID, kind: AnalysisSectionKind, text: str
) -> tuple[PlanningCycle, AnalysisSection | None]:
    text = cycles.check_analysis_text(text)
    async with uow:
        cycle = await locked_cycle(uow, cycle_id)
        cycles.require_phase(cycle, "writeAnalysisSection", cycles.ANALYSIS_PHASES)
        section = await uow.cycles.write_section(cycle.id, kind, text)
        if section is not None:
            await uow.emit(contracts.planning.ANALYSIS_WRITTEN, str(cycle.id), events.analysis_written(cycle, section))
    return cycle, section
