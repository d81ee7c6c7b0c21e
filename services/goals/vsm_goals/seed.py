"""Demo data of Halmstad kommun (see shared/domain.md), loaded idempotently on first start."""

from __future__ import annotations

import logging
from datetime import date

from vsm_common.demo import demo_id
from vsm_common.runtime import Runtime

from . import queries
from .adapters.unit_of_work import goals_unit
from .adapters.vision import SqlVision
from .domain.model import Decision, GoalLevel, GoalState, OrganizationKind, Vision, VisionTheme
from .service import goals as goal_cases
from .service import organizations as organization_cases

log = logging.getLogger(__name__)

ORGANIZATIONS: list[tuple[str, str, OrganizationKind, str | None]] = [
    ("KF", "Kommunfullmäktige", OrganizationKind.COUNCIL, None),
    ("KS", "Kommunstyrelsen", OrganizationKind.EXECUTIVE_BOARD, "KF"),
    ("SK", "Stadskontoret", OrganizationKind.ADMINISTRATION, "KS"),
    ("BUN", "Barn- och ungdomsnämnden", OrganizationKind.COMMITTEE, "KF"),
    ("SN", "Socialnämnden", OrganizationKind.COMMITTEE, "KF"),
    ("KFN", "Kultur- och fritidsnämnden", OrganizationKind.COMMITTEE, "KF"),
    ("TFN", "Teknik- och fritidsnämnden", OrganizationKind.COMMITTEE, "KF"),
    ("HEM", "Halmstads Energi och Miljö AB", OrganizationKind.COMPANY, "KF"),
    ("HFAB", "Halmstads Fastighets AB", OrganizationKind.COMPANY, "KF"),
    ("BUF", "Barn- och ungdomsförvaltningen", OrganizationKind.ADMINISTRATION, "BUN"),
    ("SOCF", "Socialförvaltningen", OrganizationKind.ADMINISTRATION, "SN"),
    ("BUF-CENTRUM", "Skolområde Centrum", OrganizationKind.UNIT, "BUF"),
    ("SOCF-HEMTJ", "Hemtjänst Norr", OrganizationKind.UNIT, "SOCF"),
]

THEMES = [
    ("Hemstaden", "Vi är en kommun där människor möts – med trygghet, respekt & kärlek"),
    ("Kunskapsstaden", "Vi bygger en stad där människor växer – genom utbildning, företagsamhet & nytänkande"),
    ("Upplevelsestaden", "Vi skapar en atmosfär som ger livslust – genom aktivitet, gemenskap & livskvalitet"),
]

VALUES = [
    "Demokratiska värden: alla halmstadsbor ska ha möjlighet till delaktighet och inflytande",
    "Alla människor har lika värde och vår gemenskaps kännetecken är ömsesidig respekt",
    "Alla medborgare ska ha samma möjligheter, rättigheter och skyldigheter",
    "Utvecklingen ska vara långsiktigt hållbar",
]

# (key, level, title, parent keys, organisation codes, theme names)
GOALS: list[tuple[str, GoalLevel, str, list[str], list[str], list[str]]] = [
    ("O1", GoalLevel.OVERARCHING, "Halmstad är en trygg kommun att bo och leva i", [], [], ["Hemstaden"]),
    ("O2", GoalLevel.OVERARCHING, "Alla barn och unga når sin fulla potential i lärandet", [], [], ["Kunskapsstaden"]),
    (
        "O3",
        GoalLevel.OVERARCHING,
        "Halmstad erbjuder ett rikt kultur- och fritidsliv för alla",
        [],
        [],
        ["Upplevelsestaden"],
    ),
    ("H1", GoalLevel.ACTION_PROGRAMME, "Handlingsprogram för trygghet och folkhälsa", ["O1"], [], []),
    ("H2", GoalLevel.ACTION_PROGRAMME, "Handlingsprogram för skola och utbildning", ["O2"], [], []),
    ("K1", GoalLevel.CONCRETE, "Andelen elever som är behöriga till gymnasiet ska öka", ["H2"], ["BUN"], []),
    ("K2", GoalLevel.CONCRETE, "Fler äldre ska uppleva trygghet i hemtjänsten", ["H1"], ["SN"], []),
    ("K3", GoalLevel.CONCRETE, "Kultur- och fritidsutbudet ska nå fler unga", ["O3"], ["KFN", "TFN"], []),
    ("V1", GoalLevel.OPERATIONAL, "Alla elever ska få läsa- skriva- räknagaranti i årskurs 1–3", ["K1"], ["BUN"], []),
    ("V2", GoalLevel.OPERATIONAL, "Fler elever ska nå kunskapskraven i matematik i årskurs 9", ["K1"], ["BUN"], []),
    ("V3", GoalLevel.OPERATIONAL, "Brukarnas upplevda trygghet i hemtjänsten ska vara minst 90 %", ["K2"], ["SN"], []),
    ("V4", GoalLevel.OPERATIONAL, "Fritidsgårdarna ska ha öppet alla helger", ["K3"], ["KFN"], []),
]


ADOPTED_BY_KF = ["O1", "O2", "O3", "H1", "H2"]
KF_DECISION_2023 = Decision(demo_id("org", "KF"), date(2023, 6, 15), "§ 87", "KS 2023/00211")


async def seed(rt: Runtime) -> None:
    created = 0
    async with rt.pool.acquire() as conn:
        existing_orgs = {o.code for o in await queries.list_organizations(conn, None)}
    for code, name, kind, parent in ORGANIZATIONS:
        if code not in existing_orgs:
            await organization_cases.register_organization(
                goals_unit(rt.unit_of_work()),
                code,
                name,
                kind,
                demo_id("org", parent) if parent else None,
                org_id=demo_id("org", code),
            )
            created += 1

    async with rt.unit_of_work() as uow:
        visions = SqlVision(uow.conn)
        if await visions.current() is None:
            await visions.add(
                Vision(
                    id=demo_id("vision", "Halmstad 2020"),
                    title="Halmstad 2020",
                    horizon_year=2020,
                    themes=tuple(VisionTheme(demo_id("theme", n), n, s) for n, s in THEMES),
                    values=tuple(VALUES),
                    adopted=Decision(demo_id("org", "KF"), date(2006, 3, 23), "§ 31", "KS 2005/0412"),
                ),
            )
            created += 1

    async with rt.pool.acquire() as conn:
        existing_goals = await queries.goals_by_ids(conn, [demo_id("goal", g[0]) for g in GOALS])
    for key, level, title, parents, orgs, themes in GOALS:
        if demo_id("goal", key) in existing_goals:
            continue
        valid = (date(2027, 1, 1), date(2029, 12, 31)) if level is GoalLevel.CONCRETE else (None, None)
        await goal_cases.create_goal(
            goals_unit(rt.unit_of_work()),
            goal_cases.NewGoal(
                level=level,
                title=title,
                parent_ids=[demo_id("goal", p) for p in parents],
                organization_ids=[demo_id("org", o) for o in orgs],
                theme_ids=[demo_id("theme", t) for t in themes],
                valid_from=valid[0],
                valid_to=valid[1],
            ),
            goal_id=demo_id("goal", key),
        )
        created += 1
    # KF adopted the övergripande mål and handlingsprogram; the konkretiserade mål are adopted through
    # the planning directive and the verksamhetsmål through the nämnders plans (planning's seed).
    async with rt.pool.acquire() as conn:
        current = await queries.goals_by_ids(conn, [demo_id("goal", k) for k in ADOPTED_BY_KF])
    for key in ADOPTED_BY_KF:
        goal = current[demo_id("goal", key)]
        if goal.state is GoalState.DRAFT:
            await goal_cases.adopt_goal(goals_unit(rt.unit_of_work()), goal.id, KF_DECISION_2023)
            created += 1
    log.info("goals demo data: %d item(s) created", created)
