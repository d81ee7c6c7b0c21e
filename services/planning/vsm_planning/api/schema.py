"""Query and mutation roots of the planning subgraph."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from vsm_common import clock, descriptions, scopes
from vsm_common.authz import acting_scope
from vsm_common.execution import FastLeafExecutor
from vsm_common.federation import Schema as BatchedEntitiesSchema
from vsm_common.graphql import parse_id, parse_ids, standard_extensions
from vsm_common.scalars import SCALAR_OVERRIDES

from .. import queries
from ..domain import directives, plans
from ..service import cycles as cycle_cases
from ..service import directives as directive_cases
from ..service import plans as plan_cases
from .arguments import (
    AsOf,
    AssignmentId,
    CycleId,
    Decision,
    DirectiveId,
    GoalIds,
    Kind,
    OptCycleId,
    OptCycleKind,
    OptOrganizationId,
    OrganizationId,
    PlanId,
    ReturnReason,
    arg,
)
from .common import PInfo
from .compilation import Compilation
from .cycles import PlanningCycle
from .directives import Assignment, AssignmentInput, BudgetFrameInput, Directive, DirectiveInput
from .enums import AnalysisSectionKind, AssignmentState, DirectiveKind, DirectiveState, PhaseKind
from .errors import FIELD_PATHS
from .goals import Goal, Organization
from .plans import BudgetLineInput, OperationalPlan


@strawberry.type(description=descriptions.QUERY)
class Query:
    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="Planning cycles, optionally of one kind, oldest first."
    )
    async def cycles(self, info: PInfo, kind: OptCycleKind = None) -> list[PlanningCycle]:
        async with info.context.runtime.pool.acquire() as conn:
            found = await queries.list_cycles(conn, kind)
        for c in found:
            info.context.loaders.cycle.prime(c.id, c)
        return [PlanningCycle.from_domain(c) for c in found]

    @strawberry.federation.field(requires_scopes=scopes.PUBLIC, description="One planning cycle by id.")
    async def cycle(self, info: PInfo, id: CycleId) -> PlanningCycle | None:
        c = await info.context.loaders.cycle.load(parse_id(id, "id"))
        return PlanningCycle.from_domain(c) if c else None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="The current cycle of a kind: the newest one still under way, else the newest one.",
    )
    async def current_cycle(self, info: PInfo, kind: Kind) -> PlanningCycle | None:
        c = await info.context.loaders.current_cycle(kind)
        return PlanningCycle.from_domain(c) if c else None

    @strawberry.field(
        description="Directives, every revision, filtered by budget year, state and kind. The budget system "
        "asks directives(budgetYear: …, state: ADOPTED) for the directives in force: frames per organisation "
        "and year, tax rate, concrete goals and assignments, with stable ids."
    )
    async def directives(
        self,
        info: PInfo,
        budget_year: Annotated[int | None, strawberry.argument(description="Budget year (budgetår).")] = None,
        state: Annotated[DirectiveState | None, arg("Only this state, e.g. ADOPTED for those in force.")] = None,
        kind: Annotated[DirectiveKind | None, arg("Only planeringsdirektiv or only ägardirektiv.")] = None,
    ) -> list[Directive]:
        async with info.context.runtime.pool.acquire() as conn:
            found = await queries.list_directives(conn, budget_year, state, kind)
        for d in found:
            info.context.loaders.directive.prime(d.id, d)
        return [Directive.from_domain(d) for d in found]

    @strawberry.field(description="One directive revision by id.")
    async def directive(self, info: PInfo, id: DirectiveId) -> Directive | None:
        d = await info.context.loaders.directive.load(parse_id(id, "id"))
        return Directive.from_domain(d) if d else None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="Verksamhetsplaner, optionally of one cycle and/or one organisation."
    )
    async def operational_plans(
        self, info: PInfo, cycle_id: OptCycleId = None, organization_id: OptOrganizationId = None
    ) -> list[OperationalPlan]:
        cid = parse_id(cycle_id, "cycleId") if cycle_id is not None else None
        oid = parse_id(organization_id, "organizationId") if organization_id is not None else None
        async with info.context.runtime.pool.acquire() as conn:
            found = await queries.list_plans(conn, cid, oid)
        for p in found:
            info.context.loaders.plan.prime(p.id, p)
        return [OperationalPlan.from_domain(p) for p in found]

    @strawberry.federation.field(requires_scopes=scopes.PUBLIC, description="One verksamhetsplan by id.")
    async def operational_plan(self, info: PInfo, id: PlanId) -> OperationalPlan | None:
        p = await info.context.loaders.plan.load(parse_id(id, "id"))
        return OperationalPlan.from_domain(p) if p else None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="The sammanställning of an annual cycle for KS and KF: all plans, the organisations "
        "without a plan, and the konkretiserade mål without a verksamhetsmål in a recipient's plan. With asOf, "
        "the goals and links are those in force on that date (time travel); the plans and directives are "
        "those of now.",
    )
    async def compilation(self, info: PInfo, cycle_id: CycleId, as_of: AsOf = None) -> Compilation:
        async with info.context.runtime.pool.acquire() as conn:
            found = await queries.compilation(conn, parse_id(cycle_id, "cycleId"), as_of)
        return Compilation.from_domain(found)


@strawberry.type(description=descriptions.MUTATION)
class Mutation:
    # ------------------------------------------------------------ cycles
    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Open a cycle: a MANDATE_PERIOD of four years from startYear, or the ANNUAL cycle of budget "
        "year startYear. Its first phase opens; the phases get default dates and responsible organisations.",
    )
    async def open_cycle(
        self,
        info: PInfo,
        kind: Kind,
        start_year: Annotated[int, arg("First year: the budget year, or the first year of the mandate period.")],
    ) -> PlanningCycle:
        c = await cycle_cases.open_cycle(info.context.uow(), kind, start_year)
        return PlanningCycle.from_domain(c)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Close the current phase and open the next one; phases move forward in order only.",
    )
    async def advance_phase(self, info: PInfo, cycle_id: CycleId) -> PlanningCycle:
        c = await cycle_cases.advance_phase(info.context.uow(), parse_id(cycle_id, "cycleId"))
        return PlanningCycle.from_domain(c)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Set a phase's dates and responsible organisation; what is not given stays.",
    )
    async def schedule_phase(
        self,
        info: PInfo,
        cycle_id: CycleId,
        phase: Annotated[PhaseKind, arg("The phase (fas).")],
        opens_on: Annotated[date | None, arg("New start date (startdatum).")] = None,
        due_on: Annotated[date | None, arg("New due date (slutdatum).")] = None,
        responsible_id: Annotated[strawberry.ID | None, arg("New responsible organisation (ansvarig).")] = None,
    ) -> PlanningCycle:
        c = await cycle_cases.schedule_phase(
            info.context.uow(),
            parse_id(cycle_id, "cycleId"),
            phase,
            opens_on,
            due_on,
            parse_id(responsible_id, "responsibleId") if responsible_id is not None else None,
        )
        return PlanningCycle.from_domain(c)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Write a section of the analysis (omvärldsanalys, invärldsanalys, basfakta) during "
        "STRATEGIC_ANALYSIS or CONDITIONS_ANALYSIS.",
    )
    async def write_analysis_section(
        self,
        info: PInfo,
        cycle_id: CycleId,
        section: Annotated[AnalysisSectionKind, arg("omvärldsanalys, invärldsanalys or basfakta.")],
        text: Annotated[str, arg("The text of the section.")],
    ) -> PlanningCycle:
        c, _ = await cycle_cases.write_analysis_section(
            info.context.uow(), parse_id(cycle_id, "cycleId"), section, text
        )
        return PlanningCycle.from_domain(c)

    # ------------------------------------------------------------ directives
    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER, description="Draft the planeringsdirektiv or ägardirektiv of an annual cycle."
    )
    async def create_directive(
        self, info: PInfo, input: Annotated[DirectiveInput, arg("The new directive.")]
    ) -> Directive:
        d = await directive_cases.create_directive(
            info.context.uow(),
            parse_id(input.cycle_id, "input.cycleId"),
            input.kind,
            input.title,
            parse_ids(input.recipient_ids, "input.recipientIds"),
        )
        return Directive.from_domain(d)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Set budget frames: each (organisation, year) given replaces the one stored. On an adopted "
        "directive this makes a new revision (a draft), which is returned.",
    )
    async def set_budget_frames(
        self,
        info: PInfo,
        directive_id: DirectiveId,
        frames: Annotated[list[BudgetFrameInput], arg("Frames per recipient and year (budgetramar).")],
    ) -> Directive:
        given = [
            directives.FrameInput(parse_id(f.organization_id, f"frames.{i}.organizationId"), f.year, f.amount)
            for i, f in enumerate(frames)
        ]
        d = await directive_cases.set_budget_frames(info.context.uow(), parse_id(directive_id, "directiveId"), given)
        return Directive.from_domain(d)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Set the recipients (mottagare) of a directive: nämnder for a planeringsdirektiv, bolag for an "
        "ägardirektiv, each once, at least one. On a draft they change in place; on an adopted directive this makes "
        "a new revision (a draft), which is returned and supersedes the adopted one when KF adopts it. A removed "
        "recipient's budget frames are dropped and it is taken off its särskilda uppdrag; refused when an uppdrag "
        "or a konkretiserat mål would be left with none of the new recipients. An added recipient needs frames "
        "before adoption.",
    )
    async def set_directive_recipients(
        self,
        info: PInfo,
        directive_id: DirectiveId,
        recipient_ids: Annotated[list[strawberry.ID], arg("Every recipient of the directive, in order.")],
    ) -> Directive:
        d = await directive_cases.set_directive_recipients(
            info.context.uow(), parse_id(directive_id, "directiveId"), parse_ids(recipient_ids, "recipientIds")
        )
        return Directive.from_domain(d)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Set the skattesats (kronor per 100 kr) of a planeringsdirektiv, during DIRECTIVE or "
        "TAX_RATE. On an adopted directive this makes a new revision.",
    )
    async def set_tax_rate(
        self,
        info: PInfo,
        directive_id: DirectiveId,
        rate: Annotated[Decimal, arg('Skattesats, kronor per 100 kr, e.g. "20.38".')],
    ) -> Directive:
        d = await directive_cases.set_tax_rate(info.context.uow(), parse_id(directive_id, "directiveId"), rate)
        return Directive.from_domain(d)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Add konkretiserade mål (CONCRETE goals directed to the recipients). On an adopted "
        "directive this makes a new revision.",
    )
    async def add_concrete_goals(self, info: PInfo, directive_id: DirectiveId, goal_ids: GoalIds) -> Directive:
        d = await directive_cases.add_concrete_goals(
            info.context.uow(), parse_id(directive_id, "directiveId"), parse_ids(goal_ids, "goalIds")
        )
        return Directive.from_domain(d)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Add a särskilt uppdrag to one or more recipients. On an adopted directive this makes a new "
        "revision.",
    )
    async def add_assignment(
        self, info: PInfo, directive_id: DirectiveId, input: Annotated[AssignmentInput, arg("The särskilt uppdrag.")]
    ) -> Directive:
        d = await directive_cases.add_assignment(
            info.context.uow(),
            parse_id(directive_id, "directiveId"),
            input.title,
            input.description,
            parse_ids(input.recipient_ids, "input.recipientIds"),
            input.due_on,
        )
        return Directive.from_domain(d)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Record the progress of a särskilt uppdrag of the directive in force.",
    )
    async def set_assignment_state(
        self, info: PInfo, id: AssignmentId, state: Annotated[AssignmentState, arg("Its new state.")]
    ) -> Assignment:
        a = await directive_cases.set_assignment_state(info.context.uow(), parse_id(id, "id"), state)
        return Assignment.from_domain(a, clock.today())

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="KF adopts the directive (or a revision, which supersedes the one in force). Its concrete "
        "goals are then adopted by the goals service with this decision. Repeating the same adoption is harmless.",
    )
    async def adopt_directive(self, info: PInfo, id: DirectiveId, decision: Decision) -> Directive:
        d = await directive_cases.adopt_directive(info.context.uow(), parse_id(id, "id"), decision.to_domain())
        return Directive.from_domain(d)

    # ------------------------------------------------------------ verksamhetsplaner
    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER_OR_COMMITTEE,
        description="Start the verksamhetsplan of a nämnd or bolag for an annual cycle (three years).",
    )
    async def create_operational_plan(
        self, info: PInfo, cycle_id: CycleId, organization_id: OrganizationId
    ) -> OperationalPlan:
        p = await plan_cases.create_operational_plan(
            info.context.uow(),
            parse_id(cycle_id, "cycleId"),
            parse_id(organization_id, "organizationId"),
            scope=acting_scope(info),
        )
        return OperationalPlan.from_domain(p)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER_OR_COMMITTEE,
        description="Add verksamhetsmål: OPERATIONAL goals of the plan's organisation that serve a CONCRETE goal "
        "directed to it.",
    )
    async def add_plan_goals(self, info: PInfo, plan_id: PlanId, goal_ids: GoalIds) -> OperationalPlan:
        p = await plan_cases.add_plan_goals(
            info.context.uow(),
            parse_id(plan_id, "planId"),
            parse_ids(goal_ids, "goalIds"),
            scope=acting_scope(info),
        )
        return OperationalPlan.from_domain(p)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER_OR_COMMITTEE,
        description="Replace the internbudget: the frame allocated per activity and year.",
    )
    async def set_internal_budget(
        self,
        info: PInfo,
        plan_id: PlanId,
        lines: Annotated[list[BudgetLineInput], arg("Every line of the internbudget.")],
    ) -> OperationalPlan:
        p = await plan_cases.set_internal_budget(
            info.context.uow(),
            parse_id(plan_id, "planId"),
            [plans.LineInput(ln.activity, ln.year, ln.amount) for ln in lines],
            scope=acting_scope(info),
        )
        return OperationalPlan.from_domain(p)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER_OR_COMMITTEE,
        description="Submit the plan (lämna in); refused unless the internbudget adds up to the frame in every year.",
    )
    async def submit_plan(self, info: PInfo, id: PlanId) -> OperationalPlan:
        p = await plan_cases.submit_plan(
            info.context.uow(),
            parse_id(id, "id"),
            scope=acting_scope(info),
        )
        return OperationalPlan.from_domain(p)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER, description="Return a submitted plan for rework (återremittera), with a reason."
    )
    async def return_plan(self, info: PInfo, id: PlanId, reason: ReturnReason) -> OperationalPlan:
        p = await plan_cases.return_plan(info.context.uow(), parse_id(id, "id"), reason)
        return OperationalPlan.from_domain(p)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER_OR_COMMITTEE,
        description="The nämnd or bolag adopts its plan with its own decision; the goals service then adopts "
        "the plan's verksamhetsmål. Repeating the same adoption is harmless.",
    )
    async def adopt_plan(self, info: PInfo, id: PlanId, decision: Decision) -> OperationalPlan:
        p = await plan_cases.adopt_plan(
            info.context.uow(),
            parse_id(id, "id"),
            decision.to_domain(),
            scope=acting_scope(info),
        )
        return OperationalPlan.from_domain(p)


schema = BatchedEntitiesSchema(
    query=Query,
    mutation=Mutation,
    types=[Organization, Goal, Directive, OperationalPlan, PlanningCycle],
    federation_version="2.9",
    scalar_overrides=SCALAR_OVERRIDES,
    extensions=standard_extensions(field_paths=FIELD_PATHS),  # type: ignore[arg-type]
    execution_context_class=FastLeafExecutor,
)
