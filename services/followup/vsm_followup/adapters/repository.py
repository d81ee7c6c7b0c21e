"""SQL of the followup service. Batch reads take lists of ids, so DataLoaders cost one query per level."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from ..domain.kolada import MeasurementDelete, MeasurementWrite
from ..domain.model import (
    Action,
    ActionState,
    Assessment,
    AssessmentStatus,
    Direction,
    Indicator,
    IndicatorSource,
    Measurement,
    PeriodKind,
    ProjectedGoal,
    ProjectedOrganization,
    ReportingPeriod,
    Target,
)
from ..domain.periods import PeriodSpec
from ..domain.rollup import GoalNode

# The goals KF adopts without directing them to anyone: they make up the council's own report.
COUNCIL_LEVELS = ("OVERARCHING", "ACTION_PROGRAMME")


def _period(r: asyncpg.Record) -> ReportingPeriod:
    return ReportingPeriod(
        r["id"], r["year"], PeriodKind(r["kind"]), r["label"], r["starts_on"], r["ends_on"], r["closed"]
    )


def _indicator(r: asyncpg.Record) -> Indicator:
    return Indicator(
        id=r["id"],
        name=r["name"],
        unit=r["unit"],
        direction=Direction(r["direction"]),
        source=IndicatorSource(r["source"]),
        kolada_kpi_id=r["kolada_kpi_id"],
        owner_id=r["owner_id"],
        baseline=r["baseline"],
        baseline_year=r["baseline_year"],
    )


def _measurement(r: asyncpg.Record) -> Measurement:
    return Measurement(
        indicator_id=r["indicator_id"],
        year=r["year"],
        value=r["value"],
        period_id=r["period_id"],
        municipality_id=r["municipality_id"],
        gender=r["gender"],
        status=r["status"],
        count=r["count"],
    )


def _assessment(r: asyncpg.Record) -> Assessment:
    return Assessment(
        goal_id=r["goal_id"],
        period_id=r["period_id"],
        status=AssessmentStatus(r["status"]),
        suggested_status=AssessmentStatus(r["suggested_status"]) if r["suggested_status"] else None,
        analysis=r["analysis"],
        assessed_by=r["assessed_by"],
        assessed_at=r["assessed_at"],
    )


def _action(r: asyncpg.Record) -> Action:
    return Action(
        id=r["id"],
        goal_id=r["goal_id"],
        title=r["title"],
        owner_id=r["owner_id"],
        due_on=r["due_on"],
        state=ActionState(r["state"]),
        updated_at=r["updated_at"],
    )


def _group(rows: Sequence[asyncpg.Record], key: str, value: str) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r[value])
    return out


# ---------------------------------------------------------------- projection (written by the consumer)
async def upsert_goal(conn: asyncpg.Connection, goal: ProjectedGoal, *, replace_organizations: bool = True) -> None:
    await conn.execute(
        """INSERT INTO projected_goals (id, level, state, title, valid_from, valid_to, applied_events)
           VALUES ($1, $2, $3, $4, $5, $6, 1)
           ON CONFLICT (id) DO UPDATE SET level = $2, state = $3, title = $4, valid_from = $5, valid_to = $6,
               applied_events = projected_goals.applied_events + 1, updated_at = now()""",
        goal.id,
        goal.level,
        goal.state,
        goal.title,
        goal.valid_from,
        goal.valid_to,
    )
    if replace_organizations:
        await set_goal_organizations(conn, goal.id, goal.organization_ids)


async def set_goal_organizations(conn: asyncpg.Connection, goal_id: uuid.UUID, org_ids: Sequence[uuid.UUID]) -> None:
    await conn.execute("DELETE FROM projected_goal_organizations WHERE goal_id = $1", goal_id)
    await conn.executemany(
        "INSERT INTO projected_goal_organizations (goal_id, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [(goal_id, o) for o in org_ids],
    )


async def revise_goal(
    conn: asyncpg.Connection,
    goal_id: uuid.UUID,
    revision: int | None,
    title: str | None,
    valid_from: date | None,
    valid_to: date | None,
) -> bool:
    status = await conn.execute(
        """UPDATE projected_goals SET revision = coalesce($2, revision), title = coalesce($3, title),
               valid_from = $4, valid_to = $5, applied_events = applied_events + 1, updated_at = now()
           WHERE id = $1""",
        goal_id,
        revision,
        title,
        valid_from,
        valid_to,
    )
    return bool(status.endswith(" 1"))


async def adopt_goal(conn: asyncpg.Connection, goal_id: uuid.UUID, revision: int | None, adopted_on: date) -> bool:
    # A retirement is final: a late or replayed adoption must not bring the goal back.
    status = await conn.execute(
        """UPDATE projected_goals SET state = CASE WHEN state = 'RETIRED' THEN state ELSE 'ADOPTED' END,
               adopted_on = $3, revision = coalesce($2, revision),
               applied_events = applied_events + 1, updated_at = now()
           WHERE id = $1""",
        goal_id,
        revision,
        adopted_on,
    )
    return bool(status.endswith(" 1"))


async def retire_goal(conn: asyncpg.Connection, goal_id: uuid.UUID, retired_on: date) -> bool:
    status = await conn.execute(
        """UPDATE projected_goals SET state = 'RETIRED', retired_on = $2,
               applied_events = applied_events + 1, updated_at = now()
           WHERE id = $1""",
        goal_id,
        retired_on,
    )
    return bool(status.endswith(" 1"))


async def goal_state(conn: asyncpg.Connection, goal_id: uuid.UUID) -> str | None:
    state: str | None = await conn.fetchval("SELECT state FROM projected_goals WHERE id = $1", goal_id)
    return state


async def add_links(
    conn: asyncpg.Connection,
    child_id: uuid.UUID,
    parent_ids: Sequence[uuid.UUID],
    event_id: str,
    effective_from: date | None = None,
) -> None:
    """Links in force from ``effective_from`` (None: from the child's adoption). A link standing
    already, or one this event made before (a redelivery), is left as it is."""
    await conn.executemany(
        """INSERT INTO projected_goal_links (child_id, parent_id, effective_from, source_event)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""",
        [(child_id, p, effective_from, event_id) for p in parent_ids],
    )


async def end_link(
    conn: asyncpg.Connection, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None, event_id: str
) -> bool:
    """End the standing link on ``effective_to`` (exclusive); None removes it (a draft's link never took
    effect). False when there was nothing to end."""
    if effective_to is None:
        status = await conn.execute(
            "DELETE FROM projected_goal_links WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL",
            child_id,
            parent_id,
        )
        return bool(status.endswith(" 1"))
    # The event id guards a redelivery: once this event has ended a period, a later one (made again
    # by a later event) is not ended by it a second time.
    status = await conn.execute(
        """UPDATE projected_goal_links SET effective_to = $3, ended_by_event = $4
           WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL
             AND NOT EXISTS (SELECT 1 FROM projected_goal_links WHERE ended_by_event = $4)""",
        child_id,
        parent_id,
        effective_to,
        event_id,
    )
    return bool(status.endswith(" 1"))


async def touch_goal(conn: asyncpg.Connection, goal_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE projected_goals SET applied_events = applied_events + 1, updated_at = now() WHERE id = $1", goal_id
    )


async def upsert_organization(
    conn: asyncpg.Connection, org_id: uuid.UUID, code: str, name: str | None, kind: str, parent_id: uuid.UUID | None
) -> None:
    await conn.execute(
        """INSERT INTO projected_organizations (id, code, name, kind, parent_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET code = $2, name = coalesce($3, projected_organizations.name),
               kind = $4, parent_id = $5""",
        org_id,
        code,
        name,
        kind,
        parent_id,
    )


# ---------------------------------------------------------------- projection (read)
async def projected_goals(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProjectedGoal]:
    rows = await conn.fetch(
        """SELECT g.id, g.level, g.state, g.title, g.valid_from, g.valid_to, g.adopted_on, g.retired_on,
                  coalesce(array_agg(o.organization_id ORDER BY o.organization_id)
                           FILTER (WHERE o.organization_id IS NOT NULL), '{}') AS organization_ids
           FROM projected_goals g LEFT JOIN projected_goal_organizations o ON o.goal_id = g.id
           WHERE g.id = ANY($1) GROUP BY g.id""",
        list(ids),
    )
    return {
        r["id"]: ProjectedGoal(
            r["id"],
            r["level"],
            r["state"],
            r["title"],
            r["valid_from"],
            r["valid_to"],
            r["adopted_on"],
            r["retired_on"],
            tuple(r["organization_ids"]),
        )
        for r in rows
    }


async def projected_organizations(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ProjectedOrganization]:
    rows = await conn.fetch(
        "SELECT id, code, name, kind, parent_id FROM projected_organizations WHERE id = ANY($1)", list(ids)
    )
    return {r["id"]: ProjectedOrganization(r["id"], r["code"], r["name"], r["kind"], r["parent_id"]) for r in rows}


async def load_tree(
    conn: asyncpg.Connection, roots: Sequence[uuid.UUID], period_id: uuid.UUID | None, as_of: date
) -> dict[uuid.UUID, GoalNode]:
    """``roots`` and everything below them through the links in force on ``as_of``, with each goal's own
    status in the period, in one statement.

    The walk goes on below a goal only while the goal is in force on ``as_of``; a retired goal is
    still returned (the explanation names it) but its subtree is not, as it no longer contributes.
    """
    rows = await conn.fetch(
        """WITH RECURSIVE links AS (
               SELECT child_id, parent_id FROM projected_goal_links
               WHERE (effective_from IS NULL OR effective_from <= $3) AND (effective_to IS NULL OR effective_to > $3)
           ), tree(id, live) AS (
               SELECT g.id, true FROM projected_goals g WHERE g.id = ANY($1)
               UNION
               SELECT l.child_id, (c.retired_on IS NULL OR c.retired_on > $3)
               FROM tree t
               JOIN links l ON l.parent_id = t.id
               JOIN projected_goals c ON c.id = l.child_id
               WHERE t.live
           ), ids AS (SELECT id, bool_or(live) AS live FROM tree GROUP BY id)
           SELECT g.id, g.level, g.title, g.adopted_on, g.retired_on, a.status AS own_status,
                  CASE WHEN ids.live THEN
                      coalesce((SELECT array_agg(l.child_id) FROM links l WHERE l.parent_id = g.id), '{}')
                  ELSE '{}' END AS child_ids
           FROM ids JOIN projected_goals g ON g.id = ids.id
           LEFT JOIN assessments a ON a.goal_id = g.id AND a.period_id = $2""",
        list(roots),
        period_id,
        as_of,
    )
    return {
        r["id"]: GoalNode(
            id=r["id"],
            level=r["level"],
            title=r["title"],
            child_ids=tuple(r["child_ids"]),
            retired_on=r["retired_on"],
            own_status=AssessmentStatus(r["own_status"]) if r["own_status"] else None,
            adopted_on=r["adopted_on"],
        )
        for r in rows
    }


async def goals_of_organizations(
    conn: asyncpg.Connection, org_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The goals of each organisation's report: those naming it as owner or recipient and, for KF
    (COUNCIL), the övergripande mål and handlingsprogram it adopts without directing them to anyone."""
    rows = await conn.fetch(
        """SELECT o.organization_id AS org_id, o.goal_id FROM projected_goal_organizations o
           WHERE o.organization_id = ANY($1)
           UNION
           SELECT po.id, g.id FROM projected_organizations po
           JOIN projected_goals g ON g.level = ANY($2::text[])
           WHERE po.id = ANY($1) AND po.kind = 'COUNCIL'
             AND NOT EXISTS (SELECT 1 FROM projected_goal_organizations x WHERE x.goal_id = g.id)""",
        list(org_ids),
        list(COUNCIL_LEVELS),
    )
    return _group(rows, "org_id", "goal_id")


async def count_known_goals(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM projected_goals WHERE id = ANY($1)", list(ids)))


async def count_known_organizations(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM projected_organizations WHERE id = ANY($1)", list(ids)))


# ---------------------------------------------------------------- periods
async def periods(conn: asyncpg.Connection, year: int | None) -> list[ReportingPeriod]:
    rows = await conn.fetch(
        "SELECT * FROM reporting_periods WHERE $1::int IS NULL OR year = $1 ORDER BY ends_on, starts_on", year
    )
    return [_period(r) for r in rows]


async def periods_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ReportingPeriod]:
    rows = await conn.fetch("SELECT * FROM reporting_periods WHERE id = ANY($1)", list(ids))
    return {r["id"]: _period(r) for r in rows}


async def period_by_label(conn: asyncpg.Connection, label: str) -> ReportingPeriod | None:
    """The period with this label, case aside ("Delår 2027", "delår 2027").

    A label names its year ("T1 2027", "Mars 2027": domain.periods), so with (year, label) unique it
    names one period; the ordering only makes the answer deterministic should that ever not hold.
    """
    row = await conn.fetchrow(
        "SELECT * FROM reporting_periods WHERE lower(label) = lower($1) ORDER BY year DESC, ends_on LIMIT 1",
        label.strip(),
    )
    return _period(row) if row else None


async def latest_open_period(conn: asyncpg.Connection) -> ReportingPeriod | None:
    # Of periods ending the same day (December, T3, helår), the longest is the one a report means.
    row = await conn.fetchrow(
        "SELECT * FROM reporting_periods WHERE NOT closed ORDER BY ends_on DESC, starts_on ASC LIMIT 1"
    )
    return _period(row) if row else None


async def insert_periods(conn: asyncpg.Connection, year: int, specs: Sequence[PeriodSpec]) -> list[ReportingPeriod]:
    """Insert the periods not yet defined; returns only those inserted now."""
    rows = await conn.fetch(
        """INSERT INTO reporting_periods (id, year, kind, label, starts_on, ends_on)
           SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::date[], $6::date[])
           ON CONFLICT (year, label) DO NOTHING RETURNING *""",
        [uuid.uuid4() for _ in specs],
        [year] * len(specs),
        [str(s.kind) for s in specs],
        [s.label for s in specs],
        [s.starts_on for s in specs],
        [s.ends_on for s in specs],
    )
    return sorted((_period(r) for r in rows), key=lambda p: (p.ends_on, p.starts_on))


async def periods_by_labels(conn: asyncpg.Connection, year: int, labels: Sequence[str]) -> list[ReportingPeriod]:
    rows = await conn.fetch(
        "SELECT * FROM reporting_periods WHERE year = $1 AND label = ANY($2) ORDER BY ends_on, starts_on",
        year,
        list(labels),
    )
    return [_period(r) for r in rows]


async def lock_period(conn: asyncpg.Connection, period_id: uuid.UUID, *, exclusive: bool) -> ReportingPeriod | None:
    """Lock the period row: shared while assessing (many at once), exclusive while closing."""
    mode = "FOR UPDATE" if exclusive else "FOR SHARE"
    row = await conn.fetchrow(f"SELECT * FROM reporting_periods WHERE id = $1 {mode}", period_id)
    return _period(row) if row else None


async def close_period(conn: asyncpg.Connection, period_id: uuid.UUID) -> tuple[ReportingPeriod, datetime, int]:
    row = await conn.fetchrow(
        "UPDATE reporting_periods SET closed = true, closed_at = now() WHERE id = $1 RETURNING *", period_id
    )
    assert row is not None
    frozen = await conn.fetchval("SELECT count(*) FROM assessments WHERE period_id = $1", period_id)
    return _period(row), row["closed_at"], int(frozen)


# ---------------------------------------------------------------- indicators
async def insert_indicator(conn: asyncpg.Connection, ind: Indicator) -> bool:
    """Insert; False when another indicator already follows the same Kolada KPI."""
    status = await conn.execute(
        """INSERT INTO indicators (id, name, unit, direction, source, kolada_kpi_id, owner_id, baseline, baseline_year)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING""",
        ind.id,
        ind.name,
        ind.unit,
        str(ind.direction),
        str(ind.source),
        ind.kolada_kpi_id,
        ind.owner_id,
        ind.baseline,
        ind.baseline_year,
    )
    return bool(status.endswith(" 1"))


async def indicators_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Indicator]:
    rows = await conn.fetch("SELECT * FROM indicators WHERE id = ANY($1)", list(ids))
    return {r["id"]: _indicator(r) for r in rows}


async def list_indicators(
    conn: asyncpg.Connection, goal_id: uuid.UUID | None, source: IndicatorSource | None
) -> list[Indicator]:
    rows = await conn.fetch(
        """SELECT i.* FROM indicators i
           WHERE ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM indicator_goals ig
                                              WHERE ig.indicator_id = i.id AND ig.goal_id = $1))
             AND ($2::text IS NULL OR i.source = $2)
           ORDER BY i.name, i.id""",
        goal_id,
        str(source) if source else None,
    )
    return [_indicator(r) for r in rows]


async def indicator_ids_by_kpi(conn: asyncpg.Connection, kpis: Sequence[str]) -> dict[str, uuid.UUID]:
    rows = await conn.fetch("SELECT kolada_kpi_id, id FROM indicators WHERE kolada_kpi_id = ANY($1)", list(kpis))
    return {r["kolada_kpi_id"]: r["id"] for r in rows}


async def link_indicator(conn: asyncpg.Connection, indicator_id: uuid.UUID, goal_id: uuid.UUID) -> None:
    await conn.execute(
        "INSERT INTO indicator_goals (indicator_id, goal_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        indicator_id,
        goal_id,
    )


async def indicators_of_goals(
    conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Indicator]]:
    rows = await conn.fetch(
        """SELECT ig.goal_id, i.* FROM indicator_goals ig JOIN indicators i ON i.id = ig.indicator_id
           WHERE ig.goal_id = ANY($1) ORDER BY i.name, i.id""",
        list(goal_ids),
    )
    out: dict[uuid.UUID, list[Indicator]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(_indicator(r))
    return out


async def goals_of_indicators(
    conn: asyncpg.Connection, indicator_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await conn.fetch(
        """SELECT ig.indicator_id, ig.goal_id FROM indicator_goals ig
           LEFT JOIN projected_goals g ON g.id = ig.goal_id
           WHERE ig.indicator_id = ANY($1) ORDER BY g.title, ig.goal_id""",
        list(indicator_ids),
    )
    return _group(rows, "indicator_id", "goal_id")


async def set_target(conn: asyncpg.Connection, indicator_id: uuid.UUID, year: int, value: float) -> None:
    await conn.execute(
        """INSERT INTO indicator_targets (indicator_id, year, value) VALUES ($1, $2, $3)
           ON CONFLICT (indicator_id, year) DO UPDATE SET value = $3""",
        indicator_id,
        year,
        value,
    )


async def targets_of(conn: asyncpg.Connection, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
    rows = await conn.fetch(
        "SELECT * FROM indicator_targets WHERE indicator_id = ANY($1) ORDER BY year", list(indicator_ids)
    )
    out: dict[uuid.UUID, list[Target]] = {}
    for r in rows:
        out.setdefault(r["indicator_id"], []).append(Target(r["indicator_id"], r["year"], r["value"]))
    return out


async def targets_for_year(
    conn: asyncpg.Connection, indicator_ids: Sequence[uuid.UUID], year: int
) -> dict[uuid.UUID, Target]:
    rows = await conn.fetch(
        "SELECT * FROM indicator_targets WHERE indicator_id = ANY($1) AND year = $2", list(indicator_ids), year
    )
    return {r["indicator_id"]: Target(r["indicator_id"], r["year"], r["value"]) for r in rows}


async def measurements_of(
    conn: asyncpg.Connection,
    indicator_ids: Sequence[uuid.UUID],
    *,
    min_year: int | None = None,
    max_year: int | None = None,
    municipality: str | None = None,
) -> dict[uuid.UUID, list[Measurement]]:
    """Measurements, by year then period; with ``municipality``, only own ones and that municipality's."""
    rows = await conn.fetch(
        """SELECT m.* FROM measurements m LEFT JOIN reporting_periods p ON p.id = m.period_id
           WHERE m.indicator_id = ANY($1)
             AND ($2::int IS NULL OR m.year >= $2) AND ($3::int IS NULL OR m.year <= $3)
             AND ($4::text IS NULL OR m.municipality_id IS NULL OR m.municipality_id = $4)
           ORDER BY m.year, p.ends_on NULLS LAST, p.starts_on, m.municipality_id NULLS FIRST, m.gender DESC""",
        list(indicator_ids),
        min_year,
        max_year,
        municipality,
    )
    out: dict[uuid.UUID, list[Measurement]] = {}
    for r in rows:
        out.setdefault(r["indicator_id"], []).append(_measurement(r))
    return out


async def upsert_measurement(conn: asyncpg.Connection, m: Measurement, source: IndicatorSource) -> None:
    await conn.execute(
        """INSERT INTO measurements
               (indicator_id, year, period_id, municipality_id, gender, value, status, count, source)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT ON CONSTRAINT measurements_key DO UPDATE
               SET value = $6, status = $7, count = $8, source = $9, recorded_at = now()""",
        m.indicator_id,
        m.year,
        m.period_id,
        m.municipality_id,
        m.gender,
        m.value,
        m.status,
        m.count,
        str(source),
    )


async def write_kolada_measurements(conn: asyncpg.Connection, writes: Sequence[MeasurementWrite]) -> None:
    if not writes:
        return
    await conn.execute(
        """INSERT INTO measurements (indicator_id, year, municipality_id, gender, value, status, count, source)
           SELECT w.*, 'KOLADA' FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[],
                                            $5::float8[], $6::text[], $7::int[]) AS w
           ON CONFLICT ON CONSTRAINT measurements_key DO UPDATE
               SET value = excluded.value, status = excluded.status, count = excluded.count,
                   source = excluded.source, recorded_at = now()""",
        [w.indicator_id for w in writes],
        [w.year for w in writes],
        [w.municipality for w in writes],
        [w.gender for w in writes],
        [w.value for w in writes],
        [w.status for w in writes],
        [w.count for w in writes],
    )


async def delete_kolada_measurements(conn: asyncpg.Connection, deletes: Sequence[MeasurementDelete]) -> int:
    if not deletes:
        return 0
    deleted = await conn.fetchval(
        """WITH gone AS (
               DELETE FROM measurements m
               USING unnest($1::uuid[], $2::int[], $3::text[], $4::text[])
                     AS d(indicator_id, year, municipality, gender)
               WHERE m.indicator_id = d.indicator_id AND m.year = d.year AND m.period_id IS NULL
                 AND m.municipality_id = d.municipality AND m.gender = d.gender
               RETURNING 1)
           SELECT count(*) FROM gone""",
        [d.indicator_id for d in deletes],
        [d.year for d in deletes],
        [d.municipality for d in deletes],
        [d.gender for d in deletes],
    )
    return int(deleted)


# ---------------------------------------------------------------- assessments
async def lock_assessment(conn: asyncpg.Connection, goal_id: uuid.UUID, period_id: uuid.UUID) -> Assessment | None:
    row = await conn.fetchrow(
        "SELECT * FROM assessments WHERE goal_id = $1 AND period_id = $2 FOR UPDATE", goal_id, period_id
    )
    return _assessment(row) if row else None


async def save_assessment(conn: asyncpg.Connection, a: Assessment) -> Assessment:
    row = await conn.fetchrow(
        """INSERT INTO assessments (goal_id, period_id, status, suggested_status, analysis, assessed_by, assessed_at)
           VALUES ($1, $2, $3, $4, $5, $6, now())
           ON CONFLICT (period_id, goal_id) DO UPDATE SET status = $3, suggested_status = $4, analysis = $5,
               assessed_by = $6, assessed_at = now()
           RETURNING *""",
        a.goal_id,
        a.period_id,
        str(a.status),
        str(a.suggested_status) if a.suggested_status else None,
        a.analysis,
        a.assessed_by,
    )
    assert row is not None
    return _assessment(row)


async def assessments_by_keys(
    conn: asyncpg.Connection, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], Assessment]:
    rows = await conn.fetch(
        """SELECT a.* FROM assessments a
           JOIN unnest($1::uuid[], $2::uuid[]) AS k(goal_id, period_id)
             ON a.goal_id = k.goal_id AND a.period_id = k.period_id""",
        [k[0] for k in keys],
        [k[1] for k in keys],
    )
    return {(r["goal_id"], r["period_id"]): _assessment(r) for r in rows}


async def assessments_of_goals(
    conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Assessment]]:
    rows = await conn.fetch(
        """SELECT a.* FROM assessments a JOIN reporting_periods p ON p.id = a.period_id
           WHERE a.goal_id = ANY($1) ORDER BY p.ends_on, p.starts_on DESC""",
        list(goal_ids),
    )
    out: dict[uuid.UUID, list[Assessment]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(_assessment(r))
    return out


# ---------------------------------------------------------------- actions
async def insert_action(conn: asyncpg.Connection, a: Action) -> Action:
    row = await conn.fetchrow(
        """INSERT INTO actions (id, goal_id, title, owner_id, due_on, state) VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING *""",
        a.id,
        a.goal_id,
        a.title,
        a.owner_id,
        a.due_on,
        str(a.state),
    )
    assert row is not None
    return _action(row)


async def lock_action(conn: asyncpg.Connection, action_id: uuid.UUID) -> Action | None:
    row = await conn.fetchrow("SELECT * FROM actions WHERE id = $1 FOR UPDATE", action_id)
    return _action(row) if row else None


async def set_action_state(conn: asyncpg.Connection, action_id: uuid.UUID, state: ActionState) -> Action:
    row = await conn.fetchrow(
        "UPDATE actions SET state = $2, updated_at = now() WHERE id = $1 RETURNING *", action_id, str(state)
    )
    assert row is not None
    return _action(row)


async def actions_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Action]:
    rows = await conn.fetch("SELECT * FROM actions WHERE id = ANY($1)", list(ids))
    return {r["id"]: _action(r) for r in rows}


async def actions_of_goals(conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Action]]:
    rows = await conn.fetch(
        "SELECT * FROM actions WHERE goal_id = ANY($1) ORDER BY due_on NULLS LAST, created_at, id", list(goal_ids)
    )
    out: dict[uuid.UUID, list[Action]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(_action(r))
    return out
