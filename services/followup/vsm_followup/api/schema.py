"""Query and mutation roots of the followup subgraph."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types.arguments import StrawberryArgumentAnnotation

from vsm_common import descriptions, scopes
from vsm_common.authz import acting_scope
from vsm_common.execution import FastLeafExecutor
from vsm_common.federation import Schema as BatchedEntitiesSchema
from vsm_common.graphql import parse_id, standard_extensions
from vsm_common.scalars import SCALAR_OVERRIDES

from .. import queries
from ..domain.model import ActionState, AssessmentStatus, IndicatorSource, PeriodKind
from ..service import actions as action_cases
from ..service import assessments as assessment_cases
from ..service import indicators as indicator_cases
from ..service import periods as period_cases
from .actions import Action, ActionInput
from .assessments import Assessment, Fulfilment
from .common import FInfo, RowError
from .errors import FIELD_PATHS
from .goals import Goal, Organization
from .indicators import Indicator, IndicatorInput, IndicatorOutcome, KoladaImportResult, MeasurementInput
from .periods import ReportingPeriod
from .report import FollowUpReport


def _arg(description: str) -> StrawberryArgumentAnnotation:
    return strawberry.argument(description=description)


ID = strawberry.ID


@strawberry.type(description=descriptions.QUERY)
class Query:
    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="Reporting periods (uppföljningsperioder) by end date, optionally of one year.",
    )
    async def periods(
        self, info: FInfo, year: Annotated[int | None, strawberry.argument(description="Only this year.")] = None
    ) -> list[ReportingPeriod]:
        async with info.context.runtime.pool.acquire() as conn:
            found = await queries.periods(conn, year)
        for p in found:
            info.context.loaders.period.prime(p.id, p)
        return [ReportingPeriod.from_domain(p) for p in found]

    @strawberry.federation.field(requires_scopes=scopes.PUBLIC, description="One reporting period by id or by label.")
    async def period(
        self,
        info: FInfo,
        id: Annotated[ID | None, _arg("The period's id; wins over label.")] = None,
        label: Annotated[str | None, _arg('Its label, e.g. "Delår 2027" (case does not matter).')] = None,
    ) -> ReportingPeriod | None:
        if id is not None:
            p = await info.context.loaders.period.load(parse_id(id, "id"))
        elif label is not None:
            p = await info.context.period_labelled(label)
        else:
            return None
        return ReportingPeriod.from_domain(p) if p else None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="Indicators (nyckeltal) by name, optionally of one goal or one source.",
    )
    async def indicators(
        self,
        info: FInfo,
        goal_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only those of this goal.")] = None,
        source: Annotated[IndicatorSource | None, strawberry.argument(description="Only from this source.")] = None,
    ) -> list[Indicator]:
        async with info.context.runtime.pool.acquire() as conn:
            found = await queries.list_indicators(conn, parse_id(goal_id, "goalId") if goal_id else None, source)
        for i in found:
            info.context.loaders.indicator.prime(i.id, i)
        return [Indicator.from_domain(i) for i in found]

    @strawberry.federation.field(requires_scopes=scopes.PUBLIC, description="One indicator by id.")
    async def indicator(self, info: FInfo, id: Annotated[ID, _arg("The indicator's id.")]) -> Indicator | None:
        i = await info.context.loaders.indicator.load(parse_id(id, "id"))
        return Indicator.from_domain(i) if i else None


@strawberry.type(description=descriptions.MUTATION)
class Mutation:
    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Define a year's reporting periods of the given kinds; TERTIAL + INTERIM + ANNUAL gives T1, "
        "delår and helår. Periods already defined are returned unchanged.",
    )
    async def define_periods(
        self,
        info: FInfo,
        year: Annotated[int, strawberry.argument(description="The year (år).")],
        kinds: Annotated[list[PeriodKind], strawberry.argument(description="Kinds of period to define.")],
    ) -> list[ReportingPeriod]:
        found = await period_cases.define_periods(info.context.uow(), year, kinds)
        return [ReportingPeriod.from_domain(p) for p in found]

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Close a period (stäng perioden): its assessments are frozen from then on.",
    )
    async def close_period(self, info: FInfo, id: Annotated[ID, _arg("The period to close.")]) -> ReportingPeriod:
        return ReportingPeriod.from_domain(await period_cases.close_period(info.context.uow(), parse_id(id, "id")))

    @strawberry.federation.mutation(requires_scopes=scopes.PLANNER, description="Define an indicator (nyckeltal).")
    async def define_indicator(
        self, info: FInfo, input: Annotated[IndicatorInput, _arg("The new indicator.")]
    ) -> Indicator:
        ind = await indicator_cases.define_indicator(
            info.context.uow(),
            indicator_cases.NewIndicator(
                name=input.name,
                unit=input.unit,
                direction=input.direction,
                source=input.source,
                kolada_kpi_id=input.kolada_kpi_id,
                owner_id=parse_id(input.owner_id, "input.ownerId") if input.owner_id else None,
                baseline=input.baseline,
                baseline_year=input.baseline_year,
            ),
        )
        return Indicator.from_domain(ind)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER, description="Link an indicator to a goal it measures."
    )
    async def link_indicator(
        self,
        info: FInfo,
        indicator_id: Annotated[ID, _arg("The indicator.")],
        goal_id: Annotated[ID, _arg("The goal it measures.")],
    ) -> Indicator:
        ind = await indicator_cases.link_indicator(
            info.context.uow(), parse_id(indicator_id, "indicatorId"), parse_id(goal_id, "goalId")
        )
        return Indicator.from_domain(ind)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER, description="Set an indicator's target value for a year (målvärde)."
    )
    async def set_target(
        self,
        info: FInfo,
        indicator_id: Annotated[ID, _arg("The indicator.")],
        year: Annotated[int, _arg("The year (år).")],
        value: Annotated[float, _arg("The target value in the indicator's unit (målvärde).")],
    ) -> Indicator:
        ind = await indicator_cases.set_target(info.context.uow(), parse_id(indicator_id, "indicatorId"), year, value)
        return Indicator.from_domain(ind)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Record a measured value (utfall) of an indicator for a year or a period.",
    )
    async def record_measurement(
        self,
        info: FInfo,
        indicator_id: Annotated[ID, _arg("The indicator.")],
        input: Annotated[MeasurementInput, _arg("The value and what it was measured for.")],
    ) -> Indicator:
        ind = await indicator_cases.record_measurement(
            info.context.uow(),
            parse_id(indicator_id, "indicatorId"),
            year=input.year,
            period_id=parse_id(input.period_id, "input.periodId") if input.period_id else None,
            value=input.value,
            gender=input.gender,
            municipality_id=input.municipality_id,
            status=input.status,
        )
        return Indicator.from_domain(ind)

    @strawberry.federation.mutation(
        requires_scopes=scopes.PLANNER,
        description="Import a Kolada API v3 data response (the JSON text); a malformed one is refused whole.",
    )
    async def import_kolada(
        self,
        info: FInfo,
        document: Annotated[str, strawberry.argument(description='{"values":[...],"count":N,"next_url":...}')],
    ) -> KoladaImportResult:
        return KoladaImportResult.from_domain(await indicator_cases.import_kolada(info.context.uow(), document))

    @strawberry.federation.mutation(
        requires_scopes=scopes.COMMITTEE,
        description="Assess a goal in an open period (bedöm måluppfyllelse); an analysis is required for "
        "anything but ACHIEVED and for overriding the roll-up.",
    )
    async def assess_goal(
        self,
        info: FInfo,
        goal_id: Annotated[ID, _arg("The goal assessed.")],
        period_id: Annotated[ID, _arg("The period; it must be open.")],
        status: Annotated[AssessmentStatus, _arg("The status decided (bedömning).")],
        analysis: Annotated[str | None, strawberry.argument(description="Analysis (analys): why, what next.")] = None,
        assessed_by_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The assessing organisation; default the goal's only owner."),
        ] = None,
    ) -> Fulfilment:
        f = await assessment_cases.assess_goal(
            info.context.uow(),
            info.context.settings,
            parse_id(goal_id, "goalId"),
            parse_id(period_id, "periodId"),
            status,
            analysis,
            parse_id(assessed_by_id, "assessedById") if assessed_by_id else None,
            scope=acting_scope(info),
        )
        return Fulfilment.of(f)

    @strawberry.federation.mutation(
        requires_scopes=scopes.COMMITTEE, description="Add an action (åtgärd) to a goal; it starts NOT_STARTED."
    )
    async def add_action(
        self,
        info: FInfo,
        goal_id: Annotated[ID, _arg("The goal the action serves.")],
        input: Annotated[ActionInput, _arg("The action.")],
    ) -> Action:
        a = await action_cases.add_action(
            info.context.uow(),
            parse_id(goal_id, "goalId"),
            input.title,
            parse_id(input.owner_id, "input.ownerId"),
            input.due_on,
            scope=acting_scope(info),
        )
        return Action.from_domain(a)

    @strawberry.federation.mutation(
        requires_scopes=scopes.COMMITTEE, description="Move an action to another state; DONE and CANCELLED are final."
    )
    async def set_action_state(
        self,
        info: FInfo,
        id: Annotated[ID, _arg("The action.")],
        state: Annotated[ActionState, _arg("Its new state.")],
    ) -> Action:
        action = await action_cases.set_action_state(
            info.context.uow(), parse_id(id, "id"), state, scope=acting_scope(info)
        )
        return Action.from_domain(action)


schema = BatchedEntitiesSchema(
    query=Query,
    mutation=Mutation,
    types=[
        Goal,
        Organization,
        ReportingPeriod,
        Indicator,
        Action,
        Assessment,
        Fulfilment,
        FollowUpReport,
        IndicatorOutcome,
        RowError,
    ],
    federation_version="2.9",
    scalar_overrides=SCALAR_OVERRIDES,
    extensions=standard_extensions(field_paths=FIELD_PATHS),  # type: ignore[arg-type]
    execution_context_class=FastLeafExecutor,
)
