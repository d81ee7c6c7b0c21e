"""Builders for the planning unit tests (pure domain, no I/O)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from vsm_planning.domain import cycles
from vsm_planning.domain.model import (
    CycleKind,
    Directive,
    DirectiveKind,
    DirectiveState,
    GoalLevel,
    GoalState,
    KnownGoal,
    KnownOrganization,
    OperationalPlan,
    OrganizationKind,
    PhaseKind,
    PhaseState,
    PlanningCycle,
    PlanState,
)

KF = KnownOrganization(uuid.uuid4(), "KF", "Kommunfullmäktige", OrganizationKind.COUNCIL)
KS = KnownOrganization(uuid.uuid4(), "KS", "Kommunstyrelsen", OrganizationKind.EXECUTIVE_BOARD)
BUN = KnownOrganization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", OrganizationKind.COMMITTEE)
SN = KnownOrganization(uuid.uuid4(), "SN", "Socialnämnden", OrganizationKind.COMMITTEE)
HEM = KnownOrganization(uuid.uuid4(), "HEM", "Halmstads Energi och Miljö AB", OrganizationKind.COMPANY)
BUF = KnownOrganization(uuid.uuid4(), "BUF", "Barn- och ungdomsförvaltningen", OrganizationKind.ADMINISTRATION)


def cycle(kind: CycleKind = CycleKind.ANNUAL, start: int = 2027, at: PhaseKind | None = None) -> PlanningCycle:
    """A new cycle, moved on to phase ``at`` (earlier phases DONE) if given."""
    start_year, end_year = cycles.cycle_span(kind, start)
    phases = cycles.default_phases(
        kind, start, {OrganizationKind.COUNCIL: KF.id, OrganizationKind.EXECUTIVE_BOARD: KS.id}
    )
    c = PlanningCycle(uuid.uuid4(), kind, start_year, end_year, cycles.cycle_title(kind, start_year, end_year), phases)
    if at is None:
        return c
    order = [p.kind for p in c.phases]
    target = order.index(at)
    return replace(
        c,
        phases=tuple(
            replace(
                p, state=PhaseState.DONE if i < target else PhaseState.OPEN if i == target else PhaseState.NOT_STARTED
            )
            for i, p in enumerate(c.phases)
        ),
    )


def directive(
    kind: DirectiveKind = DirectiveKind.PLANNING_DIRECTIVE,
    state: DirectiveState = DirectiveState.DRAFT,
    revision: int = 1,
    year: int = 2027,
) -> Directive:
    did = uuid.uuid4()
    return Directive(did, did, uuid.uuid4(), kind, year, "Planeringsdirektiv 2027", state, revision)


def goal(
    level: GoalLevel,
    *orgs: KnownOrganization,
    parents: tuple[uuid.UUID, ...] = (),
    state: GoalState = GoalState.DRAFT,
) -> KnownGoal:
    return KnownGoal(uuid.uuid4(), level, state, f"{level} goal", tuple(o.id for o in orgs), parents)


def plan(org: KnownOrganization = BUN, state: PlanState = PlanState.DRAFT) -> OperationalPlan:
    return OperationalPlan(uuid.uuid4(), uuid.uuid4(), org.id, cycles.plan_years(2027), state)


def on(y: int, m: int, d: int) -> date:
    return date(y, m, d)
