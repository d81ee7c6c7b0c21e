"""Read side of the follow-up: the API's reads, fulfilment of whole trees, indicator outcomes and the
follow-up report, over the same repositories (``adapters``) the use cases write through.

Each function loads what it needs for all the ids it is given in a fixed number of statements,
whatever their number, so DataLoaders and the report stay set-based; the ``(conn, ids)`` ones are
shaped for ``vsm_common.loaders``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg

from vsm_common.clock import today as clock_today

from .adapters.actions import SqlActions
from .adapters.assessments import SqlAssessments
from .adapters.goal_projection import SqlGoals, SqlOrganizations
from .adapters.indicators import SqlIndicators
from .adapters.periods import SqlPeriods
from .domain import rollup
from .domain.indicators import Outcome
from .domain.model import (
    Action,
    Assessment,
    Fulfilment,
    Indicator,
    IndicatorSource,
    Measurement,
    ProjectedGoal,
    ProjectedOrganization,
    ReportingPeriod,
    Target,
    unassessed,
)
from .service.indicators import outcomes as outcomes_of
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
    nodes = await SqlGoals(conn).load_tree(roots, period_id, day)
    done = rollup.roll_up(
        roots, nodes, period_id=period_id, as_of=day, policy=settings.rollup, decided_by_then=decided_by_then
    )
    return {r: done.get(r) or unassessed(r, period_id, 0) for r in roots}


async def outcomes(
    conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID], period: ReportingPeriod, settings: FollowupSettings
) -> dict[uuid.UUID, list[Outcome]]:
    """Each goal's indicators against their targets for the period's year: three statements in all."""
    return await outcomes_of(SqlIndicators(conn), goal_ids, period, settings)


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
    goals_of = await SqlGoals(conn).of_organizations(org_ids)
    all_goal_ids = list({g for ids in goals_of.values() for g in ids})
    info = await SqlGoals(conn).by_ids(all_goal_ids)
    # Goals retired by then (or, asked for a date, adopted after it) are not followed up (the roll-up rule).
    in_force = [
        g for g in all_goal_ids if g in info and rollup.in_force(_node(info[g]), day, decided_by_then=decided_by_then)
    ]
    fulfilled = await _fulfilments(conn, in_force, period, settings, day, decided_by_then)
    results = await outcomes(conn, in_force, period, settings)
    own = await SqlAssessments(conn).by_keys([(g, period.id) for g in in_force])
    actions = await SqlActions(conn).of_goals(in_force)
    owner_ids = {a.owner_id for acts in actions.values() for a in acts}
    orgs = await SqlOrganizations(conn).by_ids(list(owner_ids | set(org_ids)))
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


# ---------------------------------------------------------------- the API's reads, shaped for DataLoaders
async def periods(conn: asyncpg.Connection, year: int | None) -> list[ReportingPeriod]:
    return await SqlPeriods(conn).of_year(year)


async def periods_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ReportingPeriod]:
    return await SqlPeriods(conn).by_ids(ids)


async def period_by_label(conn: asyncpg.Connection, label: str) -> ReportingPeriod | None:
    return await SqlPeriods(conn).by_label(label)


async def latest_open_period(conn: asyncpg.Connection) -> ReportingPeriod | None:
    return await SqlPeriods(conn).latest_open()


async def list_indicators(
    conn: asyncpg.Connection, goal_id: uuid.UUID | None, source: IndicatorSource | None
) -> list[Indicator]:
    return await SqlIndicators(conn).listed(goal_id, source)


async def indicators_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Indicator]:
    return await SqlIndicators(conn).by_ids(ids)


async def indicators_of_goals(
    conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Indicator]]:
    return await SqlIndicators(conn).of_goals(goal_ids)


async def goals_of_indicators(
    conn: asyncpg.Connection, indicator_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    return await SqlIndicators(conn).goals_of(indicator_ids)


async def targets_of(conn: asyncpg.Connection, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
    return await SqlIndicators(conn).targets_of(indicator_ids)


async def measurements_of(
    conn: asyncpg.Connection, indicator_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Measurement]]:
    return await SqlIndicators(conn).measurements_of(indicator_ids)


async def assessments_by_keys(
    conn: asyncpg.Connection, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], Assessment]:
    return await SqlAssessments(conn).by_keys(keys)


async def assessments_of_goals(
    conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Assessment]]:
    return await SqlAssessments(conn).of_goals(goal_ids)


async def actions_by_ids(conn: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Action]:
    return await SqlActions(conn).by_ids(ids)


async def actions_of_goals(conn: asyncpg.Connection, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Action]]:
    return await SqlActions(conn).of_goals(goal_ids)
