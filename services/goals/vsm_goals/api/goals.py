"""Goals (mål): their revisions, links upward and the pages they are listed in."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, cast

import strawberry

from vsm_common import cost, descriptions, scopes
from vsm_common.execution import NOT_PREFETCHED, prefetched, set_prefetched

from ..domain import model
from .common import After, Before, Decision, DecisionInput, First, GInfo, Last, PageArgs, PageInfo
from .employee_goals import EmployeeGoalConnection, employee_goal_page
from .enums import GoalLevel, GoalState
from .organizations import Organization
from .vision import VisionTheme


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="A revision of a goal (revidering): a numbered version with its own decision.",
)
class GoalRevision:
    number: int = strawberry.field(description="Revision number, 1 for the goal as first written.")
    title: str = strawberry.field(description="Title in this revision (rubrik).")
    description: str | None = strawberry.field(description="Description in this revision.")
    decision: Decision | None = strawberry.field(
        description="The decision that made this revision take effect (beslut); null for a draft."
    )
    recorded_at: datetime = strawberry.field(description="When the revision was recorded in vsm.")

    @classmethod
    def from_domain(cls, r: model.GoalRevision) -> GoalRevision:
        return cls(
            number=r.number,
            title=r.title,
            description=r.description,
            decision=Decision.from_domain(r.decision) if r.decision else None,
            recorded_at=r.recorded_at,
        )


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="A period in which a goal serves a goal one level up (länk), with the decisions that began and "
    "ended it.",
)
class GoalLink:
    parent_id: strawberry.Private[uuid.UUID]
    effective_from: date | None = strawberry.field(
        description="First day the link is in force; null: from the goal's adoption (linked while a draft)."
    )
    effective_to: date | None = strawberry.field(
        description="First day the link is no longer in force (exclusive end); null: no end decided."
    )
    decision: Decision | None = strawberry.field(
        description="The decision that made the link (beslut); null for a link that came with the adoption."
    )
    ended_by: Decision | None = strawberry.field(description="The decision that ended the link; null while none has.")

    @classmethod
    def from_domain(cls, link: model.GoalLink) -> GoalLink:
        return cls(
            parent_id=link.parent_id,
            effective_from=link.effective_from,
            effective_to=link.effective_to,
            decision=Decision.from_domain(link.decision) if link.decision else None,
            ended_by=Decision.from_domain(link.ended_by) if link.ended_by else None,
        )

    @strawberry.field(description="The goal served (överordnat mål), as it is now.")
    async def parent(self, info: GInfo) -> Goal | None:
        g = await info.context.loaders.at(None).goal.load(self.parent_id)
        return Goal.from_domain(g) if g else None


@strawberry.federation.type(requires_scopes=scopes.ALL, keys=["id"], description=descriptions.GOAL)
class Goal:
    id: strawberry.ID = strawberry.field(description="Id of the goal (mål).")
    level: GoalLevel = strawberry.field(description="Level (målnivå).")
    title: str = strawberry.field(description="Title (rubrik).")
    description: str | None = strawberry.field(description="Description (beskrivning).")
    state: GoalState = strawberry.field(description="State: utkast, antaget or avvecklat.")
    valid_from: date | None = strawberry.field(description="First day the goal applies (giltig från).")
    valid_to: date | None = strawberry.field(description="Last day the goal applies (giltig till).")
    adopted: Decision | None = strawberry.field(description="The decision that adopted the goal (antagandebeslut).")
    retired: Decision | None = strawberry.field(
        description="The decision that retired the goal (avvecklingsbeslut); null while it is in force, and with "
        "asOf before the decision's date."
    )
    review_due: date | None = strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="When the goal is due for review (översyn): övergripande mål every 4th year, "
        "handlingsprogram yearly, counted from the latest decision.",
    )
    as_of: strawberry.Private[date | None]
    # Filled by prefetch_parents (vsm_common.execution.set_prefetched; not part of the schema).
    _prefetched_fields: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def from_domain(cls, g: model.Goal, as_of: date | None = None) -> Goal:
        return cls(
            id=strawberry.ID(str(g.id)),
            level=g.level,
            title=g.title,
            description=g.description,
            state=g.state,
            valid_from=g.valid_from,
            valid_to=g.valid_to,
            adopted=Decision.from_domain(g.adopted) if g.adopted else None,
            retired=Decision.from_domain(g.retired) if g.retired else None,
            review_due=g.review_due,
            as_of=as_of,
        )

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="Vision themes an OVERARCHING goal serves (visionsområden)."
    )
    async def themes(self, info: GInfo) -> list[VisionTheme]:
        ids = await info.context.loaders.theme_ids.load(uuid.UUID(self.id))
        themes = await info.context.loaders.theme.load_many(ids)
        return [VisionTheme.from_domain(t) for t in themes if t]

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="The goals this goal serves, one level up (överordnade mål)."
    )
    def parents(self, info: GInfo) -> list[Goal]:
        # Synchronous when the list this goal came in prefetched them (prefetch_parents); otherwise the
        # coroutine, which graphql-core awaits like any async resolver's.
        found = prefetched(self, "parents")
        if found is not NOT_PREFETCHED:
            return cast(list[Goal], found)
        return self._parents(info)  # type: ignore[return-value]

    async def _parents(self, info: GInfo) -> list[Goal]:
        structure = info.context.loaders.at(self.as_of)
        ids = await structure.parent_ids.load(uuid.UUID(self.id))
        goals = await structure.goal.load_many(ids)
        return [Goal.from_domain(g, self.as_of) for g in goals if g]

    @classmethod
    async def prefetch_parents(cls, info: GInfo, goals: list[Goal], as_of: date | None) -> None:
        """The parents of every goal of a list, in one load each for the links and the goals."""
        structure = info.context.loaders.at(as_of)
        parent_ids = await structure.parent_ids.load_many([uuid.UUID(g.id) for g in goals])
        wanted = list(dict.fromkeys(p for ids in parent_ids for p in ids))
        found = {g.id: g for g in await structure.goal.load_many(wanted) if g}
        for goal, ids in zip(goals, parent_ids, strict=True):
            set_prefetched(goal, "parents", [Goal.from_domain(found[p], as_of) for p in ids if p in found])

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="The goals that serve this goal (underordnade mål), optionally of one level.",
    )
    async def children(
        self,
        info: GInfo,
        level: Annotated[GoalLevel | None, strawberry.argument(description="Only children of this level.")] = None,
    ) -> list[Goal]:
        structure = info.context.loaders.at(self.as_of)
        ids = await structure.child_ids.load(uuid.UUID(self.id))
        goals = await structure.goal.load_many(ids)
        return [Goal.from_domain(g, self.as_of) for g in goals if g and (level is None or g.level == level)]

    @strawberry.field(description="The owning nämnd/bolag, or the recipients of a CONCRETE goal (mottagare).")
    async def organizations(self, info: GInfo) -> list[Organization]:
        ids = await info.context.loaders.organization_ids.load(uuid.UUID(self.id))
        orgs = await info.context.loaders.organization.load_many(ids)
        return [Organization.from_domain(o) for o in orgs if o]

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="Every revision of the goal, oldest first (revisioner)."
    )
    async def revisions(self, info: GInfo) -> list[GoalRevision]:
        found = await info.context.loaders.revisions.load(uuid.UUID(self.id))
        if self.as_of is not None:
            found = [r for r in found if r.effective_on is not None and r.effective_on <= self.as_of]
        return [GoalRevision.from_domain(r) for r in found]

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="Every link of the goal upward, past, in force and decided for later, in the order they "
        "take effect, each with its decisions (länkhistorik); the same whatever asOf.",
    )
    async def parent_links(self, info: GInfo) -> list[GoalLink]:
        found = await info.context.loaders.link_history.load(uuid.UUID(self.id))
        return [GoalLink.from_domain(link) for link in found]

    @strawberry.federation.field(
        requires_scopes=scopes.PERSONAL,
        description="Medarbetarmål linked to this verksamhetsmål. Personal data: every read is logged "
        "(who, whose, when, why).",
        directives=cost.PAGE,
    )
    async def employee_goals(
        self,
        info: GInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        purpose: Annotated[
            str | None, strawberry.argument(description="Why the caller reads them (ändamål), for the access log.")
        ] = None,
    ) -> EmployeeGoalConnection:
        return await employee_goal_page(
            info, PageArgs(first, after, last, before), purpose, operational_goal_id=uuid.UUID(self.id)
        )

    @classmethod
    async def resolve_reference(cls, info: GInfo, id: strawberry.ID) -> Goal | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        goal = await info.context.loaders.at(None).goal.load(key)
        return Goal.from_domain(goal) if goal else None


@strawberry.federation.type(requires_scopes=scopes.PUBLIC, description="A goal in a page of goals.")
class GoalEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this edge, for `after` and `before`.")
    node: Goal = strawberry.field(description="The goal (mål).")


@strawberry.federation.type(requires_scopes=scopes.PUBLIC, description="A page of goals (Relay connection).")
class GoalConnection:
    edges: list[GoalEdge] = strawberry.field(description="The goals of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page, and where it starts.")
    total_count: int = strawberry.field(description="Number of goals matching the filter, across all pages.")


# What the cursors of a page of goals are bound to: a cursor of another connection is refused.
GOAL_CONNECTION = "GoalConnection"


@strawberry.input(description="A change to a goal; a DRAFT changes in place, an adopted goal needs a decision.")
class ReviseGoalInput:
    title: str | None = strawberry.field(default=None, description="New title (rubrik); null keeps it.")
    description: str | None = strawberry.field(
        default=None, description="New description (beskrivning); null keeps it."
    )
    valid_to: date | None = strawberry.field(
        default=None, description="New last day the goal applies (giltig till); null keeps it."
    )
    decision: DecisionInput | None = strawberry.field(
        default=None,
        description="The decision (beslut) behind the revision; required for an adopted goal, not allowed for a draft.",
    )


@strawberry.input(description="A new goal; it starts as a DRAFT (utkast).")
class CreateGoalInput:
    level: GoalLevel = strawberry.field(description="Level (målnivå).")
    title: str = strawberry.field(description="Title (rubrik).")
    description: str | None = strawberry.field(default=None, description="Description (beskrivning).")
    parent_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Goals one level up that this goal serves."
    )
    organization_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Owner (OPERATIONAL) or recipients (CONCRETE)."
    )
    theme_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Vision themes (OVERARCHING only)."
    )
    valid_from: date | None = strawberry.field(default=None, description="First day the goal applies (giltig från).")
    valid_to: date | None = strawberry.field(default=None, description="Last day the goal applies (giltig till).")
