"""GraphQL types of directives (planeringsdirektiv, ägardirektiv): frames, assignments and their inputs."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from vsm_common import clock, scopes
from vsm_common.graphql import parse_id

from ..domain import model
from .common import PInfo, _id
from .cycles import PlanningCycle
from .enums import (
    AssignmentState,
    DirectiveKind,
    DirectiveState,
)
from .goals import Decision, Goal, GoalEstablishment, Organization, _goal_establishment


@strawberry.federation.type(
    requires_scopes=scopes.ALL, description="A budget frame (budgetram): an organisation's amount for one year, in SEK."
)
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


@strawberry.federation.type(
    requires_scopes=scopes.ALL,
    description="A särskilt uppdrag (special assignment) of KF to one or more nämnder/bolag.",
)
class Assignment:
    id: strawberry.ID = strawberry.field(description="Stable id: the same in every revision of the directive.")
    title: str = strawberry.field(description="Title (rubrik).")
    description: str | None = strawberry.field(description="Description (beskrivning).")
    due_on: date | None = strawberry.field(description="When it is due (ska redovisas senast).")
    state: AssignmentState = strawberry.field(description="ej påbörjat, pågår or genomfört.")
    overdue: bool = strawberry.field(
        description="Not done (genomfört) although its due date has passed (försenat), by the municipality's calendar."
    )
    recipient_ids: strawberry.Private[tuple[uuid.UUID, ...]]

    @classmethod
    def from_domain(cls, a: model.Assignment, today: date) -> Assignment:
        return cls(
            id=_id(a.id),
            title=a.title,
            description=a.description,
            due_on=a.due_on,
            state=a.state,
            overdue=a.overdue(today),
            recipient_ids=a.recipient_ids,
        )

    @strawberry.field(description="The nämnder and bolag given the assignment (mottagare).")
    def recipients(self) -> list[Organization]:
        return [Organization.of(o) for o in self.recipient_ids]


@strawberry.federation.type(
    requires_scopes=scopes.ALL,
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
        today = clock.today()
        return [Assignment.from_domain(a, today) for a in found]

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
