"""In-memory repositories and unit of work of the goals service, for use-case and handler unit tests.

Each ``Fake<Aggregate>`` keeps its rows in dicts by id and answers as its ``Sql<Aggregate>`` does
(``lock`` fills in organisations and the parents in force on the unit of work's day; ``by_ids`` does
not); ``given(...)`` arranges rows. :class:`FakeGoalsUnitOfWork` holds one of each and records, through
``vsm_common.testing.MemoryUnitOfWork``, whether it committed and which events it published.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from vsm_common.cursors import Counts, PageWindow
from vsm_common.testing import MemoryUnitOfWork
from vsm_goals.domain.model import (
    AccessLogEntry,
    Decision,
    EmployeeGoal,
    Goal,
    GoalLevel,
    GoalState,
    Organization,
    OrganizationKind,
    VisionTheme,
)


class FakeDecisions:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Decision] = {}

    async def add(self, d: Decision) -> uuid.UUID:
        decision_id = uuid.uuid4()
        self.rows[decision_id] = d
        return decision_id


@dataclass
class LinkRow:
    child_id: uuid.UUID
    parent_id: uuid.UUID
    effective_from: date | None = None
    effective_to: date | None = None
    decision_id: uuid.UUID | None = None
    ended_decision_id: uuid.UUID | None = None


class FakeGoalLinks:
    def __init__(self, today: Callable[[], date]) -> None:
        self._today = today
        self.rows: list[LinkRow] = []

    def given(self, *links: LinkRow) -> None:
        self.rows.extend(links)

    def parents_now(self, child_id: uuid.UUID) -> list[uuid.UUID]:
        """As the adapter's "now": a draft's links too, not those decided for later or ended."""
        today = self._today()
        return [
            r.parent_id
            for r in self.rows
            if r.child_id == child_id
            and (r.effective_from is None or r.effective_from <= today)
            and (r.effective_to is None or r.effective_to > today)
        ]

    def open(self, child_id: uuid.UUID, parent_id: uuid.UUID) -> LinkRow | None:
        return next(
            (r for r in self.rows if (r.child_id, r.parent_id) == (child_id, parent_id) and r.effective_to is None),
            None,
        )

    async def ancestors(self, goal_id: uuid.UUID, since: date) -> set[uuid.UUID]:
        found: set[uuid.UUID] = set()
        todo = [goal_id]
        while todo:
            child = todo.pop()
            for r in self.rows:
                if r.child_id == child and (r.effective_to is None or r.effective_to > since):
                    if r.parent_id not in found:
                        found.add(r.parent_id)
                        todo.append(r.parent_id)
        return found

    async def state(self, child_id: uuid.UUID, parent_id: uuid.UUID) -> tuple[bool, date | None]:
        mine = [r for r in self.rows if (r.child_id, r.parent_id) == (child_id, parent_id)]
        ends = [r.effective_to for r in mine if r.effective_to is not None]
        return any(r.effective_to is None for r in mine), max(ends, default=None)

    async def add(
        self,
        child_id: uuid.UUID,
        parent_id: uuid.UUID,
        effective_from: date | None,
        decision_id: uuid.UUID | None = None,
    ) -> bool:
        if self.open(child_id, parent_id) is not None:
            return False
        self.rows.append(LinkRow(child_id, parent_id, effective_from, decision_id=decision_id))
        return True

    async def end(
        self, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None, decision_id: uuid.UUID | None = None
    ) -> bool:
        row = self.open(child_id, parent_id)
        if row is None:
            return False
        if effective_to is None:
            self.rows.remove(row)
        else:
            row.effective_to, row.ended_decision_id = effective_to, decision_id
        return True


class FakeGoals:
    def __init__(self, links: FakeGoalLinks, decisions: FakeDecisions) -> None:
        self._links = links
        self._decisions = decisions
        self.rows: dict[uuid.UUID, Goal] = {}
        self.revisions: dict[uuid.UUID, list[tuple[int, str, uuid.UUID | None, date | None]]] = {}

    def given(self, *goals: Goal) -> None:
        """Goals as stored, their ``parent_ids`` as links without dates (a draft's, or in force since adoption)."""
        for goal in goals:
            self.rows[goal.id] = goal
            self._links.given(*(LinkRow(goal.id, p) for p in goal.parent_ids))

    def _stored(self, goal: Goal) -> Goal:
        # What a row of the goals table holds: links, organisations and themes live in tables of their own.
        return replace(goal, parent_ids=(), organization_ids=(), theme_ids=())

    async def lock(self, goal_id: uuid.UUID) -> Goal | None:
        goal = self.rows.get(goal_id)
        if goal is None:
            return None
        return replace(
            self._stored(goal),
            organization_ids=goal.organization_ids,
            parent_ids=tuple(self._links.parents_now(goal_id)),
        )

    async def lock_many(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Goal]:
        locked = {gid: await self.lock(gid) for gid in sorted(set(ids)) if gid in self.rows}
        return {gid: g for gid, g in locked.items() if g is not None}

    async def by_ids(self, ids: Sequence[uuid.UUID], as_of: date | None = None) -> dict[uuid.UUID, Goal]:
        assert as_of is None, "the use cases read goals as they stand now"
        return {gid: self._stored(self.rows[gid]) for gid in ids if gid in self.rows}

    async def levels(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, GoalLevel]:
        return {gid: self.rows[gid].level for gid in ids if gid in self.rows}

    async def add(self, goal: Goal) -> None:
        assert goal.id not in self.rows
        self.given(goal)
        self.revisions[goal.id] = [(1, goal.title, None, None)]

    async def update_draft(self, goal: Goal) -> None:
        self.rows[goal.id] = replace(
            self.rows[goal.id], title=goal.title, description=goal.description, valid_to=goal.valid_to
        )

    async def add_revision(self, goal: Goal, decision_id: uuid.UUID, effective_on: date) -> None:
        self.revisions.setdefault(goal.id, []).append((goal.revision, goal.title, decision_id, effective_on))
        self.rows[goal.id] = replace(
            self.rows[goal.id],
            title=goal.title,
            description=goal.description,
            valid_to=goal.valid_to,
            revision=goal.revision,
            last_decision_on=effective_on,
        )

    async def mark_adopted(
        self, goal: Goal, decision_id: uuid.UUID, decided_on: date, established_by: uuid.UUID | None
    ) -> None:
        self.rows[goal.id] = replace(
            self.rows[goal.id],
            state=GoalState.ADOPTED,
            adopted=self._decisions.rows[decision_id],
            last_decision_on=decided_on,
            established_by=established_by,
        )

    async def mark_retired(self, goal_id: uuid.UUID, decision_id: uuid.UUID) -> None:
        self.rows[goal_id] = replace(
            self.rows[goal_id], state=GoalState.RETIRED, retired=self._decisions.rows[decision_id]
        )


class FakeOrganizations:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Organization] = {}

    def given(self, *orgs: Organization) -> None:
        self.rows.update((o.id, o) for o in orgs)

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Organization]:
        return {i: self.rows[i] for i in ids if i in self.rows}

    async def by_code(self, code: str) -> Organization | None:
        return next((o for o in self.rows.values() if o.code == code), None)

    async def add(self, org: Organization) -> bool:
        if await self.by_code(org.code) is not None:
            return False
        self.rows[org.id] = org
        return True


class FakeThemes:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, VisionTheme] = {}

    def given(self, *themes: VisionTheme) -> None:
        self.rows.update((t.id, t) for t in themes)

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, VisionTheme]:
        return {i: self.rows[i] for i in ids if i in self.rows}


class FakeEmployeeGoals:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, EmployeeGoal] = {}
        self.seq: dict[uuid.UUID, int] = {}
        self.access_log: list[tuple[str, AccessLogEntry]] = []  # (employee_ref, entry)
        self.writes = 0

    def given(self, *goals: EmployeeGoal) -> None:
        for g in goals:
            self.rows[g.id] = g
            self.seq.setdefault(g.id, len(self.seq) + 1)

    async def existing_by_external_id(self, source_system: str, external_ids: Sequence[str]) -> dict[str, EmployeeGoal]:
        wanted = set(external_ids)
        return {
            g.external_id: g for g in self.rows.values() if g.source_system == source_system and g.external_id in wanted
        }

    async def write_batch(self, rows: Sequence[EmployeeGoal]) -> None:
        self.writes += 1
        self.given(*(replace(r, updated_at=datetime.now(UTC)) for r in rows))

    async def page(
        self,
        *,
        employee_ref: str | None,
        unit_id: uuid.UUID | None,
        operational_goal_id: uuid.UUID | None,
        window: PageWindow,
    ) -> tuple[list[tuple[int, EmployeeGoal]], Counts]:
        matching = sorted(
            (self.seq[g.id], g)
            for g in self.rows.values()
            if (employee_ref is None or g.employee_ref == employee_ref)
            and (unit_id is None or g.unit_id == unit_id)
            and (operational_goal_id is None or g.operational_goal_id == operational_goal_id)
        )
        inside = [
            (s, g)
            for s, g in matching
            if (window.after is None or s > window.after) and (window.before is None or s < window.before)
        ]
        if window.backward:
            inside.reverse()
        counts = Counts(
            total=len(matching),
            at_or_before_after=window.after is not None and any(s <= window.after for s, _ in matching),
            at_or_after_before=window.before is not None and any(s >= window.before for s, _ in matching),
        )
        return inside[: window.limit], counts

    async def by_employee(self, employee_ref: str) -> list[EmployeeGoal]:
        return [g for g in self.rows.values() if g.employee_ref == employee_ref]

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, EmployeeGoal]:
        return {i: self.rows[i] for i in ids if i in self.rows}

    async def log_access(self, actor: str, purpose: str, operation: str, counts: Mapping[str, int]) -> None:
        now = datetime.now(UTC)
        self.access_log.extend((ref, AccessLogEntry(now, actor, purpose, operation, n)) for ref, n in counts.items())

    async def access_log_of(self, employee_ref: str) -> list[AccessLogEntry]:
        return [entry for ref, entry in self.access_log if ref == employee_ref]

    async def delete_older_than(self, cutoff: datetime) -> list[tuple[uuid.UUID, uuid.UUID]]:
        old = [g for g in self.rows.values() if g.updated_at is not None and g.updated_at < cutoff]
        for g in old:
            del self.rows[g.id]
        return [(g.id, g.operational_goal_id) for g in old]


class FakeGoalsUnitOfWork(MemoryUnitOfWork):
    """``GoalsUnitOfWork`` in memory: the repositories above, a fixed day, events checked by schema."""

    def __init__(self) -> None:
        super().__init__(topic="vsm.goals.events", source="/vsm/goals")
        self.decisions = FakeDecisions()
        self.links = FakeGoalLinks(self.today)
        self.goals = FakeGoals(self.links, self.decisions)
        self.organizations = FakeOrganizations()
        self.themes = FakeThemes()
        self.employee_goals = FakeEmployeeGoals()

    def published_types(self) -> list[str]:
        return [e.type for e in self.published]


# ---------------------------------------------------------------- a small municipality to arrange from
KF = Organization(uuid.uuid4(), "KF", "Kommunfullmäktige", OrganizationKind.COUNCIL)
BUN = Organization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", OrganizationKind.COMMITTEE, KF.id)
SN = Organization(uuid.uuid4(), "SN", "Socialnämnden", OrganizationKind.COMMITTEE, KF.id)
BUF = Organization(uuid.uuid4(), "BUF", "Barn- och ungdomsförvaltningen", OrganizationKind.ADMINISTRATION, BUN.id)
CENTRUM = Organization(uuid.uuid4(), "BUF-CENTRUM", "Skolområde Centrum", OrganizationKind.UNIT, BUF.id)
HEMSTADEN = VisionTheme(uuid.uuid4(), "Hemstaden", "Vi är en kommun där människor möts")
KF_2023 = Decision(KF.id, date(2023, 6, 15), "§ 87", "KS 2023/00211")


def goal(level: GoalLevel, state: GoalState = GoalState.DRAFT, **fields: Any) -> Goal:
    """A goal to arrange; adopted ones by KF's 2023 decision unless told otherwise."""
    if state is GoalState.ADOPTED:
        fields.setdefault("adopted", KF_2023)
        fields.setdefault("last_decision_on", KF_2023.date)
    return Goal(id=uuid.uuid4(), level=level, title=f"{level} mål", state=state, **fields)


def municipality() -> FakeGoalsUnitOfWork:
    """A unit of work over KF, two nämnder, a förvaltning with one unit, and the theme Hemstaden."""
    uow = FakeGoalsUnitOfWork()
    uow.organizations.given(KF, BUN, SN, BUF, CENTRUM)
    uow.themes.given(HEMSTADEN)
    return uow
