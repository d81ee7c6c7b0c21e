"""An organisation's follow-up report (uppföljningsrapport)."""

from __future__ import annotations

import uuid

import strawberry

from vsm_common import scopes

from ..queries import ReportData
from . import report_html
from .actions import Action
from .assessments import Fulfilment
from .common import (
    to_id,
)
from .goals import Organization
from .indicators import IndicatorOutcome
from .periods import ReportingPeriod


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, description="An organisation's follow-up report for a period (uppföljningsrapport)."
)
class FollowUpReport:
    data: strawberry.Private[ReportData]

    @strawberry.field(description="The organisation reported on (organisation).")
    def organization(self) -> Organization:
        return Organization(id=to_id(self.data.organization_id))

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
