"""Entities of other subgraphs (organisations, goals, decisions) as planning extends them, and the goals service's
answers to adopted directives and plans (the sagas)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from vsm_common import descriptions, scopes
from vsm_common.execution import NOT_PREFETCHED, prefetched, set_prefetched
from vsm_common.federation import selected_arguments
from vsm_common.graphql import parse_id

from ..domain import model
from .common import PInfo, _id
from .enums import (
    CycleKind,
    DirectiveState,
    GoalEstablishmentState,
)

if TYPE_CHECKING:
    from .directives import BudgetFrame, Directive
    from .plans import OperationalPlan

# This module and directives/plans reference each other: the schema resolves these types lazily, and the
# resolvers import the classes when they run.
LazyBudgetFrame = Annotated["BudgetFrame", strawberry.lazy("vsm_planning.api.directives")]
LazyDirective = Annotated["Directive", strawberry.lazy("vsm_planning.api.directives")]
LazyOperationalPlan = Annotated["OperationalPlan", strawberry.lazy("vsm_planning.api.plans")]


@strawberry.federation.type(requires_scopes=scopes.ALL, keys=["id"], description=descriptions.ORGANIZATION)
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
    ) -> list[LazyBudgetFrame]:
        from .directives import BudgetFrame

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
    ) -> list[LazyDirective]:
        from .directives import Directive

        found = await info.context.loaders.org_directives.load((uuid.UUID(self.id), budget_year))
        return [Directive.from_domain(d) for d in found if state is None or d.state is state]

    @strawberry.field(
        description="Its verksamhetsplan in an annual cycle; without cycleId, in the current annual cycle."
    )
    async def operational_plan(
        self,
        info: PInfo,
        cycle_id: Annotated[strawberry.ID | None, strawberry.argument(description="The annual cycle.")] = None,
    ) -> LazyOperationalPlan | None:
        from .plans import OperationalPlan

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


@strawberry.federation.type(requires_scopes=scopes.ALL, keys=["id"], description=descriptions.GOAL)
class Goal:
    id: strawberry.ID = strawberry.field(description="Id of the goal (mål).")
    # Filled by prefetch_entities (vsm_common.execution.set_prefetched; not part of the schema).
    _prefetched_fields: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def of(cls, goal_id: uuid.UUID) -> Goal:
        return cls(id=_id(goal_id))

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="The directive (planeringsdirektiv or ägardirektiv) whose adoption established this "
        "konkretiserat mål (fastställt genom): the first adopted revision that held it.",
    )
    async def established_by(self, info: PInfo) -> LazyDirective | None:
        from .directives import Directive

        try:
            key = uuid.UUID(self.id)
        except ValueError:
            return None
        d = await info.context.loaders.established_by.load(key)
        return Directive.from_domain(d) if d else None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="The verksamhetsplaner that hold this goal as a verksamhetsmål."
    )
    def plans(self, info: PInfo) -> list[LazyOperationalPlan]:
        # Synchronous when `_entities` prefetched them (the committee dashboard); otherwise the
        # coroutine, which graphql-core awaits like any async resolver's.
        found = prefetched(self, "plans")
        if found is not NOT_PREFETCHED:
            return cast(list[LazyOperationalPlan], found)
        return self._plans(info)  # type: ignore[return-value]

    async def _plans(self, info: PInfo) -> list[OperationalPlan]:
        from .plans import OperationalPlan

        try:
            key = uuid.UUID(self.id)
        except ValueError:
            return []
        found = await info.context.loaders.goal_plans.load(key)
        return [OperationalPlan.from_domain(p) for p in found]

    @classmethod
    async def prefetch_entities(cls, info: PInfo, goals: list[Goal]) -> None:
        """One load of the plans of every goal the gateway asks about (vsm_common.federation)."""
        from .plans import OperationalPlan

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
            set_prefetched(goal, "plans", [OperationalPlan.from_domain(p) for p in plans])

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Goal:
        return cls(id=id)


@strawberry.federation.type(
    requires_scopes=scopes.ALL,
    shareable=True,
    description="A decision (beslut): which body decided, when, paragraph (§) and diary number.",
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


@strawberry.federation.type(
    requires_scopes=scopes.ALL, description="A goal the goals service refused to establish, with the rule it breaks."
)
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


@strawberry.federation.type(
    requires_scopes=scopes.ALL,
    description="Whether the goals of an adopted directive (its konkretiserade mål) or verksamhetsplan (its "
    "verksamhetsmål) are established in the goals service: adopting one asks the goals service to adopt them "
    "with the same decision, and it answers, all or nothing.",
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
