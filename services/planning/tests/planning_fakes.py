"""In-memory repositories and unit of work of planning, for the use-case and handler unit tests.

Each fake keeps its aggregate in dicts and implements the methods of ``ports`` the use cases and
handlers call, with the same answers as the SQL (e.g. ``add`` refuses a second first revision of a kind);
``given(...)`` arranges state. ``FakePlanningUnitOfWork`` holds them and records commit and events.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from vsm_common.testing import MemoryUnitOfWork
from vsm_planning.domain.model import (
    AnalysisSection,
    AnalysisSectionKind,
    Assignment,
    AssignmentState,
    BudgetFrame,
    BudgetLine,
    CycleKind,
    Directive,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    EstablishedBy,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalLevel,
    GoalLink,
    GoalRefusal,
    GoalState,
    KnownGoal,
    KnownOrganization,
    OperationalPlan,
    OrganizationKind,
    Phase,
    PlanningCycle,
)

Ids = Sequence[uuid.UUID]
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


class FakeCycles:
    def __init__(self) -> None:
        self.cycles: dict[uuid.UUID, PlanningCycle] = {}
        self.sections: dict[tuple[uuid.UUID, AnalysisSectionKind], AnalysisSection] = {}
        self.openings_serialised = 0

    def given(self, *cycles: PlanningCycle) -> None:
        self.cycles.update({c.id: c for c in cycles})

    async def serialise_openings(self) -> None:
        self.openings_serialised += 1

    async def add(self, cycle: PlanningCycle) -> bool:
        if any(c.kind is cycle.kind and c.start_year == cycle.start_year for c in self.cycles.values()):
            return False
        self.cycles[cycle.id] = cycle
        return True

    async def save_phase(self, cycle_id: uuid.UUID, phase: Phase) -> None:
        c = self.cycles[cycle_id]
        self.cycles[cycle_id] = replace(c, phases=tuple(phase if p.kind is phase.kind else p for p in c.phases))

    async def save_phases(self, cycle_id: uuid.UUID, phases: Sequence[Phase]) -> None:
        for phase in phases:
            await self.save_phase(cycle_id, phase)

    async def lock(self, cycle_id: uuid.UUID, *, share: bool = False) -> PlanningCycle | None:
        return self.cycles.get(cycle_id)

    async def of_kind(self, kind: CycleKind | None) -> list[PlanningCycle]:
        return sorted(
            (c for c in self.cycles.values() if kind is None or c.kind is kind), key=lambda c: (c.kind, c.start_year)
        )

    async def write_section(self, cycle_id: uuid.UUID, kind: AnalysisSectionKind, text: str) -> AnalysisSection | None:
        old = self.sections.get((cycle_id, kind))
        if old is not None and old.text == text:
            return None
        section = AnalysisSection(kind, text, old.version + 1 if old else 1, NOW)
        self.sections[(cycle_id, kind)] = section
        return section


class FakeDirectiveContent:
    def __init__(self) -> None:
        self.content: dict[uuid.UUID, DirectiveContent] = {}
        self.directives: FakeDirectives  # set by the unit of work: frames in force need the adopted directive

    def given(self, directive_id: uuid.UUID, content: DirectiveContent) -> None:
        self.content[directive_id] = content

    def _of(self, directive_id: uuid.UUID) -> DirectiveContent:
        return self.content.get(directive_id, DirectiveContent())

    def _set(self, directive_id: uuid.UUID, **changes: object) -> None:
        self.content[directive_id] = replace(self._of(directive_id), **changes)  # type: ignore[arg-type]

    async def content_of(self, directive_id: uuid.UUID) -> DirectiveContent:
        return self._of(directive_id)

    async def assignments_of(self, directive_ids: Ids) -> dict[uuid.UUID, list[Assignment]]:
        return {d: list(self._of(d).assignments) for d in directive_ids if self._of(d).assignments}

    async def insert_recipients(self, directive_id: uuid.UUID, org_ids: Ids) -> None:
        self._set(directive_id, recipient_ids=self._of(directive_id).recipient_ids + tuple(org_ids))

    async def replace_recipients(self, directive_id: uuid.UUID, recipient_ids: Ids, removed_ids: Ids) -> None:
        c = self._of(directive_id)
        gone = set(removed_ids)
        self._set(
            directive_id,
            recipient_ids=tuple(recipient_ids),
            frames=tuple(f for f in c.frames if f.organization_id not in gone),
            assignments=tuple(
                replace(a, recipient_ids=tuple(o for o in a.recipient_ids if o not in gone)) for a in c.assignments
            ),
        )

    async def upsert_frames(self, directive_id: uuid.UUID, frames: Sequence[BudgetFrame]) -> None:
        merged = {(f.organization_id, f.year): f for f in self._of(directive_id).frames}
        merged.update({(f.organization_id, f.year): f for f in frames})
        self._set(directive_id, frames=tuple(merged.values()))

    async def add_goals(self, directive_id: uuid.UUID, goal_ids: Ids) -> list[uuid.UUID]:
        have = self._of(directive_id).concrete_goal_ids
        added = [g for g in dict.fromkeys(goal_ids) if g not in have]
        self._set(directive_id, concrete_goal_ids=have + tuple(added))
        return added

    async def add_assignment(self, directive_id: uuid.UUID, a: Assignment) -> None:
        self._set(directive_id, assignments=(*self._of(directive_id).assignments, a))

    async def copy(self, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
        self.content[to_id] = self._of(from_id)

    async def set_assignment_state(self, assignment_id: uuid.UUID, state: AssignmentState) -> None:
        for did, c in list(self.content.items()):
            if self.directives.directives[did].state is DirectiveState.SUPERSEDED:
                continue
            self._set(
                did, assignments=tuple(replace(a, state=state) if a.id == assignment_id else a for a in c.assignments)
            )

    async def frames_in_force(
        self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], list[tuple[uuid.UUID, BudgetFrame]]]:
        out: dict[tuple[uuid.UUID, uuid.UUID], list[tuple[uuid.UUID, BudgetFrame]]] = {}
        for cycle_id, org_id in keys:
            for d in self.directives.directives.values():
                if d.cycle_id == cycle_id and d.state is DirectiveState.ADOPTED:
                    for f in self._of(d.id).frames:
                        if f.organization_id == org_id:
                            out.setdefault((cycle_id, org_id), []).append((d.id, f))
        return out


class FakeDirectives:
    def __init__(self, content: FakeDirectiveContent) -> None:
        self.directives: dict[uuid.UUID, Directive] = {}
        self._content = content

    def given(self, directive: Directive, content: DirectiveContent | None = None) -> None:
        self.directives[directive.id] = directive
        if content is not None:
            self._content.given(directive.id, content)

    async def add(self, d: Directive) -> bool:
        if d.revision == 1 and any(
            o.cycle_id == d.cycle_id and o.kind is d.kind and o.revision == 1 for o in self.directives.values()
        ):
            return False
        self.directives[d.id] = d
        return True

    async def save(self, d: Directive) -> None:
        self.directives[d.id] = d

    async def exists_for(self, cycle_id: uuid.UUID, kind: DirectiveKind) -> Directive | None:
        return next(
            (d for d in self.directives.values() if d.cycle_id == cycle_id and d.kind is kind and d.revision == 1),
            None,
        )

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, Directive]:
        return {i: self.directives[i] for i in ids if i in self.directives}

    async def lock(self, directive_id: uuid.UUID) -> Directive | None:
        return self.directives.get(directive_id)

    async def lineage_revision(self, lineage_id: uuid.UUID, state: DirectiveState) -> Directive | None:
        return next(
            (d for d in self.directives.values() if d.lineage_id == lineage_id and d.state is state),
            None,
        )

    async def in_force_with_assignment(self, assignment_id: uuid.UUID) -> Directive | None:
        holding = [
            d
            for d in self.directives.values()
            if any(a.id == assignment_id for a in self._content._of(d.id).assignments)
        ]
        return max(holding, key=lambda d: (d.state is DirectiveState.ADOPTED, d.revision), default=None)

    async def has_adopted(self, cycle_id: uuid.UUID) -> bool:
        return any(d.cycle_id == cycle_id and d.state is DirectiveState.ADOPTED for d in self.directives.values())

    async def tax_rates_of_cycles(self, cycle_ids: Ids) -> dict[uuid.UUID, Decimal]:
        return {
            d.cycle_id: d.tax_rate
            for d in self.directives.values()
            if d.cycle_id in cycle_ids
            and d.state is DirectiveState.ADOPTED
            and d.kind is DirectiveKind.PLANNING_DIRECTIVE
            and d.tax_rate is not None
        }

    async def receives_adopted(self, cycle_id: uuid.UUID, org_id: uuid.UUID) -> bool:
        return any(
            d.cycle_id == cycle_id
            and d.state is DirectiveState.ADOPTED
            and org_id in self._content._of(d.id).recipient_ids
            for d in self.directives.values()
        )


class FakePlans:
    def __init__(self) -> None:
        self.plans: dict[uuid.UUID, OperationalPlan] = {}
        self.goals: dict[uuid.UUID, list[uuid.UUID]] = {}
        self.lines: dict[uuid.UUID, list[BudgetLine]] = {}

    def given(
        self, plan: OperationalPlan, goal_ids: Sequence[uuid.UUID] = (), lines: Sequence[BudgetLine] = ()
    ) -> None:
        self.plans[plan.id] = plan
        self.goals[plan.id] = list(goal_ids)
        self.lines[plan.id] = list(lines)

    async def add(self, p: OperationalPlan) -> bool:
        if any(o.cycle_id == p.cycle_id and o.organization_id == p.organization_id for o in self.plans.values()):
            return False
        self.given(p)
        return True

    async def save(self, p: OperationalPlan) -> None:
        self.plans[p.id] = p

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, OperationalPlan]:
        return {i: self.plans[i] for i in ids if i in self.plans}

    async def lock(self, plan_id: uuid.UUID) -> OperationalPlan | None:
        return self.plans.get(plan_id)

    async def goal_ids_of(self, plan_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
        return {p: list(self.goals[p]) for p in plan_ids if self.goals.get(p)}

    async def add_goals(self, plan_id: uuid.UUID, goal_ids: Ids) -> list[uuid.UUID]:
        added = [g for g in dict.fromkeys(goal_ids) if g not in self.goals[plan_id]]
        self.goals[plan_id].extend(added)
        return added

    async def replace_budget_lines(self, plan_id: uuid.UUID, lines: Sequence[BudgetLine]) -> None:
        self.lines[plan_id] = list(lines)

    async def budget_lines_of(self, plan_ids: Ids) -> dict[uuid.UUID, list[BudgetLine]]:
        return {p: list(self.lines[p]) for p in plan_ids if self.lines.get(p)}


_RANK = {GoalState.DRAFT: 0, GoalState.ADOPTED: 1, GoalState.RETIRED: 2}


class FakeKnownGoals:
    def __init__(self) -> None:
        self.goals: dict[uuid.UUID, KnownGoal] = {}
        self.revisions: dict[uuid.UUID, int] = {}
        self.links: list[GoalLink] = []

    def given(self, *goals: KnownGoal) -> None:
        for g in goals:
            self.goals[g.id] = g
            self.links.extend(GoalLink(g.id, p) for p in g.parent_ids)

    def _goal(self, goal_id: uuid.UUID) -> KnownGoal:
        return self.goals.get(goal_id) or KnownGoal(goal_id, None, GoalState.DRAFT, None)

    def _parents(self, goal_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
        return tuple(sorted({ln.parent_id for ln in self.links if ln.child_id == goal_id and ln.effective_to is None}))

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, KnownGoal]:
        return {i: replace(self.goals[i], parent_ids=self._parents(i)) for i in ids if i in self.goals}

    async def project_state(
        self,
        goal_id: uuid.UUID,
        state: GoalState,
        level: str | None = None,
        *,
        adopted_on: date | None = None,
        retired_on: date | None = None,
    ) -> None:
        g = self._goal(goal_id)
        self.goals[goal_id] = replace(
            g,
            level=g.level or (GoalLevel(level) if level else None),
            state=state if _RANK[state] > _RANK[g.state] else g.state,
            adopted_on=g.adopted_on or adopted_on,
            retired_on=g.retired_on or retired_on,
        )

    async def state(self, goal_id: uuid.UUID) -> GoalState | None:
        g = self.goals.get(goal_id)
        return g.state if g else None

    async def project_content(
        self,
        goal_id: uuid.UUID,
        revision: int,
        *,
        level: str | None,
        title: str,
        valid_from: date | None,
        valid_to: date | None,
        organization_ids: Sequence[uuid.UUID],
    ) -> bool:
        if revision <= self.revisions.get(goal_id, -1):
            return False
        self.revisions[goal_id] = revision
        g = self._goal(goal_id)
        self.goals[goal_id] = replace(
            g,
            level=GoalLevel(level) if level else g.level,
            title=title,
            valid_from=valid_from,
            valid_to=valid_to,
            organization_ids=tuple(organization_ids),
        )
        return True

    async def add_links(self, child_id: uuid.UUID, parent_ids: Ids, effective_from: date | None = None) -> None:
        for p in parent_ids:
            if not any(
                ln.child_id == child_id
                and ln.parent_id == p
                and (ln.effective_to is None or ln.effective_from == effective_from)
                for ln in self.links
            ):
                self.links.append(GoalLink(child_id, p, effective_from))

    async def end_link(self, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None) -> None:
        for i, ln in enumerate(self.links):
            if ln.child_id == child_id and ln.parent_id == parent_id and ln.effective_to is None:
                if effective_to is None:
                    del self.links[i]
                else:
                    self.links[i] = replace(ln, effective_to=effective_to)
                return


class FakeKnownOrganizations:
    def __init__(self) -> None:
        self.organizations: dict[uuid.UUID, KnownOrganization] = {}

    def given(self, *orgs: KnownOrganization) -> None:
        self.organizations.update({o.id: o for o in orgs})

    async def upsert(self, org_id: uuid.UUID, code: str, name: str, kind: str, parent_id: uuid.UUID | None) -> None:
        self.organizations[org_id] = KnownOrganization(org_id, code, name, OrganizationKind(kind), parent_id)

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, KnownOrganization]:
        return {i: self.organizations[i] for i in ids if i in self.organizations}

    async def first_of_kind(self, kinds: Sequence[OrganizationKind]) -> dict[str, uuid.UUID]:
        out: dict[str, uuid.UUID] = {}
        for o in sorted(self.organizations.values(), key=lambda o: o.code):
            if o.kind in kinds:
                out.setdefault(o.kind.value, o.id)
        return out


class FakeEstablishments:
    def __init__(self) -> None:
        self.answers: dict[uuid.UUID, GoalEstablishment] = {}

    def given(self, *answers: GoalEstablishment) -> None:
        self.answers.update({a.subject_id: a for a in answers})

    async def request(self, subject_id: uuid.UUID, kind: EstablishedBy, state: GoalEstablishmentState) -> None:
        answered = None if state is GoalEstablishmentState.PENDING else NOW
        self.answers.setdefault(subject_id, GoalEstablishment(subject_id, kind, state, (), answered))

    async def record(
        self,
        subject_id: uuid.UUID,
        kind: EstablishedBy,
        state: GoalEstablishmentState,
        refusals: Sequence[GoalRefusal],
    ) -> None:
        self.answers[subject_id] = GoalEstablishment(subject_id, kind, state, tuple(refusals), NOW)

    async def by_ids(self, subject_ids: Ids) -> dict[uuid.UUID, GoalEstablishment]:
        return {s: self.answers[s] for s in subject_ids if s in self.answers}


class FakePlanningUnitOfWork(MemoryUnitOfWork):
    """``ports.PlanningUnitOfWork`` in memory."""

    def __init__(self) -> None:
        super().__init__("vsm.planning.events", "/vsm/planning")
        self.cycles = FakeCycles()
        self.directive_content = FakeDirectiveContent()
        self.directives = FakeDirectives(self.directive_content)
        self.directive_content.directives = self.directives
        self.plans = FakePlans()
        self.known_goals = FakeKnownGoals()
        self.known_organizations = FakeKnownOrganizations()
        self.establishments = FakeEstablishments()

    def types(self) -> list[str]:
        """The types of the events published (committed), in order."""
        return [e.type for e in self.published]
