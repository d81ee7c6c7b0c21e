"""Assessments (bedömningar) and fulfilment (måluppfyllelse)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from vsm_common import scopes

from ..domain import model
from ..domain.indicators import suggest
from ..domain.model import (
    AssessmentStatus,
    FulfilmentBasis,
)
from .common import (
    FInfo,
    to_id,
)
from .goals import Goal, Organization
from .indicators import IndicatorOutcome
from .periods import ReportingPeriod


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, description="An own assessment (bedömning) of a goal in a period."
)
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
        return Goal(id=to_id(self.a.goal_id))

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
        return Organization(id=to_id(self.a.assessed_by)) if self.a.assessed_by else None

    @strawberry.field(description="When it was assessed (bedömningstidpunkt).")
    def assessed_at(self) -> datetime:
        return self.a.assessed_at


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, description="Fulfilment of a goal in a period (måluppfyllelse), own or rolled up."
)
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
        return Goal(id=to_id(self.f.goal_id))

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
