"""In-memory repositories of the followup service and a unit of work holding them, for use-case and
handler unit tests without PostgreSQL (cosmicpython's ``FakeRepository``/``FakeUnitOfWork``).

Each fake keeps the rows the SQL adapter would keep, answers as the adapter does (ordering, "False
when unknown", idempotence per event) and has ``given(...)`` to arrange a test's starting state.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from vsm_common.testing import MemoryUnitOfWork
from vsm_followup.domain.kolada import MeasurementDelete, MeasurementWrite
from vsm_followup.domain.model import (
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
from vsm_followup.domain.periods import PeriodSpec
from vsm_followup.domain.rollup import GoalNode

# What the database's now() would be: a fixed moment, so the tests can compare it.
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
COUNCIL_LEVELS = ("OVERARCHING", "ACTION_PROGRAMME")


@dataclass
class Link:
    """A row of projected_goal_links: a period in which ``child`` serves ``parent``."""

    child: uuid.UUID
    parent: uuid.UUID
    effective_from: date | None
    effective_to: date | None
    source_event: str
    ended_by_event: str | None = None

    def in_force(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or self.effective_to > day
        )


class FakeAssessments:
    def __init__(self) -> None:
        self.rows: dict[tuple[uuid.UUID, uuid.UUID], Assessment] = {}
        self.period_ends: dict[uuid.UUID, tuple[date, date]] = {}  # period id -> (ends_on, starts_on), for ordering

    def given(self, *assessments: Assessment) -> None:
        for a in assessments:
            self.rows[(a.goal_id, a.period_id)] = a

    async def lock(self, goal_id: uuid.UUID, period_id: uuid.UUID) -> Assessment | None:
        return self.rows.get((goal_id, period_id))

    async def save(self, a: Assessment) -> Assessment:
        saved = dataclasses.replace(a, assessed_at=NOW)
        self.rows[(a.goal_id, a.period_id)] = saved
        return saved

    async def by_keys(
        self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], Assessment]:
        return {k: self.rows[k] for k in keys if k in self.rows}

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Assessment]]:
        out: dict[uuid.UUID, list[Assessment]] = {}
        for a in sorted(self.rows.values(), key=lambda a: self.period_ends.get(a.period_id, (date.min, date.min))):
            if a.goal_id in goal_ids:
                out.setdefault(a.goal_id, []).append(a)
        return out


class FakeOrganizations:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, ProjectedOrganization] = {}

    def given(self, *orgs: ProjectedOrganization) -> None:
        for o in orgs:
            self.rows[o.id] = o

    async def upsert(
        self, org_id: uuid.UUID, code: str, name: str | None, kind: str, parent_id: uuid.UUID | None
    ) -> None:
        known = self.rows.get(org_id)
        self.rows[org_id] = ProjectedOrganization(
            org_id, code, name if name is not None else (known.name if known else None), kind, parent_id
        )

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProjectedOrganization]:
        return {i: self.rows[i] for i in ids if i in self.rows}

    async def count_known(self, ids: Sequence[uuid.UUID]) -> int:
        return sum(1 for i in set(ids) if i in self.rows)


class FakeGoals:
    def __init__(self, organizations: FakeOrganizations, assessments: FakeAssessments) -> None:
        self.rows: dict[uuid.UUID, ProjectedGoal] = {}
        self.revisions: dict[uuid.UUID, int] = {}
        self.applied: dict[uuid.UUID, int] = {}
        self.links: list[Link] = []
        self._organizations = organizations
        self._assessments = assessments

    def given(self, *goals: ProjectedGoal) -> None:
        for g in goals:
            self.rows[g.id] = g

    def link(self, child: uuid.UUID, parent: uuid.UUID, effective_from: date | None = None) -> None:
        """Arrange a standing link."""
        self.links.append(Link(child, parent, effective_from, None, f"given-{uuid.uuid4()}"))

    def _applied(self, goal_id: uuid.UUID) -> None:
        self.applied[goal_id] = self.applied.get(goal_id, 0) + 1

    async def upsert(self, goal: ProjectedGoal, *, replace_organizations: bool = True) -> None:
        known = self.rows.get(goal.id)
        orgs = goal.organization_ids if replace_organizations or known is None else known.organization_ids
        self.rows[goal.id] = dataclasses.replace(
            goal,
            organization_ids=tuple(dict.fromkeys(orgs)),
            adopted_on=known.adopted_on if known else None,
            retired_on=known.retired_on if known else None,
        )
        self._applied(goal.id)

    async def set_organizations(self, goal_id: uuid.UUID, org_ids: Sequence[uuid.UUID]) -> None:
        if goal_id in self.rows:
            self.rows[goal_id] = dataclasses.replace(self.rows[goal_id], organization_ids=tuple(dict.fromkeys(org_ids)))

    async def revise(
        self,
        goal_id: uuid.UUID,
        revision: int | None,
        title: str | None,
        valid_from: date | None,
        valid_to: date | None,
    ) -> bool:
        if goal_id not in self.rows:
            return False
        g = self.rows[goal_id]
        self.rows[goal_id] = dataclasses.replace(
            g, title=title if title is not None else g.title, valid_from=valid_from, valid_to=valid_to
        )
        if revision is not None:
            self.revisions[goal_id] = revision
        self._applied(goal_id)
        return True

    async def adopt(self, goal_id: uuid.UUID, revision: int | None, adopted_on: date) -> bool:
        if goal_id not in self.rows:
            return False
        g = self.rows[goal_id]
        self.rows[goal_id] = dataclasses.replace(
            g, state=g.state if g.state == "RETIRED" else "ADOPTED", adopted_on=adopted_on
        )
        if revision is not None:
            self.revisions[goal_id] = revision
        self._applied(goal_id)
        return True

    async def retire(self, goal_id: uuid.UUID, retired_on: date) -> bool:
        if goal_id not in self.rows:
            return False
        self.rows[goal_id] = dataclasses.replace(self.rows[goal_id], state="RETIRED", retired_on=retired_on)
        self._applied(goal_id)
        return True

    async def state(self, goal_id: uuid.UUID) -> str | None:
        g = self.rows.get(goal_id)
        return g.state if g else None

    async def add_links(
        self,
        child_id: uuid.UUID,
        parent_ids: Sequence[uuid.UUID],
        event_id: str,
        effective_from: date | None = None,
    ) -> None:
        for p in parent_ids:
            standing = any(x.child == child_id and x.parent == p and x.effective_to is None for x in self.links)
            again = any(x.child == child_id and x.parent == p and x.source_event == event_id for x in self.links)
            if not (standing or again):
                self.links.append(Link(child_id, p, effective_from, None, event_id))

    async def end_link(
        self, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None, event_id: str
    ) -> bool:
        standing = [x for x in self.links if x.child == child_id and x.parent == parent_id and x.effective_to is None]
        if not standing:
            return False
        if effective_to is None:
            self.links.remove(standing[0])
            return True
        if any(x.ended_by_event == event_id for x in self.links):
            return False
        standing[0].effective_to, standing[0].ended_by_event = effective_to, event_id
        return True

    async def touch(self, goal_id: uuid.UUID) -> None:
        if goal_id in self.rows:
            self._applied(goal_id)

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProjectedGoal]:
        return {i: self.rows[i] for i in ids if i in self.rows}

    async def load_tree(
        self, roots: Sequence[uuid.UUID], period_id: uuid.UUID | None, as_of: date
    ) -> dict[uuid.UUID, GoalNode]:
        def live(goal_id: uuid.UUID) -> bool:
            retired = self.rows[goal_id].retired_on
            return retired is None or retired > as_of

        def children(goal_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
            return tuple(x.child for x in self.links if x.parent == goal_id and x.in_force(as_of))

        found: dict[uuid.UUID, bool] = {r: True for r in roots if r in self.rows}
        todo = list(found)
        while todo:
            parent = todo.pop()
            if not found[parent]:
                continue
            for c in children(parent):
                if c in self.rows and (c not in found or (live(c) and not found[c])):
                    found[c] = found.get(c, False) or live(c)
                    todo.append(c)
        out: dict[uuid.UUID, GoalNode] = {}
        for goal_id, is_live in found.items():
            g = self.rows[goal_id]
            own = self._assessments.rows.get((goal_id, period_id)) if period_id else None
            out[goal_id] = GoalNode(
                id=goal_id,
                level=g.level,
                title=g.title,
                child_ids=children(goal_id) if is_live else (),
                retired_on=g.retired_on,
                own_status=own.status if own else None,
                adopted_on=g.adopted_on,
            )
        return out

    async def of_organizations(self, org_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        out: dict[uuid.UUID, list[uuid.UUID]] = {}
        for org_id in org_ids:
            org = self._organizations.rows.get(org_id)
            for g in self.rows.values():
                named = org_id in g.organization_ids
                council = org is not None and org.kind == "COUNCIL" and g.level in COUNCIL_LEVELS
                if named or (council and not g.organization_ids):
                    out.setdefault(org_id, []).append(g.id)
        return out

    async def count_known(self, ids: Sequence[uuid.UUID]) -> int:
        return sum(1 for i in set(ids) if i in self.rows)


class FakePeriods:
    def __init__(self, assessments: FakeAssessments) -> None:
        self.rows: dict[uuid.UUID, ReportingPeriod] = {}
        self.closed_at: dict[uuid.UUID, datetime] = {}
        self._assessments = assessments

    def given(self, *periods: ReportingPeriod) -> None:
        for p in periods:
            self.rows[p.id] = p
            self._assessments.period_ends[p.id] = (p.ends_on, p.starts_on)

    def _ordered(self, periods: Sequence[ReportingPeriod]) -> list[ReportingPeriod]:
        return sorted(periods, key=lambda p: (p.ends_on, p.starts_on))

    async def of_year(self, year: int | None) -> list[ReportingPeriod]:
        return self._ordered([p for p in self.rows.values() if year is None or p.year == year])

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ReportingPeriod]:
        return {i: self.rows[i] for i in ids if i in self.rows}

    async def by_label(self, label: str) -> ReportingPeriod | None:
        found = [p for p in self.rows.values() if p.label.lower() == label.strip().lower()]
        return min(found, key=lambda p: (-p.year, p.ends_on)) if found else None

    async def by_labels(self, year: int, labels: Sequence[str]) -> list[ReportingPeriod]:
        return self._ordered([p for p in self.rows.values() if p.year == year and p.label in labels])

    async def latest_open(self) -> ReportingPeriod | None:
        open_ = [p for p in self.rows.values() if not p.closed]
        return min(open_, key=lambda p: (-p.ends_on.toordinal(), p.starts_on)) if open_ else None

    async def add_many(self, year: int, specs: Sequence[PeriodSpec]) -> list[ReportingPeriod]:
        taken = {(p.year, p.label) for p in self.rows.values()}
        added = [
            ReportingPeriod(uuid.uuid4(), year, s.kind, s.label, s.starts_on, s.ends_on, False)
            for s in specs
            if (year, s.label) not in taken
        ]
        self.given(*added)
        return self._ordered(added)

    async def lock(self, period_id: uuid.UUID, *, exclusive: bool) -> ReportingPeriod | None:
        return self.rows.get(period_id)

    async def close(self, period_id: uuid.UUID) -> tuple[ReportingPeriod, datetime, int]:
        closed = dataclasses.replace(self.rows[period_id], closed=True)
        self.rows[period_id] = closed
        self.closed_at[period_id] = NOW
        frozen = sum(1 for _, p in self._assessments.rows if p == period_id)
        return closed, NOW, frozen


class FakeIndicators:
    def __init__(self, goals: FakeGoals) -> None:
        self.rows: dict[uuid.UUID, Indicator] = {}
        self.goal_links: set[tuple[uuid.UUID, uuid.UUID]] = set()  # (indicator, goal)
        self.targets: dict[tuple[uuid.UUID, int], float] = {}
        # Keyed as measurements_key: (indicator, year, period, municipality, gender).
        self.measurements: dict[tuple[uuid.UUID, int, uuid.UUID | None, str | None, str], Measurement] = {}
        self.sources: dict[tuple[uuid.UUID, int, uuid.UUID | None, str | None, str], IndicatorSource] = {}
        self._goals = goals

    def given(self, *indicators: Indicator) -> None:
        for i in indicators:
            self.rows[i.id] = i

    async def add(self, ind: Indicator) -> bool:
        if ind.id in self.rows or (
            ind.kolada_kpi_id is not None and any(i.kolada_kpi_id == ind.kolada_kpi_id for i in self.rows.values())
        ):
            return False
        self.rows[ind.id] = ind
        return True

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Indicator]:
        return {i: self.rows[i] for i in ids if i in self.rows}

    def _ordered(self, inds: list[Indicator]) -> list[Indicator]:
        return sorted(inds, key=lambda i: (i.name, str(i.id)))

    async def listed(self, goal_id: uuid.UUID | None, source: IndicatorSource | None) -> list[Indicator]:
        return self._ordered(
            [
                i
                for i in self.rows.values()
                if (goal_id is None or (i.id, goal_id) in self.goal_links) and (source is None or i.source == source)
            ]
        )

    async def ids_by_kpi(self, kpis: Sequence[str]) -> dict[str, uuid.UUID]:
        return {
            i.kolada_kpi_id: i.id for i in self.rows.values() if i.kolada_kpi_id is not None and i.kolada_kpi_id in kpis
        }

    async def link(self, indicator_id: uuid.UUID, goal_id: uuid.UUID) -> None:
        self.goal_links.add((indicator_id, goal_id))

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Indicator]]:
        out: dict[uuid.UUID, list[Indicator]] = {}
        for ind, goal in self.goal_links:
            if goal in goal_ids:
                out.setdefault(goal, []).append(self.rows[ind])
        return {g: self._ordered(inds) for g, inds in out.items()}

    async def goals_of(self, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        out: dict[uuid.UUID, list[uuid.UUID]] = {}
        for ind, goal in sorted(self.goal_links, key=lambda link: str(link[1])):
            if ind in indicator_ids:
                out.setdefault(ind, []).append(goal)
        return out

    async def set_target(self, indicator_id: uuid.UUID, year: int, value: float) -> None:
        self.targets[(indicator_id, year)] = value

    async def targets_of(self, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
        out: dict[uuid.UUID, list[Target]] = {}
        for (ind, year), value in sorted(self.targets.items(), key=lambda kv: kv[0][1]):
            if ind in indicator_ids:
                out.setdefault(ind, []).append(Target(ind, year, value))
        return out

    async def targets_for_year(self, indicator_ids: Sequence[uuid.UUID], year: int) -> dict[uuid.UUID, Target]:
        return {
            ind: Target(ind, y, value) for (ind, y), value in self.targets.items() if ind in indicator_ids and y == year
        }

    async def measurements_of(
        self,
        indicator_ids: Sequence[uuid.UUID],
        *,
        min_year: int | None = None,
        max_year: int | None = None,
        municipality: str | None = None,
    ) -> dict[uuid.UUID, list[Measurement]]:
        out: dict[uuid.UUID, list[Measurement]] = {}
        for m in sorted(self.measurements.values(), key=lambda m: (m.year, m.municipality_id or "")):
            if (
                m.indicator_id in indicator_ids
                and (min_year is None or m.year >= min_year)
                and (max_year is None or m.year <= max_year)
                and (municipality is None or m.municipality_id in (None, municipality))
            ):
                out.setdefault(m.indicator_id, []).append(m)
        return out

    async def upsert_measurement(self, m: Measurement, source: IndicatorSource) -> None:
        key = (m.indicator_id, m.year, m.period_id, m.municipality_id, m.gender)
        self.measurements[key] = m
        self.sources[key] = source

    async def write_kolada_measurements(self, writes: Sequence[MeasurementWrite]) -> None:
        for w in writes:
            m = Measurement(w.indicator_id, w.year, w.value, None, w.municipality, w.gender, w.status, w.count)
            await self.upsert_measurement(m, IndicatorSource.KOLADA)

    async def delete_kolada_measurements(self, deletes: Sequence[MeasurementDelete]) -> int:
        gone = 0
        for d in deletes:
            key = (d.indicator_id, d.year, None, d.municipality, d.gender)
            if self.measurements.pop(key, None) is not None:
                self.sources.pop(key, None)
                gone += 1
        return gone


class FakeActions:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Action] = {}

    def given(self, *actions: Action) -> None:
        for a in actions:
            self.rows[a.id] = a

    async def add(self, a: Action) -> Action:
        assert a.id not in self.rows, "actions.id is the primary key"
        added = dataclasses.replace(a, updated_at=NOW)
        self.rows[a.id] = added
        return added

    async def lock(self, action_id: uuid.UUID) -> Action | None:
        return self.rows.get(action_id)

    async def set_state(self, action_id: uuid.UUID, state: ActionState) -> Action:
        changed = dataclasses.replace(self.rows[action_id], state=state, updated_at=NOW)
        self.rows[action_id] = changed
        return changed

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Action]:
        return {i: self.rows[i] for i in ids if i in self.rows}

    async def of_goals(self, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Action]]:
        out: dict[uuid.UUID, list[Action]] = {}
        for a in sorted(self.rows.values(), key=lambda a: (a.due_on is None, a.due_on or date.max, str(a.id))):
            if a.goal_id in goal_ids:
                out.setdefault(a.goal_id, []).append(a)
        return out


class FakeFollowupUnitOfWork(MemoryUnitOfWork):
    """``FollowupUnitOfWork`` in memory: the repositories above, ``today()`` fixed, events checked
    against their JSON Schemas (``MemoryUnitOfWork``)."""

    def __init__(self) -> None:
        super().__init__(topic="vsm.followup.events", source="/vsm/followup")
        self.assessments = FakeAssessments()
        self.organizations = FakeOrganizations()
        self.goals = FakeGoals(self.organizations, self.assessments)
        self.periods = FakePeriods(self.assessments)
        self.indicators = FakeIndicators(self.goals)
        self.actions = FakeActions()
