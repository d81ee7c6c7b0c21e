"""Use cases of the followup service: each one unit of work (state change + the events reporting it)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import asyncpg

from vsm_common import contracts
from vsm_common.errors import Conflict, DomainError, Forbidden, NotFound
from vsm_common.runtime import Runtime

from .adapters import actions as actions_sql
from .adapters import assessments as assessments_sql
from .adapters import goal_projection as goal_projection_sql
from .adapters import indicators as indicators_sql
from .adapters import periods as periods_sql
from .domain import actions, assessments, events, indicators, kolada, periods, rollup
from .domain.model import (
    Action,
    ActionState,
    Assessment,
    AssessmentStatus,
    Direction,
    Fulfilment,
    Indicator,
    IndicatorSource,
    Measurement,
    PeriodKind,
    ProjectedGoal,
    ReportingPeriod,
)
from .queries import outcomes
from .settings import FollowupSettings


# ---------------------------------------------------------------- lookups that refuse with a clear error
async def _period(conn: asyncpg.Connection, period_id: uuid.UUID, field: str = "periodId") -> ReportingPeriod:
    found = (await periods_sql.periods_by_ids(conn, [period_id])).get(period_id)
    if found is None:
        raise NotFound(f"no reporting period {period_id}", field=field, rule="period.exists")
    return found


async def _goal(conn: asyncpg.Connection, goal_id: uuid.UUID, field: str = "goalId") -> ProjectedGoal:
    found = (await goal_projection_sql.projected_goals(conn, [goal_id])).get(goal_id)
    if found is None:
        raise NotFound(
            f"follow-up does not know goal {goal_id} (yet: goals reach follow-up through events within seconds)",
            field=field,
            rule="goal.exists",
        )
    return found


async def _organization(conn: asyncpg.Connection, org_id: uuid.UUID, field: str) -> None:
    if not await goal_projection_sql.count_known_organizations(conn, [org_id]):
        raise NotFound(f"follow-up does not know organisation {org_id}", field=field, rule="organization.exists")


async def _acting_organization(
    conn: asyncpg.Connection, goal: ProjectedGoal, acting_for: str | None, field: str
) -> uuid.UUID | None:
    """The organisation of ``goal`` that ``acting_for`` (a committee's code) speaks for; None when unscoped.

    A committee follows up the goals it owns (OPERATIONAL) or that are addressed to it (CONCRETE).
    """
    if acting_for is None:
        return None
    orgs = await goal_projection_sql.projected_organizations(conn, goal.organization_ids)
    for org in orgs.values():
        if org.code == acting_for:
            return org.id
    raise Forbidden(
        f"{field}: the goal is neither owned by nor addressed to {acting_for}, the organisation of this token",
        field=field,
        rule="access.own_organization",
    )


async def _indicator(conn: asyncpg.Connection, indicator_id: uuid.UUID, field: str = "indicatorId") -> Indicator:
    found = (await indicators_sql.indicators_by_ids(conn, [indicator_id])).get(indicator_id)
    if found is None:
        raise NotFound(f"no indicator {indicator_id}", field=field, rule="indicator.exists")
    return found


# ---------------------------------------------------------------- periods
async def define_periods(rt: Runtime, year: int, kinds: Sequence[PeriodKind]) -> list[ReportingPeriod]:
    """Define the year's periods of ``kinds``; those already defined are returned as they are."""
    specs = periods.period_specs(year, kinds)
    async with rt.unit_of_work() as uow:
        for p in await periods_sql.insert_periods(uow.conn, year, specs):
            await uow.emit(contracts.followup.PERIOD_DEFINED, str(p.id), events.period_defined(p))
        return await periods_sql.periods_by_labels(uow.conn, year, [s.label for s in specs])


async def close_period(rt: Runtime, period_id: uuid.UUID) -> ReportingPeriod:
    """Close a period, freezing its assessments; closing it again changes nothing and tells no one."""
    async with rt.unit_of_work() as uow:
        period = await periods_sql.lock_period(uow.conn, period_id, exclusive=True)
        if period is None:
            raise NotFound(f"no reporting period {period_id}", field="id", rule="period.exists")
        if period.closed:
            return period
        period, closed_at, frozen = await periods_sql.close_period(uow.conn, period_id)
        await uow.emit(
            contracts.followup.PERIOD_CLOSED, str(period.id), events.period_closed(period, closed_at, frozen)
        )
    return period


# ---------------------------------------------------------------- indicators
@dataclass(frozen=True)
class NewIndicator:
    name: str
    unit: str
    direction: Direction
    source: IndicatorSource
    kolada_kpi_id: str | None = None
    owner_id: uuid.UUID | None = None
    baseline: float | None = None
    baseline_year: int | None = None


async def define_indicator(rt: Runtime, new: NewIndicator, indicator_id: uuid.UUID | None = None) -> Indicator:
    name, unit, kpi = indicators.check_indicator(new.name, new.unit, new.source, new.kolada_kpi_id, new.baseline_year)
    baseline = indicators.check_value(new.baseline, "input.baseline") if new.baseline is not None else None
    ind = Indicator(
        id=indicator_id or uuid.uuid4(),
        name=name,
        unit=unit,
        direction=new.direction,
        source=new.source,
        kolada_kpi_id=kpi,
        owner_id=new.owner_id,
        baseline=baseline,
        baseline_year=new.baseline_year,
    )
    async with rt.unit_of_work() as uow:
        if new.owner_id is not None:
            await _organization(uow.conn, new.owner_id, "input.ownerId")
        if not await indicators_sql.insert_indicator(uow.conn, ind):
            raise Conflict(
                f"an indicator already follows Kolada KPI {kpi}",
                field="input.koladaKpiId",
                rule="indicator.kolada_kpi_unique",
            )
    return ind


async def link_indicator(rt: Runtime, indicator_id: uuid.UUID, goal_id: uuid.UUID) -> Indicator:
    async with rt.unit_of_work() as uow:
        ind = await _indicator(uow.conn, indicator_id)
        goal = await _goal(uow.conn, goal_id)
        if goal.state == "RETIRED":
            raise Conflict("a retired goal gets no new indicators", field="goalId", rule="goal.retired")
        await indicators_sql.link_indicator(uow.conn, indicator_id, goal_id)
    return ind


async def set_target(rt: Runtime, indicator_id: uuid.UUID, year: int, value: float) -> Indicator:
    indicators.check_year(year)
    value = indicators.check_value(value)
    async with rt.unit_of_work() as uow:
        ind = await _indicator(uow.conn, indicator_id)
        await indicators_sql.set_target(uow.conn, indicator_id, year, value)
    return ind


async def record_measurement(
    rt: Runtime,
    indicator_id: uuid.UUID,
    *,
    year: int | None,
    period_id: uuid.UUID | None,
    value: float | None,
    gender: str | None = None,
    municipality_id: str | None = None,
    status: str | None = None,
) -> Indicator:
    """Store a measured value of a year or of a period (an own measurement unless a municipality is named)."""
    g = indicators.check_gender(gender)
    v = indicators.check_value(value, "input.value") if value is not None else None
    async with rt.unit_of_work() as uow:
        ind = await _indicator(uow.conn, indicator_id)
        if period_id is not None:
            period = await _period(uow.conn, period_id, "input.periodId")
            if year is not None and year != period.year:
                raise DomainError(
                    f"{period.label} lies in {period.year}, not {year}", field="input.year", rule="measurement.year"
                )
            year = period.year
        if year is None:
            raise DomainError("name the year or the period measured", field="input.year", rule="measurement.when")
        indicators.check_year(year, "input.year")
        municipality = municipality_id.strip() if municipality_id and municipality_id.strip() else None
        await indicators_sql.upsert_measurement(
            uow.conn,
            Measurement(ind.id, year, v, period_id, municipality, g, (status or "").strip() or None),
            ind.source,
        )
    return ind


async def import_kolada(rt: Runtime, document: str | bytes) -> kolada.ImportResult:
    """Import a Kolada API v3 data response; a malformed one is refused before anything is written."""
    doc = kolada.parse_document(document)
    async with rt.unit_of_work() as uow:
        known = await indicators_sql.indicator_ids_by_kpi(uow.conn, sorted({v.kpi for v in doc.values}))
        plan = kolada.plan_import(doc, known)
        await indicators_sql.write_kolada_measurements(uow.conn, plan.writes)
        deleted = await indicators_sql.delete_kolada_measurements(uow.conn, plan.deletes)
    return kolada.result_of(plan, deleted)


# ---------------------------------------------------------------- assessments
async def assess_goal(
    rt: Runtime,
    settings: FollowupSettings,
    goal_id: uuid.UUID,
    period_id: uuid.UUID,
    status: AssessmentStatus,
    analysis: str | None,
    assessed_by: uuid.UUID | None = None,
    *,
    acting_for: str | None = None,
) -> Fulfilment:
    """Record the goal's own assessment in an open period, with the status its indicators suggest."""
    async with rt.unit_of_work() as uow:
        conn = uow.conn
        goal = await _goal(conn, goal_id)
        own = await _acting_organization(conn, goal, acting_for, "goalId")
        period = await periods_sql.lock_period(conn, period_id, exclusive=False)  # closing waits for us, and we for it
        if period is None:
            raise NotFound(f"no reporting period {period_id}", field="periodId", rule="period.exists")
        periods.check_open(period)
        assessments.check_goal_in_force(goal.retired_on, period)
        if own is not None and assessed_by is not None and assessed_by != own:
            raise Forbidden(
                f"assessedById: a committee token for {acting_for} assesses in its own name only",
                field="assessedById",
                rule="access.own_organization",
            )
        if own is not None:
            assessed_by = own
        elif assessed_by is not None:
            await _organization(conn, assessed_by, "assessedById")
        elif len(goal.organization_ids) == 1:
            assessed_by = goal.organization_ids[0]  # the owning nämnd assesses its own goal

        nodes = dict(await goal_projection_sql.load_tree(conn, [goal_id], period.id, period.ends_on))
        nodes[goal_id] = dataclasses.replace(nodes[goal_id], own_status=None)
        before = rollup.roll_up([goal_id], nodes, period_id=period.id, as_of=period.ends_on, policy=settings.rollup)
        rolled = before[goal_id].rolled_up_status
        text = assessments.check_assessment(status, analysis, rolled)
        suggested = indicators.suggest((await outcomes(conn, [goal_id], period, settings))[goal_id])

        previous = await assessments_sql.lock_assessment(conn, goal_id, period.id)
        saved = await assessments_sql.save_assessment(
            conn,
            Assessment(goal_id, period.id, status, suggested, text, assessed_by, datetime.now(UTC)),
        )
        nodes[goal_id] = dataclasses.replace(nodes[goal_id], own_status=status)
        after = rollup.roll_up([goal_id], nodes, period_id=period.id, as_of=period.ends_on, policy=settings.rollup)
        result = after[goal_id]
        await uow.emit(
            contracts.followup.ASSESSMENT_RECORDED,
            str(goal_id),
            events.assessment_recorded(saved, previous.status if previous else None, result.basis, rolled),
        )
    return result


# ---------------------------------------------------------------- actions
async def add_action(
    rt: Runtime,
    goal_id: uuid.UUID,
    title: str,
    owner_id: uuid.UUID,
    due_on: date | None,
    action_id: uuid.UUID | None = None,
    *,
    acting_for: str | None = None,
) -> Action:
    title = actions.check_title(title)
    if due_on is not None:
        indicators.check_year(due_on.year, "input.dueOn")
    async with rt.unit_of_work() as uow:
        goal = await _goal(uow.conn, goal_id)
        await _acting_organization(uow.conn, goal, acting_for, "goalId")
        if goal.state == "RETIRED":
            raise Conflict("a retired goal gets no new actions", field="goalId", rule="goal.retired")
        await _organization(uow.conn, owner_id, "input.ownerId")
        action = await actions_sql.insert_action(
            uow.conn, Action(action_id or uuid.uuid4(), goal_id, title, owner_id, due_on, ActionState.NOT_STARTED)
        )
        await uow.emit(contracts.followup.ACTION_ADDED, str(action.id), events.action_added(action))
    return action


async def set_action_state(
    rt: Runtime, action_id: uuid.UUID, state: ActionState, *, acting_for: str | None = None
) -> Action:
    async with rt.unit_of_work() as uow:
        current = await actions_sql.lock_action(uow.conn, action_id)
        if current is None:
            raise NotFound(f"no action {action_id}", field="id", rule="action.exists")
        await _acting_organization(uow.conn, await _goal(uow.conn, current.goal_id), acting_for, "id")
        if not actions.check_transition(current.state, state):
            return current
        updated = await actions_sql.set_action_state(uow.conn, action_id, state)
        await uow.emit(
            contracts.followup.ACTION_STATE_CHANGED, str(action_id), events.action_state_changed(updated, current.state)
        )
    return updated
