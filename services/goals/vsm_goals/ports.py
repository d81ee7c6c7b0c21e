"""What the goals use cases need from storage (ports): a repository per aggregate, and the unit of work
that holds them with the day and the events of one transaction.

Protocols only: ``adapters`` implements them on PostgreSQL, the unit tests in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from vsm_common.cursors import Counts, PageWindow
from vsm_common.ports import UnitOfWorkPort

from .domain.model import AccessLogEntry, Decision, EmployeeGoal, Goal, GoalLevel, Organization, VisionTheme


class Goals(Protocol):
    """Goals (mål) as they stand now; ``by_ids`` also as they stood on a date."""

    async def lock(self, goal_id: uuid.UUID) -> Goal | None:
        """The goal with its organisations and parents, locked until the unit of work ends."""
        ...

    async def lock_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Goal]:
        """As ``lock`` for several, locked in id order (no deadlock); unknown ids are missing."""
        ...

    async def by_ids(self, ids: Sequence[uuid.UUID], as_of: date | None = None) -> dict[uuid.UUID, Goal]: ...

    async def levels(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, GoalLevel]: ...

    async def add(self, goal: Goal) -> None:
        """A new draft with its first revision, links, organisations and themes."""
        ...

    async def update_draft(self, goal: Goal) -> None: ...

    async def add_revision(self, goal: Goal, decision_id: uuid.UUID, effective_on: date) -> None: ...

    async def mark_adopted(
        self, goal: Goal, decision_id: uuid.UUID, decided_on: date, established_by: uuid.UUID | None
    ) -> None: ...

    async def mark_retired(self, goal_id: uuid.UUID, decision_id: uuid.UUID) -> None: ...


class GoalLinks(Protocol):
    """Which goal serves which (länkar), each link in force from one day to another."""

    async def ancestors(self, goal_id: uuid.UUID, since: date) -> set[uuid.UUID]:
        """Every goal above ``goal_id`` through links standing on ``since`` or later."""
        ...

    async def state(self, child_id: uuid.UUID, parent_id: uuid.UUID) -> tuple[bool, date | None]:
        """Whether a link without an end exists, and the latest end of one that has ended."""
        ...

    async def add(
        self,
        child_id: uuid.UUID,
        parent_id: uuid.UUID,
        effective_from: date | None,
        decision_id: uuid.UUID | None = None,
    ) -> bool: ...

    async def end(
        self, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None, decision_id: uuid.UUID | None = None
    ) -> bool:
        """End the link without an end on ``effective_to``; a draft's link (None) is removed."""
        ...


class Organizations(Protocol):
    """Organisations (organisationer): KF, KS, nämnder, bolag, förvaltningar, enheter."""

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Organization]: ...

    async def by_code(self, code: str) -> Organization | None: ...

    async def add(self, org: Organization) -> bool:
        """False when the code is taken."""
        ...


class Themes(Protocol):
    """The vision's themes (visionsområden) an overarching goal serves."""

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, VisionTheme]: ...


class Decisions(Protocol):
    """Decisions (beslut), each recorded once; returns its id."""

    async def add(self, d: Decision) -> uuid.UUID: ...


class EmployeeGoals(Protocol):
    """Medarbetarmål and the log of who read them (åtkomstlogg): personal data."""

    async def existing_by_external_id(self, source_system: str, external_ids: Sequence[str]) -> dict[str, EmployeeGoal]:
        """Those already held, locked until the unit of work ends, by external id."""
        ...

    async def write_batch(self, rows: Sequence[EmployeeGoal]) -> None: ...

    async def page(
        self,
        *,
        employee_ref: str | None,
        unit_id: uuid.UUID | None,
        operational_goal_id: uuid.UUID | None,
        window: PageWindow,
    ) -> tuple[list[tuple[int, EmployeeGoal]], Counts]: ...

    async def by_employee(self, employee_ref: str) -> list[EmployeeGoal]: ...

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, EmployeeGoal]: ...

    async def log_access(self, actor: str, purpose: str, operation: str, counts: Mapping[str, int]) -> None:
        """One log row per employee reference: how many of their goals ``actor`` got, and why."""
        ...

    async def access_log_of(self, employee_ref: str) -> list[AccessLogEntry]: ...

    async def delete_older_than(self, cutoff: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """Remove those unchanged since ``cutoff``; (id, operational goal id) of each."""
        ...


class GoalsUnitOfWork(UnitOfWorkPort, Protocol):
    """One transaction of the goals service: its repositories, the municipality's day, its events."""

    @property
    def goals(self) -> Goals: ...

    @property
    def links(self) -> GoalLinks: ...

    @property
    def organizations(self) -> Organizations: ...

    @property
    def themes(self) -> Themes: ...

    @property
    def decisions(self) -> Decisions: ...

    @property
    def employee_goals(self) -> EmployeeGoals: ...
