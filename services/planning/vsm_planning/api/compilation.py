"""GraphQL types of the sammanställning of an annual cycle's verksamhetsplaner."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry

from vsm_common import scopes

from ..domain import model
from .common import PInfo
from .cycles import PlanningCycle
from .goals import Goal, Organization
from .plans import OperationalPlan


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="A konkretiserat mål with the recipients whose plans hold no verksamhetsmål serving it.",
)
class UncoveredGoal:
    goal_id: strawberry.Private[uuid.UUID]
    organization_ids: strawberry.Private[tuple[uuid.UUID, ...]]

    @strawberry.field(description="The konkretiserat mål.")
    def goal(self) -> Goal:
        return Goal.of(self.goal_id)

    @strawberry.field(description="The recipients lacking a verksamhetsmål for it (no plan, or none in the plan).")
    def organizations(self) -> list[Organization]:
        return [Organization.of(o) for o in self.organization_ids]


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="The sammanställning of an annual cycle's verksamhetsplaner, reported to KS and KF.",
)
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
