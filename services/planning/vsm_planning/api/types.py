"""GraphQL types of the planning subgraph; relations resolve through the request's DataLoaders."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from vsm_common import clock, descriptions
from vsm_common.federation import selected_arguments
from vsm_common.graphql import describe_enum_values, parse_id

from ..domain import model, rules
from ..domain.model import (
    AnalysisSectionKind,
    AssignmentState,
    CycleKind,
    DirectiveKind,
    DirectiveState,
    GoalEstablishmentState,
    PhaseKind,
    PhaseState,
    PlanState,
)
from .context import PlanningContext

PInfo = Info[PlanningContext, None]
AsOfArgument = Annotated[
    date | None,
    strawberry.argument(
        description="The goal structure in force on this date (goals adopted by then and not retired, links in "
        "effect that day); without it, as it stands today, drafts included."
    ),
]

strawberry.enum(
    CycleKind,
    name="CycleKind",
    description="Kind of planning cycle: the long-term part per mandate period (mandatperiod, 4 years) "
    "or the annual part per budget year (budgetår).",
)
strawberry.enum(
    PhaseKind,
    name="PhaseKind",
    description="Phase of a cycle (fas): strategisk analys and översyn av övergripande mål (mandate period); "
    "analys av planeringsförutsättningar, planeringsdirektiv, skattesats, verksamhetsplanering, "
    "sammanställning and uppföljning (annual).",
)
strawberry.enum(PhaseState, name="PhaseState", description="State of a phase: ej påbörjad, pågår, avslutad.")
strawberry.enum(
    AnalysisSectionKind,
    name="AnalysisSectionKind",
    description="Section of an analysis: omvärldsanalys (external), invärldsanalys (internal), basfakta.",
)
strawberry.enum(
    DirectiveKind, name="DirectiveKind", description="planeringsdirektiv (to nämnder) or ägardirektiv (to bolag)."
)
strawberry.enum(DirectiveState, name="DirectiveState", description="State of a directive: utkast, antaget, ersatt.")
strawberry.enum(
    AssignmentState,
    name="AssignmentState",
    description="State of a särskilt uppdrag: ej påbörjat, pågår, genomfört.",
)
strawberry.enum(
    PlanState,
    name="PlanState",
    description="State of a verksamhetsplan: utkast, inlämnad, antagen, återremitterad.",
)
strawberry.enum(
    GoalEstablishmentState,
    name="GoalEstablishmentState",
    description="Whether the goals service has established the goals of an adopted directive or verksamhetsplan.",
)
describe_enum_values(
    GoalEstablishmentState,
    {
        "PENDING": "Adopted; the goals service has not answered yet (usually a matter of seconds).",
        "ESTABLISHED": "Every goal is in force: adopted with this decision, or in force already.",
        "REFUSED": "A goal breaks a rule of the goal structure, so none was adopted (all or nothing); see refusals.",
    },
)
describe_enum_values(
    CycleKind,
    {
        "MANDATE_PERIOD": "The long-term part (långsiktig del), every 4 years per mandate period (mandatperiod).",
        "ANNUAL": "The annual part (årlig del), per budget year (budgetår).",
    },
)
describe_enum_values(
    PhaseKind,
    {
        "STRATEGIC_ANALYSIS": "Strategic analysis (strategisk analys): omvärldsanalys, invärldsanalys and basfakta.",
        "GOAL_REVIEW": "Review of the overarching goals (översyn av de övergripande målen).",
        "CONDITIONS_ANALYSIS": "Analysis of planning conditions (analys av planeringsförutsättningar), "
        "led by KS with nämnder and bolag.",
        "DIRECTIVE": "KF's planning directive or owner directive including budget "
        "(planeringsdirektiv/ägardirektiv inklusive budget).",
        "TAX_RATE": "KF's decision on the tax rate (beslut om skattesats).",
        "OPERATIONAL_PLANNING": "Operational planning for 3 years including internal budget "
        "(verksamhetsplanering inklusive internbudget).",
        "COMPILATION": "Compilation of the verksamhetsplaner (sammanställning), reported to KS and KF.",
        "FOLLOW_UP": "Follow-up, analysis and actions (uppföljning, analys och åtgärder).",
    },
)
describe_enum_values(
    PhaseState,
    {
        "NOT_STARTED": "Not started (ej påbörjad).",
        "OPEN": "Open, in progress (pågår).",
        "DONE": "Done (avslutad).",
    },
)
describe_enum_values(
    AnalysisSectionKind,
    {
        "EXTERNAL_ANALYSIS": "External analysis (omvärldsanalys).",
        "INTERNAL_ANALYSIS": "Internal analysis (invärldsanalys).",
        "BASE_FACTS": "Base facts (basfakta).",
    },
)
describe_enum_values(
    DirectiveKind,
    {
        "PLANNING_DIRECTIVE": "Planning directive (planeringsdirektiv), to nämnder.",
        "OWNER_DIRECTIVE": "Owner directive (ägardirektiv), to kommunala bolag.",
    },
)
describe_enum_values(
    DirectiveState,
    {
        "DRAFT": "Draft (utkast): not yet adopted.",
        "ADOPTED": "Adopted by KF (antaget): the revision in force.",
        "SUPERSEDED": "Superseded (ersatt) by a later adopted revision.",
    },
)
describe_enum_values(
    AssignmentState,
    {
        "NOT_STARTED": "Not started (ej påbörjat).",
        "IN_PROGRESS": "In progress (pågår).",
        "DONE": "Done (genomfört).",
    },
)
describe_enum_values(
    PlanState,
    {
        "DRAFT": "Draft (utkast), being written by the nämnd or bolag.",
        "SUBMITTED": "Submitted (inlämnad), with an internbudget that adds up to the frame.",
        "ADOPTED": "Adopted (antagen) by the nämnd or bolag with its own decision.",
        "RETURNED": "Returned for rework (återremitterad), with a reason; it can be changed again.",
    },
)


def _id(value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(str(value))


# ---------------------------------------------------------------- entities of other subgraphs
@strawberry.federation.type(keys=["id"], description=descriptions.ORGANIZATION)
class Organization:
    id: strawberry.ID = strawberry.field(description="Id of the organisation.")

    @classmethod
    def of(cls, org_id: uuid.UUID) -> Organization:
        return cls(id=_id(org_id))

    @strawberry.field(
        description="Budget frames (budgetramar) of this organisation for a year, from every adopted directive "
        "that sets one (the budget year's own directive and the directives of the two years before, where the "
        "year was a plan year), newest budget year first."
    )
    async def budget_frames(
        self, info: PInfo, year: Annotated[int, strawberry.argument(description="The year (år).")]
    ) -> list[BudgetFrame]:
        found = await info.context.loaders.org_frames.load((uuid.UUID(self.id), year))
        return [BudgetFrame.of(directive_id, f) for directive_id, f in found]

    @strawberry.field(
        description="Directives (planeringsdirektiv, ägardirektiv) addressed to this organisation, every revision."
    )
    async def directives(
        self,
        info: PInfo,
        budget_year: Annotated[int | None, strawberry.argument(description="Only this budget year (budgetår).")] = None,
        state: Annotated[
            DirectiveState | None, strawberry.argument(description="Only directives in this state.")
        ] = None,
    ) -> list[Directive]:
        found = await info.context.loaders.org_directives.load((uuid.UUID(self.id), budget_year))
        return [Directive.from_domain(d) for d in found if state is None or d.state is state]

    @strawberry.field(
        description="Its verksamhetsplan in an annual cycle; without cycleId, in the current annual cycle."
    )
    async def operational_plan(
        self,
        info: PInfo,
        cycle_id: Annotated[strawberry.ID | None, strawberry.argument(description="The annual cycle.")] = None,
    ) -> OperationalPlan | None:
        if cycle_id is not None:
            cid = parse_id(cycle_id, "cycleId")
        else:
            current = await info.context.loaders.current_cycle(CycleKind.ANNUAL)
            if current is None:
                return None
            cid = current.id
        plan = await info.context.loaders.org_plan.load((uuid.UUID(self.id), cid))
        return OperationalPlan.from_domain(plan) if plan else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Organization:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], description=descriptions.GOAL)
class Goal:
    id: strawberry.ID = strawberry.field(description="Id of the goal (mål).")
    # Filled by prefetch_entities (not part of the schema).
    _prefetched_plans: strawberry.Private[list[OperationalPlan] | None] = None

    @classmethod
    def of(cls, goal_id: uuid.UUID) -> Goal:
        return cls(id=_id(goal_id))

    @strawberry.field(
        description="The directive (planeringsdirektiv or ägardirektiv) whose adoption established this "
        "konkretiserat mål (fastställt genom): the first adopted revision that held it."
    )
    async def established_by(self, info: PInfo) -> Directive | None:
        try:
            key = uuid.UUID(self.id)
        except ValueError:
            return None
        d = await info.context.loaders.established_by.load(key)
        return Directive.from_domain(d) if d else None

    @strawberry.field(description="The verksamhetsplaner that hold this goal as a verksamhetsmål.")
    def plans(self, info: PInfo) -> list[OperationalPlan]:
        # Synchronous when `_entities` prefetched them (the committee dashboard); otherwise the
        # coroutine, which graphql-core awaits like any async resolver's.
        if self._prefetched_plans is not None:
            return self._prefetched_plans
        return self._plans(info)  # type: ignore[return-value]

    async def _plans(self, info: PInfo) -> list[OperationalPlan]:
        try:
            key = uuid.UUID(self.id)
        except ValueError:
            return []
        found = await info.context.loaders.goal_plans.load(key)
        return [OperationalPlan.from_domain(p) for p in found]

    @classmethod
    async def prefetch_entities(cls, info: PInfo, goals: list[Goal]) -> None:
        """One load of the plans of every goal the gateway asks about (vsm_common.federation)."""
        if not selected_arguments(info, "Goal", "plans"):
            return
        keys: list[uuid.UUID] = []
        for goal in goals:
            try:
                keys.append(uuid.UUID(goal.id))
            except ValueError:
                return  # resolved one by one (to an empty list)
        found = await info.context.loaders.goal_plans.load_many(keys)
        for goal, plans in zip(goals, found, strict=True):
            goal._prefetched_plans = [OperationalPlan.from_domain(p) for p in plans]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Goal:
        return cls(id=id)


@strawberry.federation.type(
    shareable=True, description="A decision (beslut): which body decided, when, paragraph (§) and diary number."
)
class Decision:
    body_id: strawberry.Private[uuid.UUID]
    date: date = strawberry.field(description="Date of the decision (beslutsdatum).")
    paragraph: str | None = strawberry.field(description='Paragraph in the minutes (paragraf), e.g. "§ 112".')
    diary_number: str | None = strawberry.field(description='Diary number (diarienummer), e.g. "KS 2026/00123".')

    @classmethod
    def from_domain(cls, d: model.Decision) -> Decision:
        return cls(body_id=d.body_id, date=d.date, paragraph=d.paragraph, diary_number=d.diary_number)

    @strawberry.field(description="The body that decided (beslutande organ).")
    def body(self) -> Organization:
        return Organization.of(self.body_id)


# ---------------------------------------------------------------- the goals service's answers (sagas)
@strawberry.type(description="A goal the goals service refused to establish, with the rule it breaks.")
class GoalRefusal:
    goal_id: strawberry.ID = strawberry.field(description="Id of the refused goal (also as goal).")
    rule: str = strawberry.field(
        description='The rule it breaks, a stable id, e.g. "goal.parent_in_force" (a goal it serves is not in force), '
        '"goal.adoption_needs_parent", "goal.concrete_validity", "goal.state", "decision.body_for_level".'
    )
    message: str = strawberry.field(description="What is wrong, in words (names goals and organisations only).")

    @classmethod
    def from_domain(cls, r: model.GoalRefusal) -> GoalRefusal:
        return cls(goal_id=_id(r.goal_id), rule=r.rule, message=r.message)

    @strawberry.field(description="The refused goal (mål).")
    def goal(self) -> Goal:
        return Goal(id=self.goal_id)


@strawberry.type(
    description="Whether the goals of an adopted directive (its konkretiserade mål) or verksamhetsplan (its "
    "verksamhetsmål) are established in the goals service: adopting one asks the goals service to adopt them "
    "with the same decision, and it answers, all or nothing."
)
class GoalEstablishment:
    state: GoalEstablishmentState = strawberry.field(description="Pending, established or refused.")
    refusals: list[GoalRefusal] = strawberry.field(
        description="When REFUSED: each refused goal with its rule, in the order of the directive or plan; else empty."
    )
    answered_at: datetime | None = strawberry.field(
        description="When planning recorded the goals service's answer; null while PENDING."
    )

    @classmethod
    def from_domain(cls, e: model.GoalEstablishment) -> GoalEstablishment:
        return cls(
            state=e.state,
            refusals=[GoalRefusal.from_domain(r) for r in e.refusals],
            answered_at=e.answered_at,
        )


async def _goal_establishment(info: PInfo, subject_id: strawberry.ID) -> GoalEstablishment | None:
    found = await info.context.loaders.goal_establishment.load(uuid.UUID(subject_id))
    return GoalEstablishment.from_domain(found) if found else None


# ---------------------------------------------------------------- cycles
@strawberry.type(description="A phase (fas) of a planning cycle, with its dates and who is responsible.")
class Phase:
    kind: PhaseKind = strawberry.field(description="Which phase.")
    state: PhaseState = strawberry.field(description="ej påbörjad, pågår or avslutad.")
    opens_on: date | None = strawberry.field(description="Planned start (startdatum).")
    due_on: date | None = strawberry.field(description="Due date (slutdatum).")
    completed_on: date | None = strawberry.field(description="The day the phase was closed (avslutad).")
    overdue: bool = strawberry.field(description="Not done although its due date has passed (försenad).")
    responsible_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, p: model.Phase, today: date) -> Phase:
        return cls(
            kind=p.kind,
            state=p.state,
            opens_on=p.opens_on,
            due_on=p.due_on,
            completed_on=p.completed_on,
            overdue=p.overdue(today),
            responsible_id=p.responsible_id,
        )

    @strawberry.field(description="The organisation responsible for the phase (ansvarig), e.g. KS or KF.")
    def responsible(self) -> Organization | None:
        return Organization.of(self.responsible_id) if self.responsible_id else None


@strawberry.type(description="A written section of an analysis: omvärldsanalys, invärldsanalys or basfakta.")
class AnalysisSection:
    kind: AnalysisSectionKind = strawberry.field(description="Which section.")
    text: str = strawberry.field(description="The text the planning office wrote.")
    version: int = strawberry.field(description="How many times it was written (1 for the first text).")
    updated_at: datetime = strawberry.field(description="When it was last written.")

    @classmethod
    def from_domain(cls, s: model.AnalysisSection) -> AnalysisSection:
        return cls(kind=s.kind, text=s.text, version=s.version, updated_at=s.updated_at)


@strawberry.federation.type(
    keys=["id"],
    description="A planning cycle: the long-term part of a mandate period (mandatperiod) or the annual part of "
    "a budget year (budgetår), with its phases in order.",
)
class PlanningCycle:
    id: strawberry.ID = strawberry.field(description="Id of the cycle.")
    kind: CycleKind = strawberry.field(description="Mandate period or annual.")
    start_year: int = strawberry.field(description="First year (for an annual cycle, the budget year).")
    end_year: int = strawberry.field(description="Last year.")
    title: str = strawberry.field(description='Title, e.g. "Mandatperiod 2027–2030" or "Budgetår 2027".')
    phases: list[Phase] = strawberry.field(description="Its phases (faser), in the order they are worked through.")
    current_phase: Phase | None = strawberry.field(
        description="The phase under way (pågående fas); null once every phase is done."
    )

    @classmethod
    def from_domain(cls, c: model.PlanningCycle) -> PlanningCycle:
        today = clock.today()
        current = c.current_phase
        return cls(
            id=_id(c.id),
            kind=c.kind,
            start_year=c.start_year,
            end_year=c.end_year,
            title=c.title,
            phases=[Phase.from_domain(p, today) for p in c.phases],
            current_phase=Phase.from_domain(current, today) if current else None,
        )

    @strawberry.field(
        description="Skattesats in kronor per 100 kr of taxable income (e.g. 20.38), as the adopted "
        "planeringsdirektiv of an annual cycle sets it."
    )
    async def tax_rate(self, info: PInfo) -> Decimal | None:
        return await info.context.loaders.cycle_tax_rate.load(uuid.UUID(self.id))

    @strawberry.field(description="Its directives, every revision (history included).")
    async def directives(
        self,
        info: PInfo,
        state: Annotated[DirectiveState | None, strawberry.argument(description="Only this state.")] = None,
    ) -> list[Directive]:
        found = await info.context.loaders.cycle_directives.load(uuid.UUID(self.id))
        return [Directive.from_domain(d) for d in found if state is None or d.state is state]

    @strawberry.field(description="The verksamhetsplaner of the cycle.")
    async def operational_plans(self, info: PInfo) -> list[OperationalPlan]:
        found = await info.context.loaders.cycle_plans.load(uuid.UUID(self.id))
        return [OperationalPlan.from_domain(p) for p in found]

    @strawberry.field(
        description="The written analysis: omvärldsanalys, invärldsanalys and basfakta (strategisk analys, or "
        "analys av planeringsförutsättningar)."
    )
    async def analysis(self, info: PInfo) -> list[AnalysisSection]:
        found = await info.context.loaders.cycle_sections.load(uuid.UUID(self.id))
        return [AnalysisSection.from_domain(s) for s in found]

    @classmethod
    async def resolve_reference(cls, info: PInfo, id: strawberry.ID) -> PlanningCycle | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        c = await info.context.loaders.cycle.load(key)
        return cls.from_domain(c) if c else None


# ---------------------------------------------------------------- directives
@strawberry.type(description="A budget frame (budgetram): an organisation's amount for one year, in SEK.")
class BudgetFrame:
    year: int = strawberry.field(description="The year (budgetår or planår).")
    amount: Decimal = strawberry.field(description='Amount in SEK, exact, e.g. "125000000.00".')
    organization_id: strawberry.Private[uuid.UUID]
    directive_id: strawberry.Private[uuid.UUID]

    @classmethod
    def of(cls, directive_id: uuid.UUID, f: model.BudgetFrame) -> BudgetFrame:
        return cls(year=f.year, amount=f.amount, organization_id=f.organization_id, directive_id=directive_id)

    @strawberry.field(description="The nämnd or bolag the frame is for.")
    def organization(self) -> Organization:
        return Organization.of(self.organization_id)

    @strawberry.field(description="The directive that sets the frame.")
    async def directive(self, info: PInfo) -> Directive:
        d = await info.context.loaders.directive.load(self.directive_id)
        assert d is not None
        return Directive.from_domain(d)


@strawberry.type(description="A särskilt uppdrag (special assignment) of KF to one or more nämnder/bolag.")
class Assignment:
    id: strawberry.ID = strawberry.field(description="Stable id: the same in every revision of the directive.")
    title: str = strawberry.field(description="Title (rubrik).")
    description: str | None = strawberry.field(description="Description (beskrivning).")
    due_on: date | None = strawberry.field(description="When it is due (ska redovisas senast).")
    state: AssignmentState = strawberry.field(description="ej påbörjat, pågår or genomfört.")
    recipient_ids: strawberry.Private[tuple[uuid.UUID, ...]]

    @classmethod
    def from_domain(cls, a: model.Assignment) -> Assignment:
        return cls(
            id=_id(a.id),
            title=a.title,
            description=a.description,
            due_on=a.due_on,
            state=a.state,
            recipient_ids=a.recipient_ids,
        )

    @strawberry.field(description="The nämnder and bolag given the assignment (mottagare).")
    def recipients(self) -> list[Organization]:
        return [Organization.of(o) for o in self.recipient_ids]


@strawberry.federation.type(
    keys=["id"],
    description="One revision of a planeringsdirektiv (to nämnder) or ägardirektiv (to bolag) of KF for a "
    "budget year: budget frames, tax rate, konkretiserade mål och prioriteringar and särskilda uppdrag.",
)
class Directive:
    id: strawberry.ID = strawberry.field(description="Id of this revision of the directive.")
    kind: DirectiveKind = strawberry.field(description="planeringsdirektiv or ägardirektiv.")
    budget_year: int = strawberry.field(description="The budget year (budgetår).")
    title: str = strawberry.field(description="Title (rubrik).")
    state: DirectiveState = strawberry.field(description="utkast, antaget or ersatt.")
    revision: int = strawberry.field(description="Revision number; a change after adoption is a new revision.")
    lineage_id: strawberry.ID = strawberry.field(
        description="Stable id of the directive across its revisions (the id of revision 1)."
    )
    adopted: Decision | None = strawberry.field(description="KF's decision that adopted this revision.")
    tax_rate: Decimal | None = strawberry.field(
        description="Skattesats, kronor per 100 kr of taxable income (planeringsdirektiv only), e.g. 20.38."
    )
    cycle_id: strawberry.Private[uuid.UUID]
    supersedes_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, d: model.Directive) -> Directive:
        return cls(
            id=_id(d.id),
            kind=d.kind,
            budget_year=d.budget_year,
            title=d.title,
            state=d.state,
            revision=d.revision,
            lineage_id=_id(d.lineage_id),
            adopted=Decision.from_domain(d.adopted) if d.adopted else None,
            tax_rate=d.tax_rate,
            cycle_id=d.cycle_id,
            supersedes_id=d.supersedes_id,
        )

    @strawberry.field(description="The annual planning cycle of the directive.")
    async def cycle(self, info: PInfo) -> PlanningCycle:
        c = await info.context.loaders.cycle.load(self.cycle_id)
        assert c is not None
        return PlanningCycle.from_domain(c)

    @strawberry.field(description="The nämnder or bolag it is addressed to (mottagare).")
    async def recipients(self, info: PInfo) -> list[Organization]:
        ids = await info.context.loaders.recipient_ids.load(uuid.UUID(self.id))
        return [Organization.of(o) for o in ids]

    @strawberry.field(description="Budget frames per recipient for the budget year and the two plan years (SEK).")
    async def budget_frames(
        self,
        info: PInfo,
        organization_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this organisation's frames.")
        ] = None,
    ) -> list[BudgetFrame]:
        only = parse_id(organization_id, "organizationId") if organization_id is not None else None
        key = uuid.UUID(self.id)
        frames = await info.context.loaders.frames.load(key)
        return [BudgetFrame.of(key, f) for f in frames if only is None or f.organization_id == only]

    @strawberry.field(description="KF's konkretiserade mål och prioriteringar (CONCRETE goals) in the directive.")
    async def concrete_goals(self, info: PInfo) -> list[Goal]:
        ids = await info.context.loaders.concrete_goal_ids.load(uuid.UUID(self.id))
        return [Goal.of(g) for g in ids]

    @strawberry.field(description="Särskilda uppdrag to one or more recipients.")
    async def assignments(self, info: PInfo) -> list[Assignment]:
        found = await info.context.loaders.assignments.load(uuid.UUID(self.id))
        return [Assignment.from_domain(a) for a in found]

    @strawberry.field(description="The revision this one replaces (ersätter), if any.")
    async def supersedes(self, info: PInfo) -> Directive | None:
        if self.supersedes_id is None:
            return None
        d = await info.context.loaders.directive.load(self.supersedes_id)
        return Directive.from_domain(d) if d else None

    @strawberry.field(description="The next revision (adopted, or a draft under way) that replaces this one.")
    async def superseded_by(self, info: PInfo) -> Directive | None:
        d = await info.context.loaders.superseded_by.load(uuid.UUID(self.id))
        return Directive.from_domain(d) if d else None

    @strawberry.field(
        description="Whether the goals service has established its konkretiserade mål (adopted them with KF's "
        "decision): pending, established, or refused with each goal and rule. Null while the revision is not "
        "adopted (and for one adopted before the answers were recorded whose goals are not all in force)."
    )
    async def goal_establishment(self, info: PInfo) -> GoalEstablishment | None:
        return await _goal_establishment(info, self.id)

    @strawberry.field(description="Every revision of this directive, oldest first (history).")
    async def revisions(self, info: PInfo) -> list[Directive]:
        found = await info.context.loaders.revisions.load(uuid.UUID(self.lineage_id))
        return [Directive.from_domain(d) for d in found]

    @classmethod
    async def resolve_reference(cls, info: PInfo, id: strawberry.ID) -> Directive | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        d = await info.context.loaders.directive.load(key)
        return cls.from_domain(d) if d else None


# ---------------------------------------------------------------- verksamhetsplaner
@strawberry.type(description="A line of the internbudget: an activity's amount for one year (SEK).")
class BudgetLine:
    activity: str = strawberry.field(description="The activity (verksamhet), e.g. Grundskola.")
    year: int = strawberry.field(description="The year.")
    amount: Decimal = strawberry.field(description="Amount in SEK, exact; negative for net income.")

    @classmethod
    def from_domain(cls, ln: model.BudgetLine) -> BudgetLine:
        return cls(activity=ln.activity, year=ln.year, amount=ln.amount)


@strawberry.type(description="How one year of the internbudget compares with the frame (avstämning mot ram).")
class BudgetBalance:
    year: int = strawberry.field(description="The year.")
    frame: Decimal | None = strawberry.field(description="The frame of the year; null if there is none.")
    internal_budget: Decimal = strawberry.field(description="The sum of the internbudget lines of the year.")
    difference: Decimal = strawberry.field(description="Internbudget minus frame: positive is over the frame.")
    balanced: bool = strawberry.field(description="Whether the year adds up exactly.")

    @classmethod
    def from_domain(cls, b: model.YearBalance) -> BudgetBalance:
        return cls(
            year=b.year, frame=b.frame, internal_budget=b.internal_budget, difference=b.difference, balanced=b.balanced
        )


@strawberry.federation.type(
    keys=["id"], description="A verksamhetsplan of a nämnd or bolag for the three years of an annual cycle."
)
class OperationalPlan:
    id: strawberry.ID = strawberry.field(description="Id of the verksamhetsplan.")
    years: list[int] = strawberry.field(description="The three years the plan covers (budgetår and two planår).")
    state: PlanState = strawberry.field(description="utkast, inlämnad, antagen or återremitterad.")
    adopted: Decision | None = strawberry.field(description="The organisation's own decision adopting the plan.")
    return_reason: str | None = strawberry.field(description="Why the plan was last returned (återremiss).")
    organization_id: strawberry.Private[uuid.UUID]
    cycle_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, p: model.OperationalPlan) -> OperationalPlan:
        return cls(
            id=_id(p.id),
            years=list(p.years),
            state=p.state,
            adopted=Decision.from_domain(p.adopted) if p.adopted else None,
            return_reason=p.return_reason,
            organization_id=p.organization_id,
            cycle_id=p.cycle_id,
        )

    @strawberry.field(description="The nämnd or bolag whose plan it is.")
    def organization(self) -> Organization:
        return Organization.of(self.organization_id)

    @strawberry.field(description="The annual planning cycle of the plan.")
    async def cycle(self, info: PInfo) -> PlanningCycle:
        c = await info.context.loaders.cycle.load(self.cycle_id)
        assert c is not None
        return PlanningCycle.from_domain(c)

    @strawberry.field(
        description="Its verksamhetsmål (OPERATIONAL goals); with asOf, only those in force on that date."
    )
    async def goals(self, info: PInfo, as_of: AsOfArgument = None) -> list[Goal]:
        ids = await info.context.loaders.plan_goal_ids.load(uuid.UUID(self.id))
        if as_of is not None:
            found = await info.context.loaders.known_goal.load_many(ids)
            ids = rules.goals_on(ids, {g.id: g for g in found if g}, as_of)
        return [Goal.of(g) for g in ids]

    @strawberry.field(
        description="The goals its verksamhetsmål serve (the konkretiserade mål directly above them), in the order "
        "of the verksamhetsmål: without asOf by the links in effect today, drafts included (what the plan "
        "proposes); with asOf by the links in effect on that date between goals in force then."
    )
    async def served_goals(self, info: PInfo, as_of: AsOfArgument = None) -> list[Goal]:
        ids = await info.context.loaders.plan_served.load((uuid.UUID(self.id), as_of))
        return [Goal.of(g) for g in ids]

    @strawberry.field(description="Its internbudget: the frame allocated per activity and year.")
    async def internal_budget(self, info: PInfo) -> list[BudgetLine]:
        lines = await info.context.loaders.plan_lines.load(uuid.UUID(self.id))
        return [BudgetLine.from_domain(ln) for ln in lines]

    @strawberry.field(description="The organisation's frames for the plan's years, from the adopted directive.")
    async def frames(self, info: PInfo) -> list[BudgetFrame]:
        found = await info.context.loaders.frames_in_force.load((self.cycle_id, self.organization_id))
        return [BudgetFrame.of(d, f) for d, f in found]

    async def _balance(self, info: PInfo) -> tuple[model.YearBalance, ...]:
        frames = await info.context.loaders.frames_in_force.load((self.cycle_id, self.organization_id))
        lines = await info.context.loaders.plan_lines.load(uuid.UUID(self.id))
        return rules.balance(self.years, lines, [f for _, f in frames])

    @strawberry.field(
        description="Whether the goals service has established its verksamhetsmål (adopted them with the plan's "
        "decision): pending, established, or refused with each goal and rule. Null while the plan is not adopted "
        "(and for one adopted before the answers were recorded whose goals are not all in force)."
    )
    async def goal_establishment(self, info: PInfo) -> GoalEstablishment | None:
        return await _goal_establishment(info, self.id)

    @strawberry.field(description="Whether the internbudget adds up to the frame in each year (i balans).")
    async def balanced(self, info: PInfo) -> bool:
        return all(b.balanced for b in await self._balance(info))

    @strawberry.field(description="Per year: frame, internbudget and the difference (avstämning mot ram).")
    async def balance(self, info: PInfo) -> list[BudgetBalance]:
        return [BudgetBalance.from_domain(b) for b in await self._balance(info)]

    @classmethod
    async def resolve_reference(cls, info: PInfo, id: strawberry.ID) -> OperationalPlan | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        p = await info.context.loaders.plan.load(key)
        return cls.from_domain(p) if p else None


@strawberry.type(description="A konkretiserat mål with the recipients whose plans hold no verksamhetsmål serving it.")
class UncoveredGoal:
    goal_id: strawberry.Private[uuid.UUID]
    organization_ids: strawberry.Private[tuple[uuid.UUID, ...]]

    @strawberry.field(description="The konkretiserat mål.")
    def goal(self) -> Goal:
        return Goal.of(self.goal_id)

    @strawberry.field(description="The recipients lacking a verksamhetsmål for it (no plan, or none in the plan).")
    def organizations(self) -> list[Organization]:
        return [Organization.of(o) for o in self.organization_ids]


@strawberry.type(description="The sammanställning of an annual cycle's verksamhetsplaner, reported to KS and KF.")
class Compilation:
    cycle_id: strawberry.Private[uuid.UUID]
    plan_ids: strawberry.Private[tuple[uuid.UUID, ...]]
    missing_ids: strawberry.Private[tuple[uuid.UUID, ...]]
    gaps: strawberry.Private[tuple[model.UncoveredGoal, ...]]
    as_of: date | None = strawberry.field(
        description="The date whose goal structure was compiled (the asOf asked for); null: as it stands today."
    )

    @classmethod
    def from_domain(cls, c: model.Compilation) -> Compilation:
        return cls(
            cycle_id=c.cycle_id,
            plan_ids=c.plan_ids,
            missing_ids=c.missing_organization_ids,
            gaps=c.uncovered,
            as_of=c.as_of,
        )

    @strawberry.field(description="The annual cycle compiled.")
    async def cycle(self, info: PInfo) -> PlanningCycle:
        c = await info.context.loaders.cycle.load(self.cycle_id)
        assert c is not None
        return PlanningCycle.from_domain(c)

    @strawberry.field(description="Every verksamhetsplan of the cycle, whatever its state.")
    async def plans(self, info: PInfo) -> list[OperationalPlan]:
        found = await info.context.loaders.plan.load_many(list(self.plan_ids))
        return [OperationalPlan.from_domain(p) for p in found if p]

    @strawberry.field(description="Recipients of the cycle's adopted directives that have no verksamhetsplan.")
    def missing_plans(self) -> list[Organization]:
        return [Organization.of(o) for o in self.missing_ids]

    @strawberry.field(
        description="Konkretiserade mål of the cycle's adopted directives with no verksamhetsmål in a recipient's plan."
    )
    def uncovered_goals(self) -> list[Goal]:
        return [Goal.of(g.goal_id) for g in self.gaps]

    @strawberry.field(description="The same konkretiserade mål, each with the recipients that lack a verksamhetsmål.")
    def uncovered(self) -> list[UncoveredGoal]:
        return [UncoveredGoal(goal_id=g.goal_id, organization_ids=g.organization_ids) for g in self.gaps]


# ---------------------------------------------------------------- inputs
@strawberry.input(description="A decision (beslut): body, date, paragraph (§) and diary number (diarienummer).")
class DecisionInput:
    body_id: strawberry.ID = strawberry.field(description="The body that decided (beslutande organ).")
    date: date = strawberry.field(description="Date of the decision (beslutsdatum).")
    paragraph: str | None = strawberry.field(
        default=None, description='Paragraph in the minutes (paragraf), e.g. "§ 112".'
    )
    diary_number: str | None = strawberry.field(
        default=None, description='Diary number (diarienummer), e.g. "KS 2026/00123".'
    )

    def to_domain(self, field: str = "decision") -> model.Decision:
        return model.Decision(parse_id(self.body_id, f"{field}.bodyId"), self.date, self.paragraph, self.diary_number)


@strawberry.input(description="A new directive (planeringsdirektiv or ägardirektiv), drafted in an annual cycle.")
class DirectiveInput:
    cycle_id: strawberry.ID = strawberry.field(description="The annual cycle (budgetår).")
    kind: DirectiveKind = strawberry.field(description="planeringsdirektiv (to nämnder) or ägardirektiv (to bolag).")
    title: str = strawberry.field(description="Title (rubrik).")
    recipient_ids: list[strawberry.ID] = strawberry.field(
        description="The nämnder (planeringsdirektiv) or bolag (ägardirektiv) it is addressed to."
    )


@strawberry.input(description="A budget frame for one recipient and year (SEK).")
class BudgetFrameInput:
    organization_id: strawberry.ID = strawberry.field(description="A recipient of the directive.")
    year: int = strawberry.field(description="The budget year or one of the two plan years.")
    amount: Decimal = strawberry.field(description='Amount in SEK, exact, as a string: "125000000.00".')


@strawberry.input(description="A new särskilt uppdrag.")
class AssignmentInput:
    title: str = strawberry.field(description="Title (rubrik).")
    description: str | None = strawberry.field(default=None, description="Description (beskrivning).")
    recipient_ids: list[strawberry.ID] = strawberry.field(description="Recipients of the directive given it.")
    due_on: date | None = strawberry.field(default=None, description="When it is due.")


@strawberry.input(description="A line of the internbudget.")
class BudgetLineInput:
    activity: str = strawberry.field(description="The activity (verksamhet).")
    year: int = strawberry.field(description="One of the plan's three years.")
    amount: Decimal = strawberry.field(description="Amount in SEK, exact, as a string; negative for net income.")
