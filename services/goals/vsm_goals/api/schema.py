"""Query and mutation roots of the goals subgraph."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import strawberry

from vsm_common import cost, descriptions, scopes
from vsm_common.cursors import page_window
from vsm_common.execution import FastLeafExecutor
from vsm_common.federation import Schema as BatchedEntitiesSchema
from vsm_common.federation import is_selected
from vsm_common.graphql import parse_id, parse_ids, standard_extensions
from vsm_common.scalars import SCALAR_OVERRIDES

from .. import queries
from ..domain.model import Decision
from ..service import employee_goals
from ..service import goals as goal_cases
from ..service import organizations as organization_cases
from .arguments import ChildId, EmployeeRef, GoalId, LinkDecision, OptEmployeeRef, OptOrganizationId, ParentId, arg
from .common import After, Before, DecisionInput, First, GInfo, Last, PageArgs, PageInfo, RowError
from .employee_goals import (
    AccessLogEntry,
    EmployeeDataExport,
    EmployeeGoal,
    EmployeeGoalConnection,
    EmployeeGoalInput,
    UpsertEmployeeGoalsResult,
    employee_goal_page,
    row_error,
)
from .enums import GoalLevel, GoalState, OrganizationKind
from .errors import FIELD_PATHS
from .goals import GOAL_CONNECTION, CreateGoalInput, Goal, GoalConnection, GoalEdge, ReviseGoalInput
from .organizations import Organization, OrganizationInput
from .viewer import VIEWER_FIELD, Viewer
from .vision import Vision


@strawberry.type(description=descriptions.QUERY)
class Query:
    viewer: Viewer = VIEWER_FIELD

    @strawberry.federation.field(requires_scopes=scopes.PUBLIC, description="The vision in force (visionen).")
    async def vision(self, info: GInfo) -> Vision | None:
        async with info.context.runtime.pool.acquire() as conn:
            v = await queries.vision(conn)
        return Vision.from_domain(v) if v else None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="Organisations, optionally of one kind, ordered by code."
    )
    async def organizations(
        self, info: GInfo, kind: Annotated[OrganizationKind | None, arg("Only organisations of this kind.")] = None
    ) -> list[Organization]:
        async with info.context.runtime.pool.acquire() as conn:
            orgs = await queries.list_organizations(conn, kind)
        return [Organization.from_domain(o) for o in orgs]

    @strawberry.federation.field(requires_scopes=scopes.PUBLIC, description="One organisation by id or by code.")
    async def organization(
        self,
        info: GInfo,
        id: Annotated[strawberry.ID | None, arg("The organisation's id; wins over code.")] = None,
        code: Annotated[str | None, arg('Its code, e.g. "KS" or "BUN" (case does not matter).')] = None,
    ) -> Organization | None:
        if id is not None:
            org = await info.context.loaders.organization.load(parse_id(id, "id"))
        elif code is not None:
            async with info.context.runtime.pool.acquire() as conn:
                org = await queries.organization_by_code(conn, code.strip().upper())
        else:
            return None
        return Organization.from_domain(org) if org else None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="One goal by id; with asOf, as it stood on that date judged by the decisions in force then.",
    )
    async def goal(
        self,
        info: GInfo,
        id: GoalId,
        as_of: Annotated[date | None, arg("The goal as it stood on this date; without it, as it is now.")] = None,
    ) -> Goal | None:
        g = await info.context.loaders.at(as_of).goal.load(parse_id(id, "id"))
        return Goal.from_domain(g, as_of) if g else None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="Goals in a stable order, filtered, one Relay page at a time.",
        directives=cost.PAGE,
    )
    async def goals(
        self,
        info: GInfo,
        level: Annotated[GoalLevel | None, arg("Only goals of this level (målnivå).")] = None,
        organization_id: OptOrganizationId = None,
        state: Annotated[GoalState | None, arg("Only goals in this state, e.g. ADOPTED.")] = None,
        as_of: Annotated[
            date | None, strawberry.argument(description="The structure as it stood on this date (what was in force).")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> GoalConnection:
        cursors = info.context.runtime.cursors
        window = page_window(cursors, GOAL_CONNECTION, first=first, after=after, last=last, before=before)
        org_id = parse_id(organization_id, "organizationId") if organization_id else None
        async with info.context.runtime.pool.acquire() as conn:
            rows, counts = await queries.page_goals(
                conn, level=level, organization_id=org_id, state=state, window=window, as_of=as_of
            )
        page = window.page(rows, counts)
        structure = info.context.loaders.at(as_of)
        for _, g in page.rows:
            structure.goal.prime(g.id, g)
        edges = [
            GoalEdge(cursor=cursors.encode(GOAL_CONNECTION, seq), node=Goal.from_domain(g, as_of))
            for seq, g in page.rows
        ]
        if edges and is_selected(info, ("edges", "node"), "parents"):
            await Goal.prefetch_parents(info, [e.node for e in edges], as_of)
        return GoalConnection(edges=edges, page_info=PageInfo.of(page, edges), total_count=page.total)

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="Adopted övergripande mål and handlingsprogram whose review (översyn) falls before a date.",
    )
    async def goals_due_for_review(
        self, info: GInfo, before: Annotated[date, arg("Review due strictly before this date.")]
    ) -> list[Goal]:
        async with info.context.runtime.pool.acquire() as conn:
            found = await queries.goals_due_for_review(conn, before)
        return [Goal.from_domain(g) for g in found]

    @strawberry.federation.field(
        requires_scopes=scopes.PERSONAL,
        description="Medarbetarmål, filtered. Personal data: every read is logged (who, whose, when, why).",
        directives=cost.PAGE,
    )
    async def employee_goals(
        self,
        info: GInfo,
        employee_ref: OptEmployeeRef = None,
        unit_id: Annotated[strawberry.ID | None, arg("Only those of this unit (enhet).")] = None,
        operational_goal_id: Annotated[strawberry.ID | None, arg("Only those linked to this verksamhetsmål.")] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        purpose: Annotated[
            str | None, strawberry.argument(description="Why the caller reads them (ändamål), for the access log.")
        ] = None,
    ) -> EmployeeGoalConnection:
        return await employee_goal_page(
            info,
            PageArgs(first, after, last, before),
            purpose,
            employee_ref=employee_ref,
            unit_id=parse_id(unit_id, "unitId") if unit_id else None,
            operational_goal_id=parse_id(operational_goal_id, "operationalGoalId") if operational_goal_id else None,
        )

    @strawberry.federation.field(
        requires_scopes=scopes.PERSONAL,
        description="Everything held about one employee reference (registerutdrag); logged.",
    )
    async def employee_data_export(
        self,
        info: GInfo,
        employee_ref: EmployeeRef,
        purpose: Annotated[str | None, arg('Why (ändamål), for the access log; default "registerutdrag".')] = None,
    ) -> EmployeeDataExport:
        export = await employee_goals.export_employee(
            info.context.uow(),
            info.context.reader(purpose or "registerutdrag"),
            employee_ref,
        )
        return EmployeeDataExport(
            employee_ref=export.employee_ref,
            employee_goals=[EmployeeGoal.from_domain(g) for g in export.goals],
            access_log=[
                AccessLogEntry(
                    accessed_at=e.accessed_at,
                    actor=e.actor,
                    purpose=e.purpose,
                    operation=e.operation,
                    goal_count=e.goal_count,
                )
                for e in export.access_log
            ],
        )


def _decision(d: DecisionInput, field: str) -> Decision:
    return Decision(
        body_id=parse_id(d.body_id, f"{field}.bodyId"),
        date=d.date,
        paragraph=d.paragraph.strip() if d.paragraph else None,
        diary_number=d.diary_number.strip() if d.diary_number else None,
    )


@strawberry.type(description=descriptions.MUTATION)
class Mutation:
    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Register an organisation (KF, KS, nämnd, bolag, förvaltning, enhet).",
    )
    async def register_organization(
        self, info: GInfo, input: Annotated[OrganizationInput, arg("The new organisation.")]
    ) -> Organization:
        org = await organization_cases.register_organization(
            info.context.uow(),
            input.code,
            input.name,
            input.kind,
            parse_id(input.parent_id, "input.parentId") if input.parent_id else None,
        )
        return Organization.from_domain(org)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Create a goal as a DRAFT (utkast), linked upward to the goals it serves.",
    )
    async def create_goal(self, info: GInfo, input: Annotated[CreateGoalInput, arg("The new goal.")]) -> Goal:
        goal = await goal_cases.create_goal(
            info.context.uow(),
            goal_cases.NewGoal(
                level=input.level,
                title=input.title,
                description=input.description,
                parent_ids=parse_ids(input.parent_ids, "input.parentIds"),
                organization_ids=parse_ids(input.organization_ids, "input.organizationIds"),
                theme_ids=parse_ids(input.theme_ids, "input.themeIds"),
                valid_from=input.valid_from,
                valid_to=input.valid_to,
            ),
        )
        return Goal.from_domain(goal)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Link a goal upward to a goal it serves. On a goal in force (ADOPTED) this is a decision "
        "(beslut) of its own, in force from effectiveFrom; a draft's links take effect with its adoption.",
    )
    async def link_goals(
        self,
        info: GInfo,
        child_id: ChildId,
        parent_id: ParentId,
        decision: LinkDecision = None,
        effective_from: Annotated[
            date | None,
            arg("First day the link is in force; default the decision's date, never before it. Only with a decision."),
        ] = None,
    ) -> Goal:
        g = await goal_cases.link_goals(
            info.context.uow(),
            parse_id(child_id, "childId"),
            parse_id(parent_id, "parentId"),
            _decision(decision, "decision") if decision else None,
            effective_from,
        )
        return Goal.from_domain(g)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Remove the link between a goal and a goal it served. On a goal in force (ADOPTED) this is "
        "a decision (beslut) of its own and the link ends on effectiveFrom; a draft's link is simply removed.",
    )
    async def unlink_goals(
        self,
        info: GInfo,
        child_id: ChildId,
        parent_id: ParentId,
        decision: LinkDecision = None,
        effective_from: Annotated[
            date | None,
            arg(
                "First day the link is no longer in force; default the decision's date, never before it. "
                "Only with a decision."
            ),
        ] = None,
    ) -> Goal:
        g = await goal_cases.unlink_goals(
            info.context.uow(),
            parse_id(child_id, "childId"),
            parse_id(parent_id, "parentId"),
            _decision(decision, "decision") if decision else None,
            effective_from,
        )
        return Goal.from_domain(g)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Revise a goal: a draft in place, an adopted goal as a new revision with a decision.",
    )
    async def revise_goal(
        self, info: GInfo, id: GoalId, input: Annotated[ReviseGoalInput, arg("What changes, and by which decision.")]
    ) -> Goal:
        g = await goal_cases.revise_goal(
            info.context.uow(),
            parse_id(id, "id"),
            goal_cases.Revision(
                title=input.title,
                description=input.description,
                valid_to=input.valid_to,
                decision=_decision(input.decision, "input.decision") if input.decision else None,
            ),
        )
        return Goal.from_domain(g)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Adopt a draft goal by decision (antagande); it needs the links of its level.",
    )
    async def adopt_goal(
        self, info: GInfo, id: GoalId, decision: Annotated[DecisionInput, arg("The decision (antagandebeslut).")]
    ) -> Goal:
        g = await goal_cases.adopt_goal(info.context.uow(), parse_id(id, "id"), _decision(decision, "decision"))
        return Goal.from_domain(g)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Retire an adopted goal by decision (avveckling); it stays in the history.",
    )
    async def retire_goal(
        self, info: GInfo, id: GoalId, decision: Annotated[DecisionInput, arg("The decision (avvecklingsbeslut).")]
    ) -> Goal:
        g = await goal_cases.retire_goal(info.context.uow(), parse_id(id, "id"), _decision(decision, "decision"))
        return Goal.from_domain(g)

    @strawberry.federation.mutation(
        requires_scopes=scopes.HR_SYSTEM,
        description="Create or update up to 10,000 medarbetarmål from an HR system, idempotent by "
        "(sourceSystem, externalId). A batch with any invalid row is refused whole.",
    )
    async def upsert_employee_goals(
        self,
        info: GInfo,
        source_system: Annotated[str, arg('The HR system sending, e.g. "heroma"; with externalId the key.')],
        goals: Annotated[list[EmployeeGoalInput], arg("The medarbetarmål, at most 10,000.")],
    ) -> UpsertEmployeeGoalsResult:
        rows = []
        bad: list[RowError] = []
        for i, g in enumerate(goals):
            try:
                unit = uuid.UUID(g.unit_id)
            except ValueError:
                bad.append(RowError(index=i, field="unitId", message="not a valid id"))
                unit = uuid.UUID(int=0)
            try:
                goal = uuid.UUID(g.operational_goal_id)
            except ValueError:
                bad.append(RowError(index=i, field="operationalGoalId", message="not a valid id"))
                goal = uuid.UUID(int=0)
            rows.append(employee_goals.new_row(g.external_id, g.employee_ref, unit, goal, g.title))
        result = await employee_goals.upsert_employee_goals(info.context.uow(), source_system, rows)
        # A malformed id is reported once, not again as "unknown unit/goal".
        reported = {(e.index, e.field) for e in bad}
        errors = bad + [row_error(p) for p in result.errors if (p.index, row_error(p).field) not in reported]
        errors.sort(key=lambda e: e.index)
        if errors:
            return UpsertEmployeeGoalsResult(created=0, updated=0, unchanged=0, errors=errors)
        return UpsertEmployeeGoalsResult(
            created=result.created, updated=result.updated, unchanged=result.unchanged, errors=[]
        )


schema = BatchedEntitiesSchema(
    query=Query,
    mutation=Mutation,
    types=[Organization, Goal, Vision, EmployeeGoal],
    federation_version="2.9",
    scalar_overrides=SCALAR_OVERRIDES,
    extensions=standard_extensions(field_paths=FIELD_PATHS),  # type: ignore[arg-type]
    execution_context_class=FastLeafExecutor,
)
