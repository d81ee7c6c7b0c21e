"""GraphQL types of verksamhetsplaner: the plan, its internbudget and its balance against the frames."""

from __future__ import annotations

import uuid
from decimal import Decimal

import strawberry

from vsm_common import scopes

from ..domain import model, plans, structure
from .common import AsOfArgument, PInfo, _id
from .cycles import PlanningCycle
from .directives import BudgetFrame
from .enums import (
    PlanState,
)
from .goals import Decision, Goal, GoalEstablishment, Organization, _goal_establishment


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, description="A line of the internbudget: an activity's amount for one year (SEK)."
)
class BudgetLine:
    activity: str = strawberry.field(description="The activity (verksamhet), e.g. Grundskola.")
    year: int = strawberry.field(description="The year.")
    amount: Decimal = strawberry.field(description="Amount in SEK, exact; negative for net income.")

    @classmethod
    def from_domain(cls, ln: model.BudgetLine) -> BudgetLine:
        return cls(activity=ln.activity, year=ln.year, amount=ln.amount)


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="How one year of the internbudget compares with the frame (avstämning mot ram).",
)
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
    requires_scopes=scopes.PUBLIC,
    keys=["id"],
    description="A verksamhetsplan of a nämnd or bolag for the three years of an annual cycle.",
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
            ids = structure.goals_on(ids, {g.id: g for g in found if g}, as_of)
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
        return plans.balance(self.years, lines, [f for _, f in frames])

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


@strawberry.input(description="A line of the internbudget.")
class BudgetLineInput:
    activity: str = strawberry.field(description="The activity (verksamhet).")
    year: int = strawberry.field(description="One of the plan's three years.")
    amount: Decimal = strawberry.field(description="Amount in SEK, exact, as a string; negative for net income.")
