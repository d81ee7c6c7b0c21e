"""Periods and assessments through the gateway: rules, suggested status, closing freezes, published events."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jsonschema
import orjson
import pytest

from tests.support import client, data_of, eventually, gql
from vsm_common.demo import demo_id
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

SCHEMAS = Path(__file__).parents[1] / "services" / "followup" / "events"
YEAR = 2012  # a past year of its own: the demo's current periods stay the default elsewhere

PERIODS = """mutation($year: Int!, $kinds: [PeriodKind!]!) { definePeriods(year: $year, kinds: $kinds) {
    id year kind label startsOn endsOn closed } }"""
ASSESS = """mutation($g: ID!, $p: ID!, $s: AssessmentStatus!, $a: String) {
    assessGoal(goalId: $g, periodId: $p, status: $s, analysis: $a) { status basis explanation
    assessment { status suggestedStatus analysis assessedBy { id code } } } }"""


async def call(http: httpx.AsyncClient, stack: Stack, query: str, **variables: Any) -> Any:
    return await data_of(http, stack.config.gateway_url, query, variables)


async def refused(http: httpx.AsyncClient, stack: Stack, query: str, **variables: Any) -> dict[str, Any]:
    body = await gql(http, stack.config.gateway_url, query, variables)
    assert body.get("errors"), body
    error: dict[str, Any] = body["errors"][0]
    return error


async def test_periods_are_defined_per_year_once(stack: Stack) -> None:
    async with client(stack, "planner", timeout=20) as planner:
        usual = (await call(planner, stack, PERIODS, year=YEAR, kinds=["TERTIAL", "INTERIM", "ANNUAL"]))[
            "definePeriods"
        ]
        assert [(p["kind"], p["label"], p["startsOn"], p["endsOn"], p["closed"]) for p in usual] == [
            ("TERTIAL", f"T1 {YEAR}", f"{YEAR}-01-01", f"{YEAR}-04-30", False),
            ("INTERIM", f"Delår {YEAR}", f"{YEAR}-01-01", f"{YEAR}-08-31", False),
            ("ANNUAL", f"Helår {YEAR}", f"{YEAR}-01-01", f"{YEAR}-12-31", False),
        ]
        again = (await call(planner, stack, PERIODS, year=YEAR, kinds=["ANNUAL", "TERTIAL", "INTERIM"]))[
            "definePeriods"
        ]
        assert [p["id"] for p in again] == [p["id"] for p in usual]
        months = (await call(planner, stack, PERIODS, year=YEAR, kinds=["MONTH"]))["definePeriods"]
        assert [p["label"] for p in months][:3] == [f"Januari {YEAR}", f"Februari {YEAR}", f"Mars {YEAR}"]
        listed = (await call(planner, stack, "query($y: Int) { periods(year: $y) { label } }", y=YEAR))["periods"]
        assert len(listed) == 15 and listed[3]["label"] == f"T1 {YEAR}"
        error = await refused(planner, stack, PERIODS, year=YEAR, kinds=[])
        assert error["extensions"]["rule"] == "period.kinds_required"
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:
        defined = await conn.fetchval(
            "SELECT count(*) FROM followup.outbox WHERE type = 'vsm.followup.period.defined.v1' AND key = ANY($1)",
            [p["id"] for p in usual],
        )
    finally:
        await conn.close()
    assert defined == 3  # defining them again told no one


async def test_assessment_rules_suggestion_and_the_freeze_of_a_closed_period(stack: Stack) -> None:
    bun = str(demo_id("org", "BUN"))
    tag = uuid.uuid4().hex[:6]
    # The planning office makes the goal, periods and indicator; BUN, which owns the goal, assesses it.
    async with client(stack, "planner", timeout=20) as planner, client(stack, "committee", org="BUN") as committee:
        created = await call(
            planner,
            stack,
            "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }",
            i={"level": "OPERATIONAL", "title": f"Elevnärvaro {tag}", "organizationIds": [bun]},
        )
        goal = created["createGoal"]["id"]
        periods = {
            p["label"].split(" ")[0]: p["id"]
            for p in (await call(planner, stack, PERIODS, year=YEAR + 1, kinds=["TERTIAL", "INTERIM", "ANNUAL"]))[
                "definePeriods"
            ]
        }
        t1 = periods["T1"]

        # The goal reaches followup through Kafka; until then assessing it is refused by name.
        async def known() -> bool:
            body = await gql(
                committee, stack.config.gateway_url, ASSESS, {"g": goal, "p": t1, "s": "PARTLY_ACHIEVED", "a": None}
            )
            rule = body["errors"][0]["extensions"]["rule"]
            assert rule in ("goal.exists", "assessment.analysis_required"), body
            return rule == "assessment.analysis_required"

        await eventually(known, what="followup to learn the goal")
        for status in ("PARTLY_ACHIEVED", "NOT_ACHIEVED", "NOT_ASSESSED"):
            error = await refused(committee, stack, ASSESS, g=goal, p=t1, s=status, a="   ")
            assert (error["extensions"]["rule"], error["extensions"]["field"]) == (
                "assessment.analysis_required",
                "analysis",
            )
        error = await refused(committee, stack, ASSESS, g=str(uuid.uuid4()), p=t1, s="ACHIEVED")
        assert (error["extensions"]["code"], error["extensions"]["rule"]) == ("NOT_FOUND", "goal.exists")
        error = await refused(committee, stack, ASSESS, g=goal, p=str(uuid.uuid4()), s="ACHIEVED")
        assert error["extensions"]["rule"] == "period.exists"

        # An indicator at 75 of a target of 90 (83 %) suggests PARTLY_ACHIEVED; the person decides.
        ind = (
            await call(
                planner,
                stack,
                """mutation($i: IndicatorInput!) { defineIndicator(input: $i) { id } }""",
                i={"name": f"Närvaro {tag}", "unit": "%", "direction": "HIGHER_IS_BETTER", "source": "OWN"},
            )
        )["defineIndicator"]["id"]
        await call(
            planner,
            stack,
            "mutation($i: ID!, $g: ID!) { linkIndicator(indicatorId: $i, goalId: $g) { id } }",
            i=ind,
            g=goal,
        )
        await call(
            planner,
            stack,
            "mutation($i: ID!, $y: Int!) { setTarget(indicatorId: $i, year: $y, value: 90) { id } }",
            i=ind,
            y=YEAR + 1,
        )
        await call(
            planner,
            stack,
            "mutation($i: ID!, $m: MeasurementInput!) { recordMeasurement(indicatorId: $i, input: $m) { id } }",
            i=ind,
            m={"periodId": t1, "value": 75},
        )
        outlook = (
            await call(
                planner,
                stack,
                """query($g: ID!, $p: ID!) { goal(id: $g) { fulfilment(periodId: $p) { status suggestedStatus
                    indicators { target actual share status actualPeriod { label } indicator { name } } } } }""",
                g=goal,
                p=t1,
            )
        )["goal"]["fulfilment"]
        assert (outlook["status"], outlook["suggestedStatus"]) == ("NOT_ASSESSED", "PARTLY_ACHIEVED")
        [o] = outlook["indicators"]
        assert (o["target"], o["actual"], o["status"], o["actualPeriod"]["label"]) == (
            90.0,
            75.0,
            "PARTLY_ACHIEVED",
            f"T1 {YEAR + 1}",
        )
        assert o["share"] == pytest.approx(0.8333, abs=1e-4)

        first = (await call(committee, stack, ASSESS, g=goal, p=t1, s="NOT_ACHIEVED", a="Närvaron sjönk under våren."))[
            "assessGoal"
        ]
        assert (first["status"], first["basis"]) == ("NOT_ACHIEVED", "ASSESSED")
        assert first["assessment"] == {
            "status": "NOT_ACHIEVED",
            "suggestedStatus": "PARTLY_ACHIEVED",
            "analysis": "Närvaron sjönk under våren.",
            "assessedBy": {"id": bun, "code": "BUN"},
        }
        # While the period is open the assessment may change.
        second = (await call(committee, stack, ASSESS, g=goal, p=t1, s="ACHIEVED"))["assessGoal"]
        assert second["status"] == "ACHIEVED" and second["assessment"]["analysis"] is None

        closed = (await call(planner, stack, "mutation($id: ID!) { closePeriod(id: $id) { closed label } }", id=t1))[
            "closePeriod"
        ]
        assert closed == {"closed": True, "label": f"T1 {YEAR + 1}"}
        error = await refused(committee, stack, ASSESS, g=goal, p=t1, s="NOT_ACHIEVED", a="För sent.")
        assert (error["extensions"]["code"], error["extensions"]["rule"]) == ("CONFLICT", "period.closed")
        again = await call(planner, stack, "mutation($id: ID!) { closePeriod(id: $id) { closed } }", id=t1)
        assert again["closePeriod"]["closed"] is True
        history = (
            await call(
                planner,
                stack,
                "query($g: ID!) { goal(id: $g) { assessments { status analysis period { label closed } } } }",
                g=goal,
            )
        )["goal"]["assessments"]
        assert history == [
            {"status": "ACHIEVED", "analysis": None, "period": {"label": f"T1 {YEAR + 1}", "closed": True}}
        ]
        # Other periods stay open for assessment.
        delar = (await call(committee, stack, ASSESS, g=goal, p=periods["Delår"], s="ACHIEVED"))["assessGoal"]
        assert delar["status"] == "ACHIEVED"

    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:

        async def events() -> list[dict[str, Any]] | None:
            rows = await conn.fetch(
                "SELECT type, payload FROM followup.outbox WHERE key = ANY($1) ORDER BY seq", [goal, t1]
            )
            found = [orjson.loads(r["payload"]) for r in rows]
            return found if len(found) >= 4 else None

        found = await eventually(events, what="the assessment and closing events")
    finally:
        await conn.close()
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in found:
        by_type.setdefault(e["type"], []).append(e["data"])
    recorded = by_type["vsm.followup.assessment.recorded.v1"]
    assert [(r["status"], r["previousStatus"], r["suggestedStatus"]) for r in recorded] == [
        ("NOT_ACHIEVED", None, "PARTLY_ACHIEVED"),
        ("ACHIEVED", "NOT_ACHIEVED", "PARTLY_ACHIEVED"),
        ("ACHIEVED", None, None),
    ]
    assert all("analysis" not in r for r in recorded) and recorded[0]["hasAnalysis"] is True
    [closing] = by_type["vsm.followup.period.closed.v1"]
    assert (closing["periodId"], closing["label"], closing["frozenAssessments"]) == (t1, f"T1 {YEAR + 1}", 1)


async def test_every_followup_event_matches_its_published_schema(stack: Stack) -> None:
    schemas = {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in SCHEMAS.glob("*.schema.json")}
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:
        rows = await conn.fetch("SELECT type, key, payload FROM followup.outbox")
    finally:
        await conn.close()
    seen = set()
    for row in rows:
        envelope = orjson.loads(row["payload"])
        assert envelope["specversion"] == "1.0" and envelope["source"] == "/vsm/followup"
        assert envelope["subject"] == row["key"]
        assert row["type"] in schemas, f"{row['type']} has no published schema"
        jsonschema.validate(envelope["data"], schemas[row["type"]], format_checker=jsonschema.FormatChecker())
        seen.add(row["type"])
    # The demo data alone produces every type; the check means something only if they are there.
    assert seen == set(schemas)
