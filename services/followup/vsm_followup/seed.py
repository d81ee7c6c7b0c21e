"""Demo follow-up of Halmstad kommun for the current year, loaded idempotently after the goals seed.

T1 is assessed and closed, delår is assessed with a mixed picture (achieved, partly, not achieved,
an override), helår is open and not yet assessed. Indicators come from Kolada (a small fixture of
real-looking values for Halmstad, 1380, imported through the same code as ``importKolada``) and
from own measurements per period; actions are in every state, one of them overdue.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vsm_common.access import RowScope
from vsm_common.clock import today
from vsm_common.demo import demo_id
from vsm_common.runtime import Runtime

from . import queries
from .adapters.goal_projection import SqlGoals, SqlOrganizations
from .adapters.indicators import SqlIndicators
from .adapters.unit_of_work import SqlFollowupUnitOfWork, followup_unit
from .domain.model import (
    ActionState,
    AssessmentStatus,
    Direction,
    IndicatorSource,
    PeriodKind,
    ReportingPeriod,
)
from .service import actions as action_cases
from .service import assessments as assessment_cases
from .service import indicators as indicator_cases
from .service import periods as period_cases
from .settings import FollowupSettings, get_settings

log = logging.getLogger(__name__)
S = AssessmentStatus
KOLADA_FIXTURE = Path(__file__).parent / "demo" / "kolada_halmstad_1380.json"

GOAL_KEYS = ("O1", "O2", "O3", "H1", "H2", "K1", "K2", "K3", "V1", "V2", "V3", "V4")
ORG_KEYS = ("KF", "KS", "BUN", "SN", "KFN")


def goal(key: str) -> uuid.UUID:
    return demo_id("goal", key)


def org(key: str) -> uuid.UUID:
    return demo_id("org", key)


@dataclass(frozen=True)
class DemoIndicator:
    key: str
    name: str
    unit: str
    direction: Direction
    source: IndicatorSource
    kpi: str | None
    owner: str
    goals: tuple[str, ...]
    target: float | None
    # own measurements: period label prefix ("T1", "Delår") -> value
    measured: tuple[tuple[str, float], ...] = ()


INDICATORS = (
    DemoIndicator(
        "N01951", "Invånare totalt, antal", "antal", Direction.HIGHER_IS_BETTER, IndicatorSource.KOLADA,
        "N01951", "KS", ("O1",), 106_500,
    ),
    DemoIndicator(
        "N00901", "Skattesats till kommun, %", "%", Direction.LOWER_IS_BETTER, IndicatorSource.KOLADA,
        "N00901", "KS", (), 20.38,
    ),
    DemoIndicator(
        "N00090", "Sjukfrånvaro bland kommunalt anställda, %", "%", Direction.LOWER_IS_BETTER,
        IndicatorSource.KOLADA, "N00090", "KS", ("K2",), 6.0,
    ),
    DemoIndicator(
        "LSR3", "Elever i åk 3 som klarar läsa, skriva, räkna, andel (%)", "%", Direction.HIGHER_IS_BETTER,
        IndicatorSource.OWN, None, "BUN", ("V1",), 95.0, (("T1", 95.5), ("Delår", 96.2)),
    ),
    DemoIndicator(
        "MA9", "Elever i åk 9 med lägst betyget E i matematik, andel (%)", "%", Direction.HIGHER_IS_BETTER,
        IndicatorSource.OWN, None, "BUN", ("V2", "K1"), 88.0, (("Delår", 84.1),),
    ),
    DemoIndicator(
        "TRYGG", "Brukare i hemtjänsten som känner sig trygga, andel (%)", "%", Direction.HIGHER_IS_BETTER,
        IndicatorSource.OWN, None, "SN", ("V3", "K2"), 90.0, (("T1", 70.0), ("Delår", 71.0)),
    ),
    DemoIndicator(
        "HELG", "Helger med öppna fritidsgårdar, andel (%)", "%", Direction.HIGHER_IS_BETTER,
        IndicatorSource.OWN, None, "KFN", ("V4",), 100.0, (("T1", 62.0), ("Delår", 100.0)),
    ),
)  # fmt: skip

# (goal, status, analysis) per period
T1_ASSESSMENTS = (
    ("V1", S.ACHIEVED, None),
    (
        "V2",
        S.NOT_ASSESSED,
        "Betygen för vårterminen sätts i juni; måluppfyllelsen bedöms i delårsrapporten.",
    ),
    (
        "V3",
        S.NOT_ACHIEVED,
        "Brukarundersökningen visar 70 % trygga brukare mot målet 90 %. Många olika medarbetare per brukare "
        "och hög sjukfrånvaro i arbetslagen är de främsta orsakerna.",
    ),
    (
        "V4",
        S.NOT_ACHIEVED,
        "Fritidsgårdarna hade öppet 62 % av helgerna. Vakanser i helgbemanningen gjorde att gårdar fick stänga.",
    ),
)
DELAR_ASSESSMENTS = (
    ("V1", S.ACHIEVED, None),
    (
        "V2",
        S.PARTLY_ACHIEVED,
        "84 % av eleverna i åk 9 nådde lägst E i matematik mot målet 88 %. Resultaten förbättras men "
        "spridningen mellan skolorna är stor; studiehandledningen byggs ut under hösten.",
    ),
    (
        "V3",
        S.NOT_ACHIEVED,
        "Andelen trygga brukare är i stort sett oförändrad (71 %). Fast omsorgskontakt införs successivt men "
        "har ännu inte nått alla brukare.",
    ),
    (
        "V4",
        S.ACHIEVED,
        "Med samordnad helgbemanning har alla fritidsgårdar haft öppet varje helg sedan maj.",
    ),
    (
        "K2",
        S.PARTLY_ACHIEVED,
        "Socialnämnden bedömer målet som delvis uppfyllt trots verksamhetsmålets utfall: sjukfrånvaron har "
        "minskat till 6,6 % och kontinuiteten har förbättrats i de arbetslag som infört fast omsorgskontakt.",
    ),
)

# (key, goal, title, owner, due (month, day), state)
ACTIONS = (
    ("A1", "V3", "Införa fast omsorgskontakt för varje brukare i hemtjänsten", "SN", (10, 31), ActionState.IN_PROGRESS),
    ("A2", "V2", "Utöka studiehandledningen i matematik i årskurs 7–9", "BUN", (12, 18), ActionState.NOT_STARTED),
    ("A3", "V4", "Samordna helgbemanningen mellan fritidsgårdarna", "KFN", (6, 30), ActionState.DONE),
    ("A4", "K2", "Följa upp sjukfrånvaron i hemtjänstens arbetslag varje månad", "SN", (9, 30), ActionState.DELAYED),
)


def _uow(rt: Runtime) -> SqlFollowupUnitOfWork:
    return followup_unit(rt.unit_of_work())


async def _wait_for_projection(rt: Runtime, settings: FollowupSettings) -> None:
    """Goals reach followup through Kafka after the goals seed: wait, bounded, for those the demo uses."""
    goal_ids = [goal(k) for k in GOAL_KEYS]
    org_ids = [org(k) for k in ORG_KEYS]
    deadline = time.monotonic() + settings.seed_wait_seconds
    while True:
        async with rt.pool.acquire() as conn:
            goals = await SqlGoals(conn).count_known(goal_ids)
            orgs = await SqlOrganizations(conn).count_known(org_ids)
        if goals == len(goal_ids) and orgs == len(org_ids):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"followup demo data: after {settings.seed_wait_seconds:.0f} s followup knows {goals} of "
                f"{len(goal_ids)} demo goals and {orgs} of {len(org_ids)} organisations; is the goals seed loaded "
                "and the followup service consuming goal events?"
            )
        await asyncio.sleep(0.5)


async def _indicators(rt: Runtime, year: int, periods: dict[str, ReportingPeriod]) -> int:
    """Define what is missing; never overwrite a target or value someone may have changed since."""
    ids = [demo_id("indicator", i.key) for i in INDICATORS]
    async with rt.pool.acquire() as conn:
        existing = await queries.indicators_by_ids(conn, ids)
        targets = await queries.targets_of(conn, ids)
        measured = await SqlIndicators(conn).measurements_of(ids, min_year=year, max_year=year)
    created = 0
    for spec in INDICATORS:
        ind_id = demo_id("indicator", spec.key)
        if ind_id not in existing:
            await indicator_cases.define_indicator(
                _uow(rt),
                indicator_cases.NewIndicator(
                    name=spec.name,
                    unit=spec.unit,
                    direction=spec.direction,
                    source=spec.source,
                    kolada_kpi_id=spec.kpi,
                    owner_id=org(spec.owner),
                ),
                indicator_id=ind_id,
            )
            created += 1
        for g in spec.goals:
            await indicator_cases.link_indicator(_uow(rt), ind_id, goal(g))
        if spec.target is not None and not any(t.year == year for t in targets.get(ind_id, [])):
            await indicator_cases.set_target(_uow(rt), ind_id, year, spec.target)
        done = {m.period_id for m in measured.get(ind_id, [])}
        for prefix, value in spec.measured:
            if periods[prefix].id not in done:
                await indicator_cases.record_measurement(
                    _uow(rt), ind_id, year=year, period_id=periods[prefix].id, value=value
                )
    return created


async def _kolada(rt: Runtime) -> int:
    """Import the Kolada fixture once, through the same code as importKolada."""
    ids = [demo_id("indicator", i.key) for i in INDICATORS if i.source is IndicatorSource.KOLADA]
    async with rt.pool.acquire() as conn:
        if await queries.measurements_of(conn, ids):
            return 0
    return (await indicator_cases.import_kolada(_uow(rt), KOLADA_FIXTURE.read_bytes())).imported


async def _assess(
    rt: Runtime,
    settings: FollowupSettings,
    period: ReportingPeriod,
    assessments: tuple[tuple[str, AssessmentStatus, str | None], ...],
) -> int:
    if period.closed:
        return 0
    async with rt.pool.acquire() as conn:
        done = await queries.assessments_by_keys(conn, [(goal(k), period.id) for k, _, _ in assessments])
    made = 0
    # Leaves first, so an override above them is assessed against the roll-up it overrides.
    for key, status, analysis in assessments:
        if (goal(key), period.id) not in done:
            await assessment_cases.assess_goal(
                _uow(rt), settings, goal(key), period.id, status, analysis, scope=RowScope.all()
            )
            made += 1
    return made


async def _actions(rt: Runtime, year: int) -> int:
    async with rt.pool.acquire() as conn:
        existing = await queries.actions_by_ids(conn, [demo_id("action", a[0]) for a in ACTIONS])
    made = 0
    for key, g, title, owner, (month, day), state in ACTIONS:
        action_id = demo_id("action", key)
        if action_id in existing:
            continue
        await action_cases.add_action(
            _uow(rt), goal(g), title, org(owner), date(year, month, day), action_id=action_id, scope=RowScope.all()
        )
        if state is ActionState.DONE:
            await action_cases.set_action_state(_uow(rt), action_id, ActionState.IN_PROGRESS, scope=RowScope.all())
        if state is not ActionState.NOT_STARTED:
            await action_cases.set_action_state(_uow(rt), action_id, state, scope=RowScope.all())
        made += 1
    return made


async def seed(rt: Runtime) -> None:
    settings = get_settings()
    await _wait_for_projection(rt, settings)
    year = today().year
    defined = await period_cases.define_periods(
        _uow(rt), year, [PeriodKind.TERTIAL, PeriodKind.INTERIM, PeriodKind.ANNUAL]
    )
    periods = {p.label.split(" ")[0]: p for p in defined}  # "T1", "Delår", "Helår"
    created = await _indicators(rt, year, periods)
    imported = await _kolada(rt)
    assessed = await _assess(rt, settings, periods["T1"], T1_ASSESSMENTS)
    if not periods["T1"].closed:
        await period_cases.close_period(_uow(rt), periods["T1"].id)
    assessed += await _assess(rt, settings, periods["Delår"], DELAR_ASSESSMENTS)
    actions = await _actions(rt, year)
    log.info(
        "followup demo data: %d period(s) of %d, %d indicator(s) created, %d Kolada value(s), "
        "%d assessment(s), %d action(s)",
        len(defined),
        year,
        created,
        imported,
        assessed,
        actions,
    )
