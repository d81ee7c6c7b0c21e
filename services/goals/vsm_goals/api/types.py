"""GraphQL types of the goals subgraph; relations resolve through the request's DataLoaders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Protocol

import strawberry
from strawberry.types import Info

from vsm_common import descriptions
from vsm_common.cursors import Page, page_window
from vsm_common.graphql import describe_enum_values

from .. import employee_goals
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
describe_enum_values(
    OrganizationKind,
    {
        "COUNCIL": "Municipal council (kommunfullmäktige, KF).",
        "EXECUTIVE_BOARD": "Municipal executive board (kommunstyrelsen, KS).",
        "COMMITTEE": "Committee (nämnd), e.g. Barn- och ungdomsnämnden.",
        "COMPANY": "Municipal company (kommunalt bolag), steered by ägardirektiv.",
        "ADMINISTRATION": "Administration (förvaltning), e.g. Stadskontoret.",
        "UNIT": "Unit (enhet) of an administration, where employees work.",
    },
)
describe_enum_values(
    GoalLevel,
    {
        "OVERARCHING": "Overarching goal (övergripande mål), adopted by KF for 10–20 years.",
        "ACTION_PROGRAMME": "Action programme (handlingsprogram), adopted by KF and reviewed yearly.",
        "CONCRETE": "Concrete goal and priority (konkretiserat mål och prioritering), set by KF in the "
        "planeringsdirektiv for 1–3 years, directed to one or more nämnder or bolag.",
        "OPERATIONAL": "Operational goal (verksamhetsmål), set by a nämnd or bolag in its verksamhetsplan.",
    },
)
describe_enum_values(
    GoalState,
    {
        "DRAFT": "Draft (utkast): not yet adopted.",
        "ADOPTED": "Adopted (antaget): in force.",
        "RETIRED": "Retired (avvecklat): no longer in force, kept in the history.",
    },
)

GInfo = Info[GoalsContext, None]

# Arguments of a Relay page: forward with first/after, backward with last/before (vsm_common.cursors).
First = Annotated[
    int | None,
    strawberry.argument(
        description="Page forward: this many from the start (or after `after`), 0 to 1000; default 50. "
        "Not together with `last`."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="Start after this cursor (endCursor of the previous page).")
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description="Page backward: this many from the end (or before `before`), 0 to 1000, still in list "
        "order. Not together with `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="End before this cursor (startCursor of the page after), to page backward."),
]


@strawberry.federation.type(keys=["id"], description=descriptions.ORGANIZATION)
class Organization:
    id: strawberry.ID = strawberry.field(description="Id of the organisation.")
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
    id: strawberry.ID = strawberry.field(description="Id of the theme (visionsområde).")
    name: str = strawberry.field(description="Name of the theme.")
    statement: str = strawberry.field(description="What the theme promises (viljeinriktning).")

    @classmethod
    def from_domain(cls, t: model.VisionTheme) -> VisionTheme:
        return cls(id=strawberry.ID(str(t.id)), name=t.name, statement=t.statement)


@strawberry.federation.type(keys=["id"], description="The municipality's vision (vision), e.g. Halmstad 2020.")
class Vision:
    id: strawberry.ID = strawberry.field(description="Id of the vision.")
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


@strawberry.type(description="A revision of a goal (revidering): a numbered version with its own decision.")
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


@strawberry.type(
    description="A period in which a goal serves a goal one level up (länk), with the decisions that began and "
    "ended it."
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


@strawberry.federation.type(keys=["id"], description=descriptions.GOAL)
class Goal:
    id: strawberry.ID = strawberry.field(description="Id of the goal (mål).")
    level: GoalLevel = strawberry.field(description="Level (målnivå).")
    title: str = strawberry.field(description="Title (rubrik).")
    description: str | None = strawberry.field(description="Description (beskrivning).")
    state: GoalState = strawberry.field(description="State: utkast, antaget or avvecklat.")
    valid_from: date | None = strawberry.field(description="First day the goal applies (giltig från).")
    valid_to: date | None = strawberry.field(description="Last day the goal applies (giltig till).")
    adopted: Decision | None = strawberry.field(description="The decision that adopted the goal (antagandebeslut).")
    review_due: date | None = strawberry.field(
        description="When the goal is due for review (översyn): övergripande mål every 4th year, "
        "handlingsprogram yearly, counted from the latest decision."
    )
    as_of: strawberry.Private[date | None]
    # Filled by prefetch_parents (not part of the schema).
    _prefetched_parents: strawberry.Private[list[Goal] | None] = None

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
            review_due=g.review_due,
            as_of=as_of,
        )

    @strawberry.field(description="Vision themes an OVERARCHING goal serves (visionsområden).")
    async def themes(self, info: GInfo) -> list[VisionTheme]:
        ids = await info.context.loaders.theme_ids.load(uuid.UUID(self.id))
        themes = await info.context.loaders.theme.load_many(ids)
        return [VisionTheme.from_domain(t) for t in themes if t]

    @strawberry.field(description="The goals this goal serves, one level up (överordnade mål).")
    def parents(self, info: GInfo) -> list[Goal]:
        # Synchronous when the list this goal came in prefetched them (prefetch_parents); otherwise the
        # coroutine, which graphql-core awaits like any async resolver's.
        if self._prefetched_parents is not None:
            return self._prefetched_parents
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
            goal._prefetched_parents = [Goal.from_domain(found[p], as_of) for p in ids if p in found]

    @strawberry.field(description="The goals that serve this goal (underordnade mål), optionally of one level.")
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

    @strawberry.field(description="Every revision of the goal, oldest first (revisioner).")
    async def revisions(self, info: GInfo) -> list[GoalRevision]:
        found = await info.context.loaders.revisions.load(uuid.UUID(self.id))
        if self.as_of is not None:
            found = [r for r in found if r.effective_on is not None and r.effective_on <= self.as_of]
        return [GoalRevision.from_domain(r) for r in found]

    @strawberry.field(
        description="Every link of the goal upward, past, in force and decided for later, in the order they "
        "take effect, each with its decisions (länkhistorik); the same whatever asOf."
    )
    async def parent_links(self, info: GInfo) -> list[GoalLink]:
        found = await info.context.loaders.link_history.load(uuid.UUID(self.id))
        return [GoalLink.from_domain(link) for link in found]

    @strawberry.field(
        description="Medarbetarmål linked to this verksamhetsmål. Personal data: every read is logged "
        "(who, whose, when, why)."
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


@strawberry.federation.type(keys=["id"], description="A medarbetarmål: an employee's goal. Personal data.")
class EmployeeGoal:
    id: strawberry.ID = strawberry.field(description="Id of the medarbetarmål in vsm.")
    employee_ref: str = strawberry.field(description="Pseudonymous employee reference from the HR system.")
    title: str = strawberry.field(description="The goal as the employee and manager wrote it.")
    state: GoalState = strawberry.field(description="State; a medarbetarmål from the HR system is ADOPTED (antaget).")
    source_system: str = strawberry.field(description="The HR system the goal came from (källsystem).")
    external_id: str = strawberry.field(description="The goal's id in that system.")
    unit_id: strawberry.Private[uuid.UUID]
    operational_goal_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, g: model.EmployeeGoal) -> EmployeeGoal:
        return cls(
            id=strawberry.ID(str(g.id)),
            employee_ref=g.employee_ref,
            title=g.title,
            state=g.state,
            source_system=g.source_system,
            external_id=g.external_id,
            unit_id=g.unit_id,
            operational_goal_id=g.operational_goal_id,
        )

    @strawberry.field(description="The unit (enhet) where the employee works.")
    async def unit(self, info: GInfo) -> Organization:
        org = await info.context.loaders.organization.load(self.unit_id)
        assert org is not None
        return Organization.from_domain(org)

    @strawberry.field(description="The verksamhetsmål the goal contributes to.")
    async def operational_goal(self, info: GInfo) -> Goal:
        goal = await info.context.loaders.at(None).goal.load(self.operational_goal_id)
        assert goal is not None
        return Goal.from_domain(goal)

    @classmethod
    async def resolve_reference(cls, info: GInfo, id: strawberry.ID) -> EmployeeGoal | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        found = await info.context.loaders.employee_goal.load(key)
        return cls.from_domain(found) if found else None


@strawberry.type(description="A medarbetarmål in a page.")
class EmployeeGoalEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this edge, for `after` and `before`.")
    node: EmployeeGoal = strawberry.field(description="The medarbetarmål.")


@strawberry.type(description="A page of medarbetarmål (Relay connection).")
class EmployeeGoalConnection:
    edges: list[EmployeeGoalEdge] = strawberry.field(description="The medarbetarmål of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page, and where it starts.")
    total_count: int = strawberry.field(description="Number of medarbetarmål matching the filter.")


@dataclass(frozen=True, slots=True)
class PageArgs:
    """The four Relay arguments of a connection field, as the client sent them."""

    first: int | None
    after: str | None
    last: int | None
    before: str | None


async def employee_goal_page(
    info: GInfo,
    paging: PageArgs,
    purpose: str | None,
    *,
    employee_ref: str | None = None,
    unit_id: uuid.UUID | None = None,
    operational_goal_id: uuid.UUID | None = None,
) -> EmployeeGoalConnection:
    cursors = info.context.runtime.cursors
    window = page_window(
        cursors,
        EMPLOYEE_GOAL_CONNECTION,
        first=paging.first,
        after=paging.after,
        last=paging.last,
        before=paging.before,
    )
    page = await employee_goals.read_page(
        info.context.runtime,
        info.context.reader(purpose),
        employee_ref=employee_ref,
        unit_id=unit_id,
        operational_goal_id=operational_goal_id,
        window=window,
    )
    edges = [
        EmployeeGoalEdge(cursor=cursors.encode(EMPLOYEE_GOAL_CONNECTION, seq), node=EmployeeGoal.from_domain(g))
        for seq, g in page.rows
    ]
    return EmployeeGoalConnection(edges=edges, page_info=PageInfo.of(page, edges), total_count=page.total)


class _Edge(Protocol):
    cursor: str


@strawberry.type(description="Relay page information: where this page lies in the list, and its cursors.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item of this page, for `after`; null for an empty page."
    )
    has_previous_page: bool = strawberry.field(description="Whether more items come before this page.")
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first item of this page, for `before`; null for an empty page."
    )

    @classmethod
    def of(cls, page: Page[Any], edges: Sequence[_Edge]) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
        )


# What each connection's cursors are bound to: a cursor of one is refused by the other.
GOAL_CONNECTION = "GoalConnection"
EMPLOYEE_GOAL_CONNECTION = "EmployeeGoalConnection"


@strawberry.type(description="A goal in a page of goals.")
class GoalEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this edge, for `after` and `before`.")
    node: Goal = strawberry.field(description="The goal (mål).")


@strawberry.type(description="A page of goals (Relay connection).")
class GoalConnection:
    edges: list[GoalEdge] = strawberry.field(description="The goals of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Whether there is a next page, and where it starts.")
    total_count: int = strawberry.field(description="Number of goals matching the filter, across all pages.")


@strawberry.federation.type(shareable=True, description="What is wrong with one row of a batch.")
class RowError:
    index: int = strawberry.field(description="Position of the row in the batch, from 0.")
    field: str | None = strawberry.field(description="The input field at fault.")
    message: str = strawberry.field(description="What is wrong, for a person to read (felmeddelande).")


@strawberry.type(description="Outcome of a batch of medarbetarmål; a batch with any error changes nothing.")
class UpsertEmployeeGoalsResult:
    created: int = strawberry.field(description="Medarbetarmål new to vsm (matched by source system and external id).")
    updated: int = strawberry.field(description="Medarbetarmål already in vsm that changed.")
    unchanged: int = strawberry.field(description="Medarbetarmål already in vsm, unchanged.")
    errors: list[RowError] = strawberry.field(
        description="What is wrong with each invalid row; when not empty, nothing was changed."
    )


@strawberry.type(description="One read of an employee's medarbetarmål (loggpost).")
class AccessLogEntry:
    accessed_at: datetime = strawberry.field(description="When they were read (åtkomsttidpunkt).")
    actor: str = strawberry.field(description="Who read them.")
    purpose: str = strawberry.field(description="Why (ändamål).")
    operation: str = strawberry.field(description="read or export.")
    goal_count: int = strawberry.field(description="How many of the employee's goals were returned.")


@strawberry.type(description="Everything vsm holds about one employee reference (registerutdrag, GDPR art. 15).")
class EmployeeDataExport:
    employee_ref: str = strawberry.field(description="The pseudonymous employee reference the export is about.")
    employee_goals: list[EmployeeGoal] = strawberry.field(description="Every medarbetarmål held for the employee.")
    access_log: list[AccessLogEntry] = strawberry.field(
        description="Every logged read of the employee's medarbetarmål (åtkomstlogg), oldest first, "
        "this export included."
    )


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


@strawberry.input(description="A medarbetarmål from the HR system.")
class EmployeeGoalInput:
    external_id: str = strawberry.field(description="The goal's id in the HR system.")
    employee_ref: str = strawberry.field(description="Pseudonymous employee reference; never a name or personnummer.")
    unit_id: strawberry.ID = strawberry.field(description="The unit (enhet) or förvaltning where the employee works.")
    operational_goal_id: strawberry.ID = strawberry.field(
        description="The adopted verksamhetsmål the goal contributes to."
    )
    title: str = strawberry.field(description="The goal as the employee and manager wrote it.")


@strawberry.input(description="A new organisation.")
class OrganizationInput:
    code: str = strawberry.field(description="Unique code, e.g. BUN.")
    name: str = strawberry.field(description="Name (namn).")
    kind: OrganizationKind = strawberry.field(description="Kind of organisation (organisationstyp).")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The organisation above this one (överordnad organisation)."
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
