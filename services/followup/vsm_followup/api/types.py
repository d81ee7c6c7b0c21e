"""GraphQL types of the followup subgraph; relations resolve through the request's DataLoaders."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from vsm_common import descriptions
from vsm_common.clock import today
from vsm_common.errors import DomainError, NotFound
from vsm_common.federation import selected_arguments
from vsm_common.graphql import describe_enum_values, parse_id

from .. import report_html
from ..domain import kolada, model
from ..domain.actions import is_overdue
from ..domain.indicators import Outcome, suggest
from ..domain.model import (
    ActionState,
    AssessmentStatus,
    Direction,
    FulfilmentBasis,
    IndicatorSource,
    PeriodKind,
)
from ..queries import ReportData
from .context import FollowupContext

FInfo = Info[FollowupContext, None]

strawberry.enum(
    AssessmentStatus,
    name="AssessmentStatus",
    description="Assessment scale (bedömningsskala): uppfyllt, delvis uppfyllt, ej uppfyllt, ej bedömd/data saknas.",
)
strawberry.enum(
    FulfilmentBasis,
    name="FulfilmentBasis",
    description="What a fulfilment rests on (grund): own assessment (egen bedömning), roll-up from contributors "
    "(sammanvägning), an own assessment overriding the roll-up, or nothing yet.",
)
strawberry.enum(
    PeriodKind, name="PeriodKind", description="Kind of reporting period (periodtyp): månad, tertial, delår, helår."
)
strawberry.enum(
    IndicatorSource,
    name="IndicatorSource",
    description="Source of an indicator's values (källa): own measurement, Kolada, the HR or the finance system.",
)
strawberry.enum(
    Direction,
    name="Direction",
    description="Which way is better for an indicator (riktning): higher or lower values.",
)
strawberry.enum(
    ActionState,
    name="ActionState",
    description="State of an action (åtgärdsstatus): ej påbörjad, påbörjad, genomförd, försenad, avförd.",
)
describe_enum_values(
    AssessmentStatus,
    {
        "ACHIEVED": "Achieved (uppfyllt).",
        "PARTLY_ACHIEVED": "Partly achieved (delvis uppfyllt).",
        "NOT_ACHIEVED": "Not achieved (ej uppfyllt).",
        "NOT_ASSESSED": "Not assessed or no data (ej bedömd / data saknas).",
    },
)
describe_enum_values(
    FulfilmentBasis,
    {
        "ASSESSED": "The goal's own assessment (egen bedömning); its contributors give no roll-up.",
        "ROLLED_UP": "Rolled up from the goals that serve it (sammanvägd från bidragande mål).",
        "OVERRIDDEN": "The goal's own assessment, overriding the roll-up from its contributors "
        "(egen bedömning som ersätter sammanvägningen).",
        "NONE": "Neither an own assessment nor a roll-up yet (ingen bedömning).",
    },
)
describe_enum_values(
    PeriodKind,
    {
        "MONTH": "Month (månad): one calendar month.",
        "TERTIAL": "Tertial (tertial): the year up to the end of a four-month period, e.g. T1 1 January–30 April.",
        "INTERIM": "Interim report period (delår): 1 January–31 August.",
        "ANNUAL": "Full year (helår, årsredovisning): 1 January–31 December.",
    },
)
describe_enum_values(
    IndicatorSource,
    {
        "OWN": "Own measurement (egen mätning), entered in vsm.",
        "KOLADA": "The national KPI database Kolada (kolada.se), by KPI id.",
        "HR": "The HR system (personalsystem).",
        "FINANCE": "The finance system (ekonomisystem).",
    },
)
describe_enum_values(
    Direction,
    {
        "HIGHER_IS_BETTER": "A higher value is better (högre är bättre).",
        "LOWER_IS_BETTER": "A lower value is better (lägre är bättre).",
    },
)
describe_enum_values(
    ActionState,
    {
        "NOT_STARTED": "Not started (ej påbörjad).",
        "IN_PROGRESS": "In progress (påbörjad).",
        "DONE": "Done (genomförd).",
        "DELAYED": "Delayed (försenad).",
        "CANCELLED": "Cancelled (avförd).",
    },
)


def _id(value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(str(value))


def _key(value: strawberry.ID) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


AS_OF = (
    "The goal structure as it stood on this date: the goals adopted by then and not yet retired, and the links "
    "in force then (a link changed by a decision counts from the day it took effect). Default: the period's "
    "last day, with every goal adopted in or after the period still followed up in it; without a period, today."
)


def _as_of(value: Any) -> date | None:
    """asOf as the resolvers get it, whether it came as a variable (a date) or written in the query (text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


PERIOD_LABEL = (
    'The reporting period by its label, e.g. "Delår 2027" (case does not matter), when periodId is not given: '
    "a label names its year, so it stays the same on every installation while ids do not."
)


async def _period_key(
    info: FInfo, period_id: strawberry.ID | None, period_label: str | None = None
) -> uuid.UUID | None:
    """The period a fulfilment is asked for: the given one (which must exist), else the latest open."""
    if period_id is not None or period_label is not None:
        return (await _period_or_fail(info, period_id, period_label)).id
    latest = await info.context.default_period()
    return latest.id if latest else None


async def _period_or_fail(
    info: FInfo, period_id: strawberry.ID | None, period_label: str | None = None
) -> model.ReportingPeriod:
    """The period named by id (which wins, like ``organization(id, code)``) or by label; it must exist."""
    if period_id is not None:
        key = parse_id(period_id, "periodId")
        found = await info.context.loaders.period.load(key)
        if found is None:
            raise NotFound(f"no reporting period {key}", field="periodId", rule="period.exists")
        return found
    if period_label is not None:
        labelled = await info.context.period_labelled(period_label)
        if labelled is None:
            raise NotFound(f"no reporting period labelled “{period_label}”", field="periodLabel", rule="period.exists")
        return labelled
    raise DomainError("name the reporting period: periodId or periodLabel", field="periodId", rule="period.required")


# The arguments of Goal.fulfilment: periodId, periodLabel, asOf.
FulfilmentArgs = tuple[strawberry.ID | None, str | None, date | None]


# ---------------------------------------------------------------- entities owned by goals
@strawberry.federation.type(keys=["id"], description=descriptions.ORGANIZATION)
class Organization:
    id: strawberry.ID = strawberry.field(description="The organisation's id (owned by the goals subgraph).")

    @strawberry.field(
        description="The organisation's follow-up report (uppföljningsrapport) for a period: its goals with "
        "fulfilment, indicators against targets, analyses and actions, also as a printable HTML page."
    )
    async def follow_up_report(
        self,
        info: FInfo,
        period_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The reporting period; this or periodLabel.")
        ] = None,
        period_label: Annotated[str | None, strawberry.argument(description=PERIOD_LABEL)] = None,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> FollowUpReport:
        period = await _period_or_fail(info, period_id, period_label)
        org_id = parse_id(self.id, "id")
        data = await info.context.loaders.report.load((org_id, period.id, as_of))
        for goal_id, results in data.outcomes.items():
            info.context.loaders.outcomes.prime((goal_id, period.id), results)
        for goal_id in data.goal_info:
            info.context.loaders.assessment.prime((goal_id, period.id), data.assessments.get(goal_id))
        return FollowUpReport(data=data)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Organization:
        return cls(id=id)


@strawberry.federation.type(keys=["id"], description=descriptions.GOAL)
class Goal:
    id: strawberry.ID = strawberry.field(description="The goal's id (owned by the goals subgraph).")
    # Filled by prefetch_entities: fulfilment per requested (periodId, periodLabel, asOf) (not part of the schema).
    _prefetched: strawberry.Private[dict[FulfilmentArgs, Fulfilment] | None] = None

    @strawberry.field(description="Indicators (nyckeltal) linked to the goal.")
    async def indicators(self, info: FInfo) -> list[Indicator]:
        key = _key(self.id)
        found = await info.context.loaders.goal_indicators.load(key) if key else []
        return [Indicator.from_domain(i) for i in found]

    @strawberry.field(description="The goal's own assessments (bedömningar), one per period, oldest period first.")
    async def assessments(self, info: FInfo) -> list[Assessment]:
        key = _key(self.id)
        found = await info.context.loaders.goal_assessments.load(key) if key else []
        return [Assessment.from_domain(a) for a in found]

    @strawberry.field(
        description="Fulfilment (måluppfyllelse) in a period: own assessment, or rolled up from the goals that "
        "serve it. By default the latest open period."
    )
    def fulfilment(
        self,
        info: FInfo,
        period_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The reporting period; default the latest open.")
        ] = None,
        period_label: Annotated[str | None, strawberry.argument(description=PERIOD_LABEL)] = None,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> Fulfilment:
        # Synchronous when `_entities` prefetched it for this period (the dashboard, the roll-up);
        # otherwise the coroutine, which graphql-core awaits like any async resolver's.
        prefetched = self._prefetched.get((period_id, period_label, as_of)) if self._prefetched else None
        if prefetched is not None:
            return prefetched
        return self._fulfilment(info, period_id, period_label, as_of)  # type: ignore[return-value]

    async def _fulfilment(
        self, info: FInfo, period_id: strawberry.ID | None, period_label: str | None, as_of: date | None
    ) -> Fulfilment:
        pid = await _period_key(info, period_id, period_label)
        return Fulfilment.of(await info.context.loaders.fulfilment.load((parse_id(self.id, "id"), pid, as_of)))

    @classmethod
    async def prefetch_entities(cls, info: FInfo, goals: list[Goal]) -> None:
        """One fulfilment load for every goal the gateway asks about (vsm_common.federation)."""
        selections = selected_arguments(info, "Goal", "fulfilment")
        asked = {(s.get("periodId"), s.get("periodLabel"), _as_of(s.get("asOf"))) for s in selections}
        if len(asked) != 1:
            return  # not selected, or with different periods or dates: each field resolves on its own
        [(period_id, period_label, as_of)] = asked
        try:
            pid = await _period_key(info, period_id, period_label)
            found = await info.context.loaders.fulfilment.load_many([(parse_id(g.id, "id"), pid, as_of) for g in goals])
        except Exception:  # noqa: BLE001 - the fields resolve one by one and report their own errors
            return
        for goal, f in zip(goals, found, strict=True):
            goal._prefetched = {(period_id, period_label, as_of): Fulfilment.of(f)}

    @strawberry.field(description="Actions (åtgärder) decided for the goal, by due date.")
    async def actions(self, info: FInfo) -> list[Action]:
        key = _key(self.id)
        found = await info.context.loaders.goal_actions.load(key) if key else []
        return [Action.from_domain(a) for a in found]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Goal:
        return cls(id=id)


# ---------------------------------------------------------------- periods
@strawberry.federation.type(keys=["id"], description="A reporting period (uppföljningsperiod), e.g. T1, delår, helår.")
class ReportingPeriod:
    id: strawberry.ID = strawberry.field(description="The period's id.")
    year: int = strawberry.field(description="The year it belongs to (år).")
    kind: PeriodKind = strawberry.field(description="Kind of period (periodtyp).")
    label: str = strawberry.field(description='Label, e.g. "T1 2027" or "Delår 2027".')
    starts_on: date = strawberry.field(description="First day covered (från och med).")
    ends_on: date = strawberry.field(description="Last day covered (till och med); the report date.")
    closed: bool = strawberry.field(description="A closed period's assessments are frozen (stängd).")

    @classmethod
    def from_domain(cls, p: model.ReportingPeriod) -> ReportingPeriod:
        return cls(
            id=_id(p.id),
            year=p.year,
            kind=p.kind,
            label=p.label,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            closed=p.closed,
        )

    @classmethod
    async def resolve_reference(cls, info: FInfo, id: strawberry.ID) -> ReportingPeriod | None:
        key = _key(id)
        p = await info.context.loaders.period.load(key) if key else None
        return cls.from_domain(p) if p else None


# ---------------------------------------------------------------- indicators
@strawberry.type(description="The target value of an indicator for a year (målvärde).")
class Target:
    year: int = strawberry.field(description="The year the target applies to (år).")
    value: float = strawberry.field(description="The target value, in the indicator's unit (målvärde).")


@strawberry.type(description="A measured value of an indicator (utfall), for a year or a reporting period.")
class Measurement:
    year: int = strawberry.field(description="The year measured (år).")
    period_id: strawberry.Private[uuid.UUID | None]
    value: float | None = strawberry.field(description="The value; null when the source reports it missing.")
    gender: str | None = strawberry.field(description="T (totalt), K (kvinnor) or M (män), as in Kolada (kön).")
    municipality_id: str | None = strawberry.field(
        description='Kolada municipality id, e.g. "1380" (Halmstad); null for an own measurement (kommun-id).'
    )
    status: str | None = strawberry.field(description='Status from the source, e.g. Kolada\'s "Missing".')
    count: int | None = strawberry.field(description="Number of units a Kolada value is based on (antal).")

    @classmethod
    def from_domain(cls, m: model.Measurement) -> Measurement:
        return cls(
            year=m.year,
            period_id=m.period_id,
            value=m.value,
            gender=m.gender,
            municipality_id=m.municipality_id,
            status=m.status,
            count=m.count,
        )

    @strawberry.field(description="The reporting period measured, when not a whole year (period).")
    async def period(self, info: FInfo) -> ReportingPeriod | None:
        if self.period_id is None:
            return None
        p = await info.context.loaders.period.load(self.period_id)
        return ReportingPeriod.from_domain(p) if p else None


@strawberry.federation.type(keys=["id"], description="An indicator (nyckeltal) that measures progress towards goals.")
class Indicator:
    id: strawberry.ID = strawberry.field(description="The indicator's id.")
    name: str = strawberry.field(description="Name (benämning).")
    unit: str = strawberry.field(description='Unit (enhet), e.g. "%" or "antal".')
    direction: Direction = strawberry.field(description="Which way is better (riktning).")
    source: IndicatorSource = strawberry.field(description="Where its values come from (källa).")
    kolada_kpi_id: str | None = strawberry.field(description='Kolada KPI id (nyckeltals-id), e.g. "N01951".')
    baseline: float | None = strawberry.field(description="Baseline value (utgångsvärde).")
    baseline_year: int | None = strawberry.field(description="Year of the baseline (utgångsår).")
    owner_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, i: model.Indicator) -> Indicator:
        return cls(
            id=_id(i.id),
            name=i.name,
            unit=i.unit,
            direction=i.direction,
            source=i.source,
            kolada_kpi_id=i.kolada_kpi_id,
            baseline=i.baseline,
            baseline_year=i.baseline_year,
            owner_id=i.owner_id,
        )

    @strawberry.field(description="The organisation responsible for the indicator (ansvarig).")
    def owner(self) -> Organization | None:
        return Organization(id=_id(self.owner_id)) if self.owner_id else None

    @strawberry.field(description="The goals the indicator measures (mål).")
    async def goals(self, info: FInfo) -> list[Goal]:
        ids = await info.context.loaders.indicator_goal_ids.load(uuid.UUID(self.id))
        return [Goal(id=_id(g)) for g in ids]

    @strawberry.field(description="Target values per year (målvärden), by year.")
    async def targets(self, info: FInfo) -> list[Target]:
        found = await info.context.loaders.targets.load(uuid.UUID(self.id))
        return [Target(year=t.year, value=t.value) for t in found]

    @strawberry.field(
        description="Measured values (utfall) by year and period, optionally of one year or municipality."
    )
    async def measurements(
        self,
        info: FInfo,
        year: Annotated[int | None, strawberry.argument(description="Only this year.")] = None,
        municipality_id: Annotated[
            str | None, strawberry.argument(description='Only this Kolada municipality id, e.g. "1380".')
        ] = None,
    ) -> list[Measurement]:
        found = await info.context.loaders.measurements.load(uuid.UUID(self.id))
        return [
            Measurement.from_domain(m)
            for m in found
            if (year is None or m.year == year) and (municipality_id is None or m.municipality_id == municipality_id)
        ]

    @classmethod
    async def resolve_reference(cls, info: FInfo, id: strawberry.ID) -> Indicator | None:
        key = _key(id)
        i = await info.context.loaders.indicator.load(key) if key else None
        return cls.from_domain(i) if i else None


@strawberry.type(description="An indicator against its target in a period (utfall mot målvärde).")
class IndicatorOutcome:
    outcome: strawberry.Private[Outcome]

    @strawberry.field(description="The indicator (nyckeltal).")
    def indicator(self) -> Indicator:
        return Indicator.from_domain(self.outcome.indicator)

    @strawberry.field(description="The year whose target applies (år).")
    def year(self) -> int:
        return self.outcome.year

    @strawberry.field(description="The target value for the year (målvärde); null when none is set.")
    def target(self) -> float | None:
        return self.outcome.target

    @strawberry.field(description="The value that stands for the period (utfall); null when there is none.")
    def actual(self) -> float | None:
        return self.outcome.actual

    @strawberry.field(description="The year of that value; may be the year before, as Kolada publishes late.")
    def actual_year(self) -> int | None:
        return self.outcome.actual_year

    @strawberry.field(description="The period of that value, when it was measured for the period itself.")
    async def actual_period(self, info: FInfo) -> ReportingPeriod | None:
        if self.outcome.actual_period_id is None:
            return None
        p = await info.context.loaders.period.load(self.outcome.actual_period_id)
        return ReportingPeriod.from_domain(p) if p else None

    @strawberry.field(description="Share of the target reached, respecting direction: 1.0 is on target (andel).")
    def share(self) -> float | None:
        return self.outcome.share

    @strawberry.field(description="The status the share suggests (ej bedömd without target or value).")
    def status(self) -> AssessmentStatus:
        return self.outcome.status


# ---------------------------------------------------------------- assessments and fulfilment
@strawberry.type(description="An own assessment (bedömning) of a goal in a period.")
class Assessment:
    a: strawberry.Private[model.Assessment]

    @classmethod
    def from_domain(cls, a: model.Assessment) -> Assessment:
        return cls(a=a)

    @strawberry.field(description="The period assessed (period).")
    async def period(self, info: FInfo) -> ReportingPeriod:
        p = await info.context.loaders.period.load(self.a.period_id)
        assert p is not None
        return ReportingPeriod.from_domain(p)

    @strawberry.field(description="The goal assessed (mål).")
    def goal(self) -> Goal:
        return Goal(id=_id(self.a.goal_id))

    @strawberry.field(description="The status decided (bedömning).")
    def status(self) -> AssessmentStatus:
        return self.a.status

    @strawberry.field(description="The status the goal's indicators suggested when it was assessed (förslag).")
    def suggested_status(self) -> AssessmentStatus | None:
        return self.a.suggested_status

    @strawberry.field(description="The analysis (analys): why, and what is done about it.")
    def analysis(self) -> str | None:
        return self.a.analysis

    @strawberry.field(description="The organisation that assessed (bedömd av).")
    def assessed_by(self) -> Organization | None:
        return Organization(id=_id(self.a.assessed_by)) if self.a.assessed_by else None

    @strawberry.field(description="When it was assessed (bedömningstidpunkt).")
    def assessed_at(self) -> datetime:
        return self.a.assessed_at


@strawberry.type(description="Fulfilment of a goal in a period (måluppfyllelse), own or rolled up.")
class Fulfilment:
    f: strawberry.Private[model.Fulfilment]
    # Plain attributes, not resolvers: a roll-up answers thousands of these (vsm_common.execution).
    status: AssessmentStatus = strawberry.field(description="The status (måluppfyllelse).")
    basis: FulfilmentBasis = strawberry.field(
        description="What the status rests on (grund): own assessment, roll-up or override."
    )
    explanation: str = strawberry.field(description="Why, in words a committee can read (motivering).")
    rolled_up_status: AssessmentStatus | None = strawberry.field(
        description="What the contributors give (sammanvägning), also when an own assessment overrides it."
    )

    @classmethod
    def of(cls, f: model.Fulfilment) -> Fulfilment:
        return cls(f=f, status=f.status, basis=f.basis, explanation=f.explanation, rolled_up_status=f.rolled_up_status)

    @strawberry.field(description="The goal this fulfilment is of (mål).")
    def goal(self) -> Goal:
        return Goal(id=_id(self.f.goal_id))

    @strawberry.field(description="The period it applies to (period); null when no period is defined.")
    async def period(self, info: FInfo) -> ReportingPeriod | None:
        if self.f.period_id is None:
            return None
        p = await info.context.loaders.period.load(self.f.period_id)
        return ReportingPeriod.from_domain(p) if p else None

    @strawberry.field(
        description="Fulfilment of the goals that serve this one, as follow-up knows them (bidragande mål)."
    )
    def contributors(self) -> list[Fulfilment]:
        return [Fulfilment.of(c) for c in self.f.contributors]

    @strawberry.field(description="The goal's own assessment in the period, with its analysis (bedömning).")
    async def assessment(self, info: FInfo) -> Assessment | None:
        if self.f.period_id is None:
            return None
        a = await info.context.loaders.assessment.load((self.f.goal_id, self.f.period_id))
        return Assessment.from_domain(a) if a else None

    @strawberry.field(description="The goal's indicators against their targets in the period (nyckeltal).")
    async def indicators(self, info: FInfo) -> list[IndicatorOutcome]:
        if self.f.period_id is None:
            return []
        found = await info.context.loaders.outcomes.load((self.f.goal_id, self.f.period_id))
        return [IndicatorOutcome(outcome=o) for o in found]

    @strawberry.field(
        description="The status the indicators suggest now (förslag): the worst of those with a value and target."
    )
    async def suggested_status(self, info: FInfo) -> AssessmentStatus | None:
        if self.f.period_id is None:
            return None
        return suggest(await info.context.loaders.outcomes.load((self.f.goal_id, self.f.period_id)))


# ---------------------------------------------------------------- actions
@strawberry.federation.type(keys=["id"], description="An action on a deviation (åtgärd).")
class Action:
    a: strawberry.Private[model.Action]
    id: strawberry.ID = strawberry.field(description="The action's id.")

    @classmethod
    def from_domain(cls, a: model.Action) -> Action:
        return cls(a=a, id=_id(a.id))

    @strawberry.field(description="The goal the action serves (mål).")
    def goal(self) -> Goal:
        return Goal(id=_id(self.a.goal_id))

    @strawberry.field(description="What is to be done (åtgärd).")
    def title(self) -> str:
        return self.a.title

    @strawberry.field(description="The organisation responsible (ansvarig).")
    def owner(self) -> Organization:
        return Organization(id=_id(self.a.owner_id))

    @strawberry.field(description="When it is to be done (klart senast).")
    def due_on(self) -> date | None:
        return self.a.due_on

    @strawberry.field(description="State (status): ej påbörjad, påbörjad, genomförd, försenad, avförd.")
    def state(self) -> ActionState:
        return self.a.state

    @strawberry.field(description="Past its due date and neither done nor cancelled (förfallen).")
    def overdue(self, info: FInfo) -> bool:
        return is_overdue(self.a.state, self.a.due_on, today())

    @classmethod
    async def resolve_reference(cls, info: FInfo, id: strawberry.ID) -> Action | None:
        key = _key(id)
        a = await info.context.loaders.action.load(key) if key else None
        return cls.from_domain(a) if a else None


# ---------------------------------------------------------------- the report
@strawberry.type(description="An organisation's follow-up report for a period (uppföljningsrapport).")
class FollowUpReport:
    data: strawberry.Private[ReportData]

    @strawberry.field(description="The organisation reported on (organisation).")
    def organization(self) -> Organization:
        return Organization(id=_id(self.data.organization_id))

    @strawberry.field(description="The period reported (period).")
    def period(self) -> ReportingPeriod:
        return ReportingPeriod.from_domain(self.data.period)

    @strawberry.field(
        description="The organisation's goals in force at the period's end with their fulfilment, by level and "
        "title (måluppfyllelse)."
    )
    def goals(self) -> list[Fulfilment]:
        return [Fulfilment.of(f) for f in self.data.goals]

    @strawberry.field(description="The actions on these goals (åtgärder), by due date.")
    def actions(self) -> list[Action]:
        return [Action.from_domain(a) for a in self.data.actions]

    @strawberry.field(description="The goals' indicators against their targets (nyckeltal mot målvärden).")
    def indicators(self) -> list[IndicatorOutcome]:
        seen: set[uuid.UUID] = set()
        out: list[IndicatorOutcome] = []
        for f in self.data.goals:
            for o in self.data.outcomes.get(f.goal_id, []):
                if o.indicator.id not in seen:
                    seen.add(o.indicator.id)
                    out.append(IndicatorOutcome(outcome=o))
        return out

    @strawberry.field(
        description="The report as a printable HTML page (utskriftsvänlig rapport), rendered with every text escaped."
    )
    def html(self) -> str:
        return report_html.render(self.data)


# ---------------------------------------------------------------- results and inputs
@strawberry.federation.type(shareable=True, description="What is wrong with one row of a batch.")
class RowError:
    index: int = strawberry.field(description="Position of the row in the batch, from 0.")
    field: str | None = strawberry.field(description="The input field at fault.")
    message: str = strawberry.field(description="What is wrong, for a person to read (felmeddelande).")


@strawberry.type(description="What a Kolada import did (Kolada-import), every value accounted for.")
class KoladaImportResult:
    imported: int = strawberry.field(description="Values stored (importerade).")
    skipped: int = strawberry.field(
        description="Values not stored: group averages, unknown KPIs, repeated keys, deletions of nothing (hoppade)."
    )
    deleted: int = strawberry.field(description="Stored measurements removed by isdeleted values (borttagna).")
    missing: int = strawberry.field(description="Values Kolada reports missing, stored as gaps (saknade).")
    group_averages: int = strawberry.field(description="Group averages (count > 1) skipped (gruppgenomsnitt).")
    unknown_kpis: list[str] = strawberry.field(description="KPI ids no indicator follows (okända nyckeltal).")
    errors: list[RowError] = strawberry.field(description="Rows skipped, with why (radfel).")

    @classmethod
    def from_domain(cls, r: kolada.ImportResult) -> KoladaImportResult:
        return cls(
            imported=r.imported,
            skipped=r.skipped,
            deleted=r.deleted,
            missing=r.missing,
            group_averages=r.group_averages,
            unknown_kpis=list(r.unknown_kpis),
            errors=[RowError(index=e.index, field=e.field, message=e.message) for e in r.errors],
        )


@strawberry.input(description="A new indicator (nyckeltal).")
class IndicatorInput:
    name: str = strawberry.field(description="Name (benämning).")
    unit: str = strawberry.field(description='Unit (enhet), e.g. "%".')
    direction: Direction = strawberry.field(description="Which way is better (riktning).")
    source: IndicatorSource = strawberry.field(description="Where its values come from (källa).")
    kolada_kpi_id: str | None = strawberry.field(default=None, description="Kolada KPI id; required for KOLADA.")
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Responsible organisation.")
    baseline: float | None = strawberry.field(default=None, description="Baseline value (utgångsvärde).")
    baseline_year: int | None = strawberry.field(default=None, description="Year of the baseline (utgångsår).")


@strawberry.input(description="A new action (åtgärd).")
class ActionInput:
    title: str = strawberry.field(description="What is to be done.")
    owner_id: strawberry.ID = strawberry.field(description="The organisation responsible (ansvarig).")
    due_on: date | None = strawberry.field(default=None, description="When it is to be done (klart senast).")


@strawberry.input(description="A measured value (utfall) of an own indicator.")
class MeasurementInput:
    year: int | None = strawberry.field(default=None, description="The year measured; taken from the period if one.")
    period_id: strawberry.ID | None = strawberry.field(default=None, description="The period measured, if not a year.")
    value: float | None = strawberry.field(default=None, description="The value; null records a known gap.")
    gender: str | None = strawberry.field(default=None, description="T (default), K or M.")
    municipality_id: str | None = strawberry.field(
        default=None, description="Kolada municipality id, for a comparison value; null for an own measurement."
    )
    status: str | None = strawberry.field(default=None, description='Status, e.g. "Missing".')
