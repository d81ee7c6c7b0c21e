"""GraphQL types of planning cycles (planeringscykler): the cycle, its phases and analysis sections."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from vsm_common import clock, scopes

from ..domain import model
from .common import PInfo, _id
from .enums import (
    AnalysisSectionKind,
    CycleKind,
    DirectiveState,
    PhaseKind,
    PhaseState,
)
from .goals import Organization

if TYPE_CHECKING:
    from .directives import Directive
    from .plans import OperationalPlan

# This module and directives/plans reference each other: the schema resolves these types lazily, and the
# resolvers import the classes when they run.
LazyDirective = Annotated["Directive", strawberry.lazy("vsm_planning.api.directives")]
LazyOperationalPlan = Annotated["OperationalPlan", strawberry.lazy("vsm_planning.api.plans")]


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="A phase (fas) of a planning cycle, with its dates and who is responsible.",
)
class Phase:
    kind: PhaseKind = strawberry.field(description="Which phase.")
    state: PhaseState = strawberry.field(description="ej påbörjad, pågår or avslutad.")
    opens_on: date | None = strawberry.field(description="Planned start (startdatum).")
    due_on: date | None = strawberry.field(description="Due date (slutdatum).")
    completed_on: date | None = strawberry.field(description="The day the phase was closed (avslutad).")
    overdue: bool = strawberry.field(description="Not done although its due date has passed (försenad).")
    responsible_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, p: model.Phase, today: date) -> Phase:
        return cls(
            kind=p.kind,
            state=p.state,
            opens_on=p.opens_on,
            due_on=p.due_on,
            completed_on=p.completed_on,
            overdue=p.overdue(today),
            responsible_id=p.responsible_id,
        )

    @strawberry.field(description="The organisation responsible for the phase (ansvarig), e.g. KS or KF.")
    def responsible(self) -> Organization | None:
        return Organization.of(self.responsible_id) if self.responsible_id else None


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    description="A written section of an analysis: omvärldsanalys, invärldsanalys or basfakta.",
)
class AnalysisSection:
    kind: AnalysisSectionKind = strawberry.field(description="Which section.")
    text: str = strawberry.field(description="The text the planning office wrote.")
    version: int = strawberry.field(description="How many times it was written (1 for the first text).")
    updated_at: datetime = strawberry.field(description="When it was last written.")

    @classmethod
    def from_domain(cls, s: model.AnalysisSection) -> AnalysisSection:
        return cls(kind=s.kind, text=s.text, version=s.version, updated_at=s.updated_at)


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC,
    keys=["id"],
    description="A planning cycle: the long-term part of a mandate period (mandatperiod) or the annual part of "
    "a budget year (budgetår), with its phases in order.",
)
class PlanningCycle:
    id: strawberry.ID = strawberry.field(description="Id of the cycle.")
    kind: CycleKind = strawberry.field(description="Mandate period or annual.")
    start_year: int = strawberry.field(description="First year (for an annual cycle, the budget year).")
    end_year: int = strawberry.field(description="Last year.")
    title: str = strawberry.field(description='Title, e.g. "Mandatperiod 2027–2030" or "Budgetår 2027".')
    phases: list[Phase] = strawberry.field(description="Its phases (faser), in the order they are worked through.")
    current_phase: Phase | None = strawberry.field(
        description="The phase under way (pågående fas); null once every phase is done."
    )

    @classmethod
    def from_domain(cls, c: model.PlanningCycle) -> PlanningCycle:
        today = clock.today()
        current = c.current_phase
        return cls(
            id=_id(c.id),
            kind=c.kind,
            start_year=c.start_year,
            end_year=c.end_year,
            title=c.title,
            phases=[Phase.from_domain(p, today) for p in c.phases],
            current_phase=Phase.from_domain(current, today) if current else None,
        )

    @strawberry.field(
        description="Skattesats in kronor per 100 kr of taxable income (e.g. 20.38), as the adopted "
        "planeringsdirektiv of an annual cycle sets it."
    )
    async def tax_rate(self, info: PInfo) -> Decimal | None:
        return await info.context.loaders.cycle_tax_rate.load(uuid.UUID(self.id))

    @strawberry.field(description="Its directives, every revision (history included).")
    async def directives(
        self,
        info: PInfo,
        state: Annotated[DirectiveState | None, strawberry.argument(description="Only this state.")] = None,
    ) -> list[LazyDirective]:
        from .directives import Directive

        found = await info.context.loaders.cycle_directives.load(uuid.UUID(self.id))
        return [Directive.from_domain(d) for d in found if state is None or d.state is state]

    @strawberry.field(description="The verksamhetsplaner of the cycle.")
    async def operational_plans(self, info: PInfo) -> list[LazyOperationalPlan]:
        from .plans import OperationalPlan

        found = await info.context.loaders.cycle_plans.load(uuid.UUID(self.id))
        return [OperationalPlan.from_domain(p) for p in found]

    @strawberry.field(
        description="The written analysis: omvärldsanalys, invärldsanalys and basfakta (strategisk analys, or "
        "analys av planeringsförutsättningar)."
    )
    async def analysis(self, info: PInfo) -> list[AnalysisSection]:
        found = await info.context.loaders.cycle_sections.load(uuid.UUID(self.id))
        return [AnalysisSection.from_domain(s) for s in found]

    @classmethod
    async def resolve_reference(cls, info: PInfo, id: strawberry.ID) -> PlanningCycle | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        c = await info.context.loaders.cycle.load(key)
        return cls.from_domain(c) if c else None
