"""GraphQL types of the planning subgraph."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from strawberry.types import Info

from ..domain import model
from ..domain.model import DirectiveKind, DirectiveState, PlanState
from .context import PlanningContext

PInfo = Info[PlanningContext, None]

strawberry.enum(
    DirectiveKind, name="DirectiveKind", description="planeringsdirektiv (nämnder) or ägardirektiv (bolag)."
)
strawberry.enum(DirectiveState, name="DirectiveState", description="State of a directive: utkast, antaget, ersatt.")
strawberry.enum(
    PlanState,
    name="PlanState",
    description="State of a verksamhetsplan: utkast, inlämnad, antagen, återremitterad.",
)


@strawberry.federation.type(keys=["id"], description="An organisation, as planning sees it.")
class Organization:
    id: strawberry.ID

    @strawberry.field(description="Directives (planerings- och ägardirektiv) addressed to this organisation.")
    async def directives(
        self,
        info: PInfo,
        budget_year: Annotated[int | None, strawberry.argument(description="Only this budget year.")] = None,
    ) -> list[Directive]:
        found = await info.context.loaders.org_directives.load((uuid.UUID(self.id), budget_year))
        return [Directive.from_domain(d) for d in found]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Organization:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], description="A planeringsdirektiv or ägardirektiv of KF for a budget year.")
class Directive:
    id: strawberry.ID
    kind: DirectiveKind
    budget_year: int = strawberry.field(description="The budget year (budgetår).")
    title: str
    state: DirectiveState
    revision: int = strawberry.field(description="Revision number; a change after adoption is a new revision.")

    @classmethod
    def from_domain(cls, d: model.Directive) -> Directive:
        return cls(
            id=strawberry.ID(str(d.id)),
            kind=d.kind,
            budget_year=d.budget_year,
            title=d.title,
            state=d.state,
            revision=d.revision,
        )


@strawberry.federation.type(keys=["id"], description="A verksamhetsplan of a nämnd or bolag, for three years.")
class OperationalPlan:
    id: strawberry.ID
    organization_id: strawberry.Private[uuid.UUID]
    years: list[int] = strawberry.field(description="The three years the plan covers.")
    state: PlanState

    @classmethod
    def from_domain(cls, p: model.OperationalPlan) -> OperationalPlan:
        return cls(id=strawberry.ID(str(p.id)), organization_id=p.organization_id, years=list(p.years), state=p.state)

    @strawberry.field(description="The nämnd or bolag whose plan it is.")
    def organization(self) -> Organization:
        return Organization(id=strawberry.ID(str(self.organization_id)))


@strawberry.federation.type(keys=["id"], description="A goal (mål), as planning sees it.")
class Goal:
    id: strawberry.ID

    @strawberry.field(description="The adopted directive that established this CONCRETE goal (fastställt genom).")
    async def established_by(self, info: PInfo) -> Directive | None:
        d = await info.context.loaders.established_by.load(uuid.UUID(self.id))
        return Directive.from_domain(d) if d else None

    @strawberry.field(description="The verksamhetsplaner that hold this goal as a verksamhetsmål.")
    async def plans(self, info: PInfo) -> list[OperationalPlan]:
        found = await info.context.loaders.goal_plans.load(uuid.UUID(self.id))
        return [OperationalPlan.from_domain(p) for p in found]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Goal:
        return cls(id=id)
