"""GraphQL types of the goals subgraph; relations resolve through the request's DataLoaders."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from ..domain import model
from ..domain.model import GoalLevel, GoalState, OrganizationKind
from .context import GoalsContext

strawberry.enum(
    OrganizationKind,
    name="OrganizationKind",
    description="Kind of organisation (organisationstyp): KF, KS, nämnd, bolag, förvaltning or enhet.",
)
strawberry.enum(
    GoalLevel,
    name="GoalLevel",
    description="Level in the goal structure (målnivå): övergripande mål, handlingsprogram, "
    "konkretiserade mål, verksamhetsmål.",
)
strawberry.enum(GoalState, name="GoalState", description="Life-cycle state of a goal: utkast, antaget or avvecklat.")

GInfo = Info[GoalsContext, None]


@strawberry.federation.type(keys=["id"], description="An organisation of the municipality (organisation).")
class Organization:
    id: strawberry.ID
    code: str = strawberry.field(description='Stable, unique code, e.g. "KF", "KS", "BUN".')
    name: str = strawberry.field(description="Name (namn).")
    kind: OrganizationKind = strawberry.field(description="Kind of organisation (organisationstyp).")
    parent_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, org: model.Organization) -> Organization:
        return cls(id=strawberry.ID(str(org.id)), code=org.code, name=org.name, kind=org.kind, parent_id=org.parent_id)

    @strawberry.field(description="The organisation above this one (överordnad organisation).")
    async def parent(self, info: GInfo) -> Organization | None:
        if self.parent_id is None:
            return None
        org = await info.context.loaders.organization.load(self.parent_id)
        return Organization.from_domain(org) if org else None

    @strawberry.field(description="The organisations directly under this one (underordnade organisationer).")
    async def children(self, info: GInfo) -> list[Organization]:
        orgs = await info.context.loaders.org_children.load(uuid.UUID(self.id))
        return [Organization.from_domain(o) for o in orgs]

    @classmethod
    async def resolve_reference(cls, info: GInfo, id: strawberry.ID) -> Organization | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        org = await info.context.loaders.organization.load(key)
        return Organization.from_domain(org) if org else None


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
    async def body(self, info: GInfo) -> Organization:
        org = await info.context.loaders.organization.load(self.body_id)
        assert org is not None
        return Organization.from_domain(org)


@strawberry.type(description="A theme of the vision (visionsområde), e.g. Hemstaden.")
class VisionTheme:
    id: strawberry.ID
    name: str = strawberry.field(description="Name of the theme.")
    statement: str = strawberry.field(description="What the theme promises (viljeinriktning).")

    @classmethod
    def from_domain(cls, t: model.VisionTheme) -> VisionTheme:
        return cls(id=strawberry.ID(str(t.id)), name=t.name, statement=t.statement)


@strawberry.federation.type(keys=["id"], description="The municipality's vision (vision), e.g. Halmstad 2020.")
class Vision:
    id: strawberry.ID
    title: str = strawberry.field(description="Title of the vision.")
    horizon_year: int = strawberry.field(description="The year the vision looks towards.")
    adopted: Decision | None = strawberry.field(description="The decision that adopted it (antagandebeslut).")
    themes: list[VisionTheme] = strawberry.field(description="Its themes (visionsområden).")
    values: list[str] = strawberry.field(description="Its value base (värdegrund).")

    @classmethod
    def from_domain(cls, v: model.Vision) -> Vision:
        return cls(
            id=strawberry.ID(str(v.id)),
            title=v.title,
            horizon_year=v.horizon_year,
            adopted=Decision.from_domain(v.adopted) if v.adopted else None,
            themes=[VisionTheme.from_domain(t) for t in v.themes],
            values=list(v.values),
        )


@strawberry.federation.type(keys=["id"], description="A goal (mål) at one level of the goal structure.")
class Goal:
    id: strawberry.ID
    level: GoalLevel = strawberry.field(description="Level (målnivå).")
    title: str = strawberry.field(description="Title (rubrik).")
    description: str | None = strawberry.field(description="Description (beskrivning).")
    state: GoalState = strawberry.field(description="State: utkast, antaget or avvecklat.")
    valid_from: date | None = strawberry.field(description="First day the goal applies (giltig från).")
    valid_to: date | None = strawberry.field(description="Last day the goal applies (giltig till).")

    @classmethod
    def from_domain(cls, g: model.Goal) -> Goal:
        return cls(
            id=strawberry.ID(str(g.id)),
            level=g.level,
            title=g.title,
            description=g.description,
            state=g.state,
            valid_from=g.valid_from,
            valid_to=g.valid_to,
        )

    @strawberry.field(description="Vision themes an OVERARCHING goal serves (visionsområden).")
    async def themes(self, info: GInfo) -> list[VisionTheme]:
        ids = await info.context.loaders.theme_ids.load(uuid.UUID(self.id))
        themes = await info.context.loaders.theme.load_many(ids)
        return [VisionTheme.from_domain(t) for t in themes if t]

    @strawberry.field(description="The goals this goal serves, one level up (överordnade mål).")
    async def parents(self, info: GInfo) -> list[Goal]:
        ids = await info.context.loaders.parent_ids.load(uuid.UUID(self.id))
        goals = await info.context.loaders.goal.load_many(ids)
        return [Goal.from_domain(g) for g in goals if g]

    @strawberry.field(description="The goals that serve this goal (underordnade mål), optionally of one level.")
    async def children(
        self,
        info: GInfo,
        level: Annotated[GoalLevel | None, strawberry.argument(description="Only children of this level.")] = None,
    ) -> list[Goal]:
        ids = await info.context.loaders.child_ids.load(uuid.UUID(self.id))
        goals = await info.context.loaders.goal.load_many(ids)
        return [Goal.from_domain(g) for g in goals if g and (level is None or g.level == level)]

    @strawberry.field(description="The owning nämnd/bolag, or the recipients of a CONCRETE goal (mottagare).")
    async def organizations(self, info: GInfo) -> list[Organization]:
        ids = await info.context.loaders.organization_ids.load(uuid.UUID(self.id))
        orgs = await info.context.loaders.organization.load_many(ids)
        return [Organization.from_domain(o) for o in orgs if o]

    @classmethod
    async def resolve_reference(cls, info: GInfo, id: strawberry.ID) -> Goal | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        goal = await info.context.loaders.goal.load(key)
        return Goal.from_domain(goal) if goal else None


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A goal in a page of goals.")
class GoalEdge:
    cursor: str
    node: Goal


@strawberry.type(description="A page of goals (Relay connection).")
class GoalConnection:
    edges: list[GoalEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Number of goals matching the filter, across all pages.")


@strawberry.input(description="A new organisation.")
class OrganizationInput:
    code: str = strawberry.field(description="Unique code, e.g. BUN.")
    name: str
    kind: OrganizationKind
    parent_id: strawberry.ID | None = None


@strawberry.input(description="A new goal; it starts as a DRAFT (utkast).")
class CreateGoalInput:
    level: GoalLevel
    title: str
    description: str | None = None
    parent_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Goals one level up that this goal serves."
    )
    organization_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Owner (OPERATIONAL) or recipients (CONCRETE)."
    )
    theme_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Vision themes (OVERARCHING only)."
    )
    valid_from: date | None = None
    valid_to: date | None = None
