"""Read side of the follow-up: fulfilment of whole trees, indicator outcomes and the follow-up report.

Each function loads what it needs for all the ids it is given in a fixed number of statements,
whatever their number, so DataLoaders and the report stay set-based.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg

from vsm_common.clock import today as clock_today

from .adapters import actions as actions_sql
from .adapters import assessments as assessments_sql
from .adapters import goal_projection as goal_projection_sql
from .adapters import indicators as indicators_sql
from .domain import indicators, rollup
from .domain.indicators import Outcome
from .domain.model import (
    Action,
    Assessment,
    Fulfilment,
    ProjectedGoal,
    ProjectedOrganization,
    ReportingPeriod,
    unassessed,
)
from .settings import FollowupSettings

LEVEL_ORDER = {"OVERARCHING": 0, "ACTION_PROGRAMME": 1, "CONCRETE": 2, "OPERATIONAL": 3}


def structure_date(period: ReportingPeriod | None, as_of: date | None, settings: FollowupSettings) -> date:
    return rollup.structure_day(as_of, period.ends_on if period else None, clock_today)


async def fulfilments(
    conn: asyncpg.Connection,
    roots: Sequence[uuid.UUID],
    period: ReportingPeriod | None,
    settings: FollowupSettings,
    as_of: date | None = None,
) -> dict[uuid.UUID, Fulfilment]:
    """Fulfilment of each root, with every contributor below it, from one load of the subtrees: the goals
    and links in force on ``as_of`` (default: the period's last day, without a period today).

    Without a period nothing is assessed. Asked for a date, goals adopted after it are left out.
    """
    return await _fulfilments(conn, roots, period, settings, structure_date(period, as_of, settings), as_of is not None)


async def _fulfilments(
    conn: asyncpg.Connection,
    roots: Sequence[uuid.UUID],
    period: ReportingPeriod | None,
    settings: FollowupSettings,
    day: date,
    decided_by_then: bool,
) -> dict[uuid.UUID, Fulfilment]:
    period_id = period.id if period else None
    nodes = await goal_projection_sql.load_tree(conn, roots, period_id, day)
    done = rollup.roll_up(
        roots, nodes, period_id=period_id, as_of=day, policy=settings.rollup, decided_by_then=decided_by_then
    )
    return {r: done.get(r) or unassessed(r, period_id, 0) for r in roots}


async def outcomes(
    conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID], period: ReportingPeriod, settings: FollowupSettings
) -> dict[uuid.UUID, list[Outcome]]:
    """Each goal's indicators against their targets for the period's year: three statements in all."""
    linked = await indicators_sql.indicators_of_goals(conn, goal_ids)
    ids = list({i.id for inds in linked.values() for i in inds})
    targets = await indicators_sql.targets_for_year(conn, ids, period.year) if ids else {}
    found = (
        await indicators_sql.measurements_of(
            conn,
            ids,
            min_year=period.year - settings.measurement_max_age_years,
            max_year=period.year,
            municipality=settings.municipality,
        )
        if ids
        else {}
    )
    return indicators.outcomes_for_goals(
        goal_ids,
        linked,
        targets,
        found,
        period,
        thresholds=settings.thresholds,
        municipality=settings.municipality,
        max_age_years=settings.measurement_max_age_years,
    )


@dataclass
class ReportData:
    """Everything of one organisation's follow-up report for one period (uppföljningsrapport)."""

    organization_id: uuid.UUID
    organization: ProjectedOrganization | None
    period: ReportingPeriod
    goals: list[Fulfilment]
    outcomes: dict[uuid.UUID, list[Outcome]]
    assessments: dict[uuid.UUID, Assessment]
    actions: list[Action]
    goal_info: dict[uuid.UUID, ProjectedGoal]
    organization_names: dict[uuid.UUID, str]
    today: date


async def reports(
    conn: asyncpg.Connection,
    org_ids: Sequence[uuid.UUID],
    period: ReportingPeriod,
    settings: FollowupSettings,
    as_of: date | None = None,
) -> dict[uuid.UUID, ReportData]:
    """The follow-up reports of several organisations for one period, loaded together, over the goal
    structure of ``as_of`` (default: the period's last day)."""
    decided_by_then = as_of is not None
    day = structure_date(period, as_of, settings)
    goals_of = await goal_projection_sql.goals_of_organizations(conn, org_ids)
    all_goal_ids = list({g for ids in goals_of.values() for g in ids})
    info = await goal_projection_sql.projected_goals(conn, all_goal_ids)
    # Goals retired by then (or, asked for a date, adopted after it) are not followed up (the roll-up rule).
    in_force = [
        g for g in all_goal_ids if g in info and rollup.in_force(_node(info[g]), day, decided_by_then=decided_by_then)
    ]
    fulfilled = await _fulfilments(conn, in_force, period, settings, day, decided_by_then)
    results = await outcomes(conn, in_force, period, settings)
    own = await assessments_sql.assessments_by_keys(conn, [(g, period.id) for g in in_force])
    actions = await actions_sql.actions_of_goals(conn, in_force)
    owner_ids = {a.owner_id for acts in actions.values() for a in acts}
    orgs = await goal_projection_sql.projected_organizations(conn, list(owner_ids | set(org_ids)))
    names = {o.id: o.display_name for o in orgs.values()}
    today = clock_today()
    out: dict[uuid.UUID, ReportData] = {}
    for org_id in org_ids:
        mine = sorted(
            (g for g in goals_of.get(org_id, []) if g in fulfilled),
            key=lambda g: (LEVEL_ORDER.get(info[g].level, 9), info[g].title, str(g)),
        )
        out[org_id] = ReportData(
            organization_id=org_id,
            organization=orgs.get(org_id),
            period=period,
            goals=[fulfilled[g] for g in mine],
            outcomes={g: results.get(g, []) for g in mine},
            assessments={g: own[(g, period.id)] for g in mine if (g, period.id) in own},
            actions=[a for g in mine for a in actions.get(g, [])],
            goal_info={g: info[g] for g in mine},
            organization_names=names,
            today=today,
        )
    return out


def _node(g: ProjectedGoal) -> rollup.GoalNode:
    return rollup.GoalNode(id=g.id, level=g.level, title=g.title, retired_on=g.retired_on, adopted_on=g.adopted_on)
