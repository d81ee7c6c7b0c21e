"""What the planning use cases and event handlers need from storage (ports): a repository per aggregate, and
the unit of work that holds them with the day and the events of one transaction.

Protocols only: ``adapters`` implements them on PostgreSQL, the unit tests in memory. The API's reads go
through ``queries`` and need none of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

from vsm_common.ports import UnitOfWorkPort

from .domain.model import (
    AnalysisSection,
    AnalysisSectionKind,
    Assignment,
    AssignmentState,
    BudgetFrame,
    BudgetLine,
    CycleKind,
    Directive,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    EstablishedBy,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalRefusal,
    GoalState,
    KnownGoal,
    KnownOrganization,
    OperationalPlan,
    OrganizationKind,
    Phase,
    PlanningCycle,
)

Ids = Sequence[uuid.UUID]


class Cycles(Protocol):
    """Planning cycles with their phases and analysis sections."""

    async def serialise_openings(self) -> None:
        """Wait for, and hold until the transaction ends, the lock that lets one cycle be opened at a time."""
        ...

    async def add(self, cycle: PlanningCycle) -> bool:
        """Insert with its phases; False when a cycle of that kind and start year exists."""
        ...

    async def save_phase(self, cycle_id: uuid.UUID, phase: Phase) -> None: ...

    async def save_phases(self, cycle_id: uuid.UUID, phases: Sequence[Phase]) -> None: ...

    async def lock(self, cycle_id: uuid.UUID, *, share: bool = False) -> PlanningCycle | None:
        """Lock the cycle: exclusively to change its phases, shared to work within its current phase (the
        phase cannot move on under a change it allowed, while changes in one phase run side by side)."""
        ...

    async def of_kind(self, kind: CycleKind | None) -> list[PlanningCycle]: ...

    async def write_section(self, cycle_id: uuid.UUID, kind: AnalysisSectionKind, text: str) -> AnalysisSection | None:
        """Store a section's text; None when it already says exactly that (nothing changed)."""
        ...


class Directives(Protocol):
    """Directive revisions; a lineage is locked as a whole, so revisions are made one at a time."""

    async def add(self, d: Directive) -> bool:
        """Insert; False when the cycle already has a directive of this kind (revision 1 only: later
        revisions are made under the lineage's lock)."""
        ...

    async def save(self, d: Directive) -> None: ...

    async def exists_for(self, cycle_id: uuid.UUID, kind: DirectiveKind) -> Directive | None: ...

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, Directive]: ...

    async def lock(self, directive_id: uuid.UUID) -> Directive | None:
        """Lock the directive and every revision of its lineage, so revisions are created one at a time."""
        ...

    async def lineage_revision(self, lineage_id: uuid.UUID, state: DirectiveState) -> Directive | None: ...

    async def in_force_with_assignment(self, assignment_id: uuid.UUID) -> Directive | None:
        """The newest revision holding the assignment (adopted, or a draft revision of an adopted one)."""
        ...

    async def has_adopted(self, cycle_id: uuid.UUID) -> bool: ...

    async def tax_rates_of_cycles(self, cycle_ids: Ids) -> dict[uuid.UUID, Decimal]: ...

    async def receives_adopted(self, cycle_id: uuid.UUID, org_id: uuid.UUID) -> bool: ...


class DirectiveContents(Protocol):
    """The content of directive revisions."""

    async def assignments_of(self, directive_ids: Ids) -> dict[uuid.UUID, list[Assignment]]: ...

    async def content_of(self, directive_id: uuid.UUID) -> DirectiveContent: ...

    async def insert_recipients(self, directive_id: uuid.UUID, org_ids: Ids) -> None: ...

    async def replace_recipients(self, directive_id: uuid.UUID, recipient_ids: Ids, removed_ids: Ids) -> None:
        """New recipients in the order given; the removed ones' frames go and they leave every assignment."""
        ...

    async def upsert_frames(self, directive_id: uuid.UUID, frames: Sequence[BudgetFrame]) -> None: ...

    async def add_goals(self, directive_id: uuid.UUID, goal_ids: Ids) -> list[uuid.UUID]:
        """Add goals not yet in the directive; returns those added."""
        ...

    async def add_assignment(self, directive_id: uuid.UUID, a: Assignment) -> None: ...

    async def copy(self, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
        """Copy recipients, frames, goals and assignments (with their ids) to a new revision."""
        ...

    async def set_assignment_state(self, assignment_id: uuid.UUID, state: AssignmentState) -> None:
        """Progress is not a decision: it is recorded on the revision in force and on a pending draft alike,
        never on superseded history."""
        ...

    async def frames_in_force(
        self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], list[tuple[uuid.UUID, BudgetFrame]]]:
        """Per (cycle, organisation): (directive, frame) of the adopted directive of the cycle addressed to it."""
        ...


class Plans(Protocol):
    """Verksamhetsplaner with their verksamhetsmål and internbudget."""

    async def add(self, p: OperationalPlan) -> bool:
        """Insert; False when the organisation already has a plan in the cycle."""
        ...

    async def save(self, p: OperationalPlan) -> None: ...

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, OperationalPlan]: ...

    async def lock(self, plan_id: uuid.UUID) -> OperationalPlan | None: ...

    async def goal_ids_of(self, plan_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]: ...

    async def add_goals(self, plan_id: uuid.UUID, goal_ids: Ids) -> list[uuid.UUID]: ...

    async def replace_budget_lines(self, plan_id: uuid.UUID, lines: Sequence[BudgetLine]) -> None: ...

    async def budget_lines_of(self, plan_ids: Ids) -> dict[uuid.UUID, list[BudgetLine]]: ...


class KnownOrganizations(Protocol):
    """The organisations planning knows of (projected_organizations)."""

    async def upsert(self, org_id: uuid.UUID, code: str, name: str, kind: str, parent_id: uuid.UUID | None) -> None: ...

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, KnownOrganization]: ...

    async def first_of_kind(self, kinds: Sequence[OrganizationKind]) -> dict[str, uuid.UUID]: ...


class KnownGoals(Protocol):
    """The goals planning knows of, with their links upward (projected_goals, projected_goal_links)."""

    async def project_state(
        self,
        goal_id: uuid.UUID,
        state: GoalState,
        level: str | None = None,
        *,
        adopted_on: date | None = None,
        retired_on: date | None = None,
    ) -> None:
        """Raise the goal's state; a goal is adopted and retired once, so the first date learned of each stays."""
        ...

    async def state(self, goal_id: uuid.UUID) -> GoalState | None: ...

    async def project_content(
        self,
        goal_id: uuid.UUID,
        revision: int,
        *,
        level: str | None,
        title: str,
        valid_from: date | None,
        valid_to: date | None,
        organization_ids: Sequence[uuid.UUID],
    ) -> bool:
        """Apply a goal's content of ``revision`` unless a newer revision is already applied; True if applied."""
        ...

    async def add_links(self, child_id: uuid.UUID, parent_ids: Ids, effective_from: date | None = None) -> None:
        """Open a link period from ``effective_from`` unless the link is open, or a period with that start is
        already recorded (a replayed link must not reopen a link that has since ended)."""
        ...

    async def end_link(self, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None) -> None:
        """End the open period on ``effective_to`` (exclusive); without a date the link never took effect (a
        draft's) and is removed. No open period (a replay): nothing to do."""
        ...

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, KnownGoal]: ...


class Establishments(Protocol):
    """Whether the goals service established an adopted directive's or plan's goals (goal_establishments)."""

    async def request(self, subject_id: uuid.UUID, kind: EstablishedBy, state: GoalEstablishmentState) -> None:
        """Record that an adoption asked the goals service for its goals (with the adoption, so never late)."""
        ...

    async def record(
        self,
        subject_id: uuid.UUID,
        kind: EstablishedBy,
        state: GoalEstablishmentState,
        refusals: Sequence[GoalRefusal],
    ) -> None:
        """Store the goals service's answer; a later answer (a replayed adoption) replaces an earlier one."""
        ...

    async def by_ids(self, subject_ids: Ids) -> dict[uuid.UUID, GoalEstablishment]: ...


class PlanningUnitOfWork(UnitOfWorkPort, Protocol):
    """One transaction of the planning service: its repositories, the municipality's day, its events."""

    # Read-only, so a fake unit of work holding fake repositories (covariant) is one too.
    @property
    def cycles(self) -> Cycles: ...

    @property
    def directives(self) -> Directives: ...

    @property
    def directive_content(self) -> DirectiveContents: ...

    @property
    def plans(self) -> Plans: ...

    @property
    def known_goals(self) -> KnownGoals: ...

    @property
    def known_organizations(self) -> KnownOrganizations: ...

    @property
    def establishments(self) -> Establishments: ...
