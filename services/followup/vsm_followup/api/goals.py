"""Entities owned by the goals subgraph that followup extends: an organisation's report, a goal's follow-up."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from vsm_common import descriptions, scopes
from vsm_common.execution import NOT_PREFETCHED, prefetched, set_prefetched
from vsm_common.federation import selected_arguments
from vsm_common.graphql import parse_id

from .common import (
    AS_OF,
    PERIOD_LABEL,
    FInfo,
    as_of_date,
    key_of,
    period_key,
    period_or_fail,
)

if TYPE_CHECKING:
    from .actions import Action
    from .assessments import Assessment, Fulfilment
    from .indicators import Indicator
    from .report import FollowUpReport

# These types refer back to Goal and Organization: resolved lazily, so the modules import in any order.
LazyReport = Annotated["FollowUpReport", strawberry.lazy("vsm_followup.api.report")]
LazyIndicator = Annotated["Indicator", strawberry.lazy("vsm_followup.api.indicators")]
LazyAssessment = Annotated["Assessment", strawberry.lazy("vsm_followup.api.assessments")]
LazyFulfilment = Annotated["Fulfilment", strawberry.lazy("vsm_followup.api.assessments")]
LazyAction = Annotated["Action", strawberry.lazy("vsm_followup.api.actions")]


@strawberry.federation.type(requires_scopes=scopes.ALL, keys=["id"], description=descriptions.ORGANIZATION)
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
    ) -> LazyReport:
        period = await period_or_fail(info, period_id, period_label)
        org_id = parse_id(self.id, "id")
        data = await info.context.loaders.report.load((org_id, period.id, as_of))
        for goal_id, results in data.outcomes.items():
            info.context.loaders.outcomes.prime((goal_id, period.id), results)
        for goal_id in data.goal_info:
            info.context.loaders.assessment.prime((goal_id, period.id), data.assessments.get(goal_id))
        from .report import FollowUpReport

        return FollowUpReport(data=data)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Organization:
        return cls(id=id)


@strawberry.federation.type(requires_scopes=scopes.ALL, keys=["id"], description=descriptions.GOAL)
class Goal:
    id: strawberry.ID = strawberry.field(description="The goal's id (owned by the goals subgraph).")
    # Filled by prefetch_entities (vsm_common.execution.set_prefetched; not part of the schema): the fulfilment
    # for the one (periodId, periodLabel, asOf) that every selection of the field asks.
    _prefetched_fields: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="Indicators (nyckeltal) linked to the goal."
    )
    async def indicators(self, info: FInfo) -> list[LazyIndicator]:
        key = key_of(self.id)
        found = await info.context.loaders.goal_indicators.load(key) if key else []
        from .indicators import Indicator

        return [Indicator.from_domain(i) for i in found]

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="The goal's own assessments (bedömningar), one per period, oldest period first.",
    )
    async def assessments(self, info: FInfo) -> list[LazyAssessment]:
        key = key_of(self.id)
        found = await info.context.loaders.goal_assessments.load(key) if key else []
        from .assessments import Assessment

        return [Assessment.from_domain(a) for a in found]

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC,
        description="Fulfilment (måluppfyllelse) in a period: own assessment, or rolled up from the goals that "
        "serve it. By default the latest open period.",
    )
    def fulfilment(
        self,
        info: FInfo,
        period_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The reporting period; default the latest open.")
        ] = None,
        period_label: Annotated[str | None, strawberry.argument(description=PERIOD_LABEL)] = None,
        as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> LazyFulfilment:
        # Synchronous when `_entities` prefetched it for this period (the dashboard, the roll-up);
        # otherwise the coroutine, which graphql-core awaits like any async resolver's.
        found = prefetched(self, "fulfilment")
        if found is not NOT_PREFETCHED:
            return cast(LazyFulfilment, found)
        return self._fulfilment(info, period_id, period_label, as_of)  # type: ignore[return-value]

    async def _fulfilment(
        self, info: FInfo, period_id: strawberry.ID | None, period_label: str | None, as_of: date | None
    ) -> LazyFulfilment:
        from .assessments import Fulfilment

        pid = await period_key(info, period_id, period_label)
        return Fulfilment.of(await info.context.loaders.fulfilment.load((parse_id(self.id, "id"), pid, as_of)))

    @classmethod
    async def prefetch_entities(cls, info: FInfo, goals: list[Goal]) -> None:
        """One fulfilment load for every goal the gateway asks about (vsm_common.federation)."""
        selections = selected_arguments(info, "Goal", "fulfilment")
        asked = {(s.get("periodId"), s.get("periodLabel"), as_of_date(s.get("asOf"))) for s in selections}
        if len(asked) != 1:
            return  # not selected, or with different periods or dates: each field resolves on its own
        [(period_id, period_label, as_of)] = asked
        try:
            pid = await period_key(info, period_id, period_label)
            found = await info.context.loaders.fulfilment.load_many([(parse_id(g.id, "id"), pid, as_of) for g in goals])
        except Exception:  # noqa: BLE001 - the fields resolve one by one and report their own errors
            return
        from .assessments import Fulfilment

        for goal, f in zip(goals, found, strict=True):
            set_prefetched(goal, "fulfilment", Fulfilment.of(f))

    @strawberry.federation.field(
        requires_scopes=scopes.PUBLIC, description="Actions (åtgärder) decided for the goal, by due date."
    )
    async def actions(self, info: FInfo) -> list[LazyAction]:
        key = key_of(self.id)
        found = await info.context.loaders.goal_actions.load(key) if key else []
        from .actions import Action

        return [Action.from_domain(a) for a in found]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Goal:
        return cls(id=id)
