"""GraphQL types of the followup subgraph."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from vsm_common.graphql import parse_id

from ..adapters import repository as repo
from ..domain import model
from ..domain.model import AssessmentStatus, FulfilmentBasis, PeriodKind
from .context import FollowupContext

FInfo = Info[FollowupContext, None]

strawberry.enum(
    AssessmentStatus,
    name="AssessmentStatus",
    description="Assessment scale: uppfyllt, delvis uppfyllt, ej uppfyllt, ej bedömd.",
)
strawberry.enum(
    FulfilmentBasis,
    name="FulfilmentBasis",
    description="What a fulfilment rests on: own assessment, roll-up from contributors, an override, or nothing.",
)
strawberry.enum(PeriodKind, name="PeriodKind", description="Kind of reporting period: månad, tertial, delår, helår.")


@strawberry.federation.type(keys=["id"], description="A reporting period (uppföljningsperiod), e.g. T1, delår, helår.")
class ReportingPeriod:
    id: strawberry.ID
    year: int
    kind: PeriodKind
    label: str = strawberry.field(description='Label, e.g. "T1 2027" or "Delår 2027".')
    starts_on: date
    ends_on: date
    closed: bool = strawberry.field(description="A closed period's assessments are frozen (stängd).")

    @classmethod
    def from_domain(cls, p: model.ReportingPeriod) -> ReportingPeriod:
        return cls(
            id=strawberry.ID(str(p.id)),
            year=p.year,
            kind=p.kind,
            label=p.label,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            closed=p.closed,
        )

    @classmethod
    async def resolve_reference(cls, info: FInfo, id: strawberry.ID) -> ReportingPeriod | None:
        p = await info.context.loaders.period.load(uuid.UUID(id))
        return cls.from_domain(p) if p else None


@strawberry.type(description="Fulfilment of a goal in a period (måluppfyllelse), own or rolled up.")
class Fulfilment:
    goal_id: strawberry.Private[uuid.UUID]
    period_id: strawberry.Private[uuid.UUID | None]
    status: AssessmentStatus
    basis: FulfilmentBasis
    explanation: str = strawberry.field(description="Why, in words a committee can read (motivering).")

    @classmethod
    def from_domain(cls, f: model.Fulfilment) -> Fulfilment:
        return cls(goal_id=f.goal_id, period_id=f.period_id, status=f.status, basis=f.basis, explanation=f.explanation)

    @strawberry.field(description="The goal this fulfilment is of.")
    def goal(self) -> Goal:
        return Goal(id=strawberry.ID(str(self.goal_id)))

    @strawberry.field(description="The period it applies to.")
    async def period(self, info: FInfo) -> ReportingPeriod | None:
        if self.period_id is None:
            return None
        p = await info.context.loaders.period.load(self.period_id)
        return ReportingPeriod.from_domain(p) if p else None

    @strawberry.field(description="Fulfilment of the goals that serve this one, as follow-up knows them.")
    async def contributors(self, info: FInfo) -> list[Fulfilment]:
        child_ids = await info.context.loaders.child_ids.load(self.goal_id)
        grandchildren = await info.context.loaders.child_ids.load_many(child_ids)
        return [
            Fulfilment.from_domain(model.unassessed(cid, self.period_id, len(gc)))
            for cid, gc in zip(child_ids, grandchildren, strict=True)
        ]


@strawberry.federation.type(keys=["id"], description="A goal (mål), as follow-up sees it.")
class Goal:
    id: strawberry.ID

    @strawberry.field(description="Fulfilment in a period; by default the latest open period.")
    async def fulfilment(
        self,
        info: FInfo,
        period_id: Annotated[strawberry.ID | None, strawberry.argument(description="The reporting period.")] = None,
    ) -> Fulfilment:
        goal_id = uuid.UUID(self.id)
        if period_id is not None:
            pid: uuid.UUID | None = parse_id(period_id, "periodId")
        else:
            async with info.context.runtime.pool.acquire() as conn:
                latest = await repo.latest_open_period(conn)
            pid = latest.id if latest else None
        children = await info.context.loaders.child_ids.load(goal_id)
        return Fulfilment.from_domain(model.unassessed(goal_id, pid, len(children)))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Goal:
        return cls(id=id)
