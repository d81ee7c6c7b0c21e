"""What the followup use cases and event handlers need from storage (ports): a repository per aggregate,
and the unit of work that holds them with the day and the events of one transaction.

Protocols only: ``adapters`` implements them on PostgreSQL, the unit tests in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from vsm_common.ports import UnitOfWorkPort

from .domain.kolada import MeasurementDelete, MeasurementWrite
from .domain.model import (
    Action,
    ActionState,
    Assessment,
    Indicator,
    IndicatorSource,
    Measurement,
    ProjectedGoal,
    ProjectedOrganization,
    ReportingPeriod,
    Target,
)
from .domain.periods import PeriodSpec
from .domain.rollup import GoalNode


class Goals(Protocol):
    """The goals service's goals as followup knows them from its events (projektion av målen)."""

    async def upsert(self, goal: ProjectedGoal, *, replace_organizations: bool = True) -> None: ...

    async def set_organizations(self, goal_id: uuid.UUID, org_ids: Sequence[uuid.UUID]) -> None: ...

    async def revise(
        self,
        goal_id: uuid.UUID,
        revision: int | None,
        title: str | None,
        valid_from: date | None,
        valid_to: date | None,
    ) -> bool:
        """False when followup does not know the goal."""
        ...

    async def adopt(self, goal_id: uuid.UUID, revision: int | None, adopted_on: date) -> bool:
        """Adopted (antaget) on that day, unless retired already; False when the goal is unknown."""
        ...

    async def retire(self, goal_id: uuid.UUID, retired_on: date) -> bool:
        """Retired (avvecklat) on that day; False when the goal is unknown."""
        ...

    async def state(self, goal_id: uuid.UUID) -> str | None: ...

    async def add_links(
        self,
        child_id: uuid.UUID,
        parent_ids: Sequence[uuid.UUID],
        event_id: str,
        effective_from: date | None = None,
    ) -> None:
        """Links in force from ``effective_from`` (None: from the child's adoption); idempotent per event."""
        ...

    async def end_link(
        self, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None, event_id: str
    ) -> bool:
        """End the standing link on ``effective_to`` (None: remove it); False when there was nothing to end."""
        ...

    async def touch(self, goal_id: uuid.UUID) -> None:
        """Count an applied event of the goal."""
        ...

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProjectedGoal]: ...

    async def load_tree(
        self, roots: Sequence[uuid.UUID], period_id: uuid.UUID | None, as_of: date
    ) -> dict[uuid.UUID, GoalNode]:
        """``roots`` and everything below them through the links in force on ``as_of``, each with its own
        status in the period."""
        ...

    async def of_organizations(self, org_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """The goals of each organisation's report."""
        ...

    async def count_known(self, ids: Sequence[uuid.UUID]) -> int: ...


class Organizations(Protocol):
    """The goals service's organisations as followup knows them (projektion av organisationerna)."""

    async def upsert(
        self, org_id: uuid.UUID, code: str, name: str | None, kind: str, parent_id: uuid.UUID | None
    ) -> None: ...

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProjectedOrganization]: ...

    async def count_known(self, ids: Sequence[uuid.UUID]) -> int: ...


class Periods(Protocol):
    """Reporting periods (uppföljningsperioder)."""

    async def of_year(self, year: int | None) -> list[ReportingPeriod]:
        """Every period (of one year), by end date."""
        ...

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ReportingPeriod]: ...

    async def by_label(self, label: str) -> ReportingPeriod | None: ...

    async def by_labels(self, year: int, labels: Sequence[str]) -> list[ReportingPeriod]: ...

    async def latest_open(self) -> ReportingPeriod | None: ...

    async def add_many(self, year: int, specs: Sequence[PeriodSpec]) -> list[ReportingPeriod]:
        """Add the periods not yet defined; returns only those added now."""
        ...

    async def lock(self, period_id: uuid.UUID, *, exclusive: bool) -> ReportingPeriod | None:
        """Lock the period: shared while assessing (many at once), exclusive while closing."""
        ...

    async def close(self, period_id: uuid.UUID) -> tuple[ReportingPeriod, datetime, int]:
        """Close it: the closed period, when, and how many assessments it freezes."""
        ...


class Indicators(Protocol):
    """Indicators (nyckeltal) with their goals, targets (målvärden) and measurements (utfall)."""

    async def add(self, ind: Indicator) -> bool:
        """False when another indicator already follows the same Kolada KPI."""
        ...

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Indicator]: ...

    async def listed(self, goal_id: uuid.UUID | None, source: IndicatorSource | None) -> list[Indicator]: ...

    async def ids_by_kpi(self, kpis: Sequence[str]) -> dict[str, uuid.UUID]: ...

    async def link(self, indicator_id: uuid.UUID, goal_id: uuid.UUID) -> None: ...

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Indicator]]: ...

    async def goals_of(self, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]: ...

    async def set_target(self, indicator_id: uuid.UUID, year: int, value: float) -> None: ...

    async def targets_of(self, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]: ...

    async def targets_for_year(self, indicator_ids: Sequence[uuid.UUID], year: int) -> dict[uuid.UUID, Target]: ...

    async def measurements_of(
        self,
        indicator_ids: Sequence[uuid.UUID],
        *,
        min_year: int | None = None,
        max_year: int | None = None,
        municipality: str | None = None,
    ) -> dict[uuid.UUID, list[Measurement]]:
        """By year then period; with ``municipality``, only own ones and that municipality's."""
        ...

    async def upsert_measurement(self, m: Measurement, source: IndicatorSource) -> None: ...

    async def write_kolada_measurements(self, writes: Sequence[MeasurementWrite]) -> None: ...

    async def delete_kolada_measurements(self, deletes: Sequence[MeasurementDelete]) -> int: ...


class Assessments(Protocol):
    """A goal's own assessments (bedömningar), one per period."""

    async def lock(self, goal_id: uuid.UUID, period_id: uuid.UUID) -> Assessment | None: ...

    async def save(self, a: Assessment) -> Assessment:
        """Add or replace the goal's assessment in the period, stamped now."""
        ...

    async def by_keys(
        self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], Assessment]: ...

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Assessment]]: ...


class Actions(Protocol):
    """Actions (åtgärder) on deviations."""

    async def add(self, a: Action) -> Action: ...

    async def lock(self, action_id: uuid.UUID) -> Action | None: ...

    async def set_state(self, action_id: uuid.UUID, state: ActionState) -> Action: ...

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Action]: ...

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Action]]: ...


class FollowupUnitOfWork(UnitOfWorkPort, Protocol):
    """One transaction of the followup service: its repositories, the municipality's day, its events."""

    # Read-only: a unit of work builds its repositories, callers only use them.
    @property
    def goals(self) -> Goals: ...

    @property
    def organizations(self) -> Organizations: ...

    @property
    def periods(self) -> Periods: ...

    @property
    def indicators(self) -> Indicators: ...

    @property
    def assessments(self) -> Assessments: ...

    @property
    def actions(self) -> Actions: ...
