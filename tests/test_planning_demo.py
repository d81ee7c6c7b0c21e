"""The planning demo data (python -m vsm_planning seed): what a fresh installation shows, loaded once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson
import pytest

from tests.support import client
from tests.test_planning_support import Api, goal_establishment, schema_errors
from vsm_common.demo import demo_id
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

NAMNDER = ["BUN", "SN", "KFN", "TFN"]
BOLAG = ["HEM", "HFAB"]


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with client(stack, "reader") as http:  # the demo data is only read
        yield Api(http, stack)


async def test_the_current_annual_cycle_is_in_operational_planning_with_its_tax_rate(api: Api) -> None:
    data = await api.data(
        """{ currentCycle(kind: ANNUAL) { id title startYear taxRate
               phases { kind state completedOn responsible { code } } currentPhase { kind }
               analysis { kind } }
             mandate: cycles(kind: MANDATE_PERIOD) { title currentPhase { kind } analysis { kind text } } }"""
    )
    cycle = data["currentCycle"]
    assert cycle["id"] == str(demo_id("cycle", "ANNUAL-2027"))
    assert (cycle["title"], cycle["startYear"], cycle["taxRate"]) == ("Budgetår 2027", 2027, "20.38")
    assert cycle["currentPhase"] == {"kind": "OPERATIONAL_PLANNING"}
    assert [(p["kind"], p["state"], p["completedOn"]) for p in cycle["phases"][:3]] == [
        ("CONDITIONS_ANALYSIS", "DONE", "2026-03-31"),
        ("DIRECTIVE", "DONE", "2026-06-17"),
        ("TAX_RATE", "DONE", "2026-11-16"),
    ]
    assert [s["kind"] for s in cycle["analysis"]] == ["EXTERNAL_ANALYSIS", "INTERNAL_ANALYSIS", "BASE_FACTS"]
    [mandate] = [m for m in data["mandate"] if m["title"] == "Mandatperiod 2027–2030"]
    assert mandate["currentPhase"] == {"kind": "STRATEGIC_ANALYSIS"}
    assert [s["kind"] for s in mandate["analysis"]] == ["EXTERNAL_ANALYSIS", "INTERNAL_ANALYSIS", "BASE_FACTS"]
    assert all(s["text"] for s in mandate["analysis"])


async def test_adopted_directives_give_frames_to_every_demo_namnd_and_bolag(api: Api) -> None:
    data = await api.data(
        """{ directives(budgetYear: 2027, state: ADOPTED) { kind revision taxRate title
              adopted { date paragraph body { code } } supersedes { revision state adopted { date } }
              recipients { code } budgetFrames { year amount organization { code } }
              concreteGoals { id } assignments { title recipients { code } } } }"""
    )
    by_kind = {d["kind"]: d for d in data["directives"]}
    planning, owner = by_kind["PLANNING_DIRECTIVE"], by_kind["OWNER_DIRECTIVE"]
    # The tax rate was decided in November: revision 2, superseding the June directive.
    assert (planning["revision"], planning["taxRate"]) == (2, "20.38")
    assert planning["adopted"] == {"date": "2026-11-16", "paragraph": "§ 160", "body": {"code": "KF"}}
    assert planning["supersedes"] == {"revision": 1, "state": "SUPERSEDED", "adopted": {"date": "2026-06-17"}}
    assert [r["code"] for r in planning["recipients"]] == NAMNDER
    assert [r["code"] for r in owner["recipients"]] == BOLAG and owner["taxRate"] is None
    for d, codes in ((planning, NAMNDER), (owner, BOLAG)):
        assert {(f["organization"]["code"], f["year"]) for f in d["budgetFrames"]} == {
            (c, y) for c in codes for y in (2027, 2028, 2029)
        }
        assert all(f["amount"].endswith(".00") for f in d["budgetFrames"])
    assert [g["id"] for g in planning["concreteGoals"]] == [str(demo_id("goal", k)) for k in ("K1", "K2", "K3")]
    assert [(a["title"], [r["code"] for r in a["recipients"]]) for a in planning["assignments"]] == [
        ("Utred gemensam lokalförsörjning för skola och fritid", ["BUN", "TFN"]),
        ("Handlingsplan för minskad sjukfrånvaro", ["SN"]),
    ]
    assert [a["title"] for a in owner["assignments"]] == ["Plan för utbyggd fjärrvärme i Kattegattsområdet"]
    data = await api.data(
        '{ organization(code: "BUN") { budgetFrames(year: 2027) { amount } operationalPlan { state } } }'
    )
    assert data["organization"] == {
        "budgetFrames": [{"amount": "2950000000.00"}],
        "operationalPlan": {"state": "ADOPTED"},
    }


async def test_verksamhetsplaner_in_different_states_and_the_compilation(api: Api) -> None:
    cycle_id = str(demo_id("cycle", "ANNUAL-2027"))
    data = await api.data(
        """query($c: ID!) {
             operationalPlans(cycleId: $c) { state balanced returnReason organization { code } goals { id }
                adopted { paragraph body { code } } }
             compilation(cycleId: $c) { missingPlans { code } uncovered { goal { id } organizations { code } } } }""",
        c=cycle_id,
    )
    plans = {p["organization"]["code"]: p for p in data["operationalPlans"]}
    assert {c: p["state"] for c, p in plans.items()} == {
        "BUN": "ADOPTED",
        "SN": "RETURNED",
        "KFN": "SUBMITTED",
        "HEM": "DRAFT",
    }
    assert plans["BUN"]["adopted"] == {"paragraph": "§ 132", "body": {"code": "BUN"}}
    assert [g["id"] for g in plans["BUN"]["goals"]] == [str(demo_id("goal", "V1")), str(demo_id("goal", "V2"))]
    assert plans["SN"]["returnReason"] and plans["SN"]["balanced"] is True
    assert plans["KFN"]["balanced"] is True and plans["HEM"]["balanced"] is False
    assert data["compilation"]["missingPlans"] == [{"code": "TFN"}, {"code": "HFAB"}]
    assert data["compilation"]["uncovered"] == [
        {"goal": {"id": str(demo_id("goal", "K3"))}, "organizations": [{"code": "TFN"}]}
    ]


async def test_demo_goals_were_adopted_through_the_sagas(api: Api) -> None:
    # The sagas have converged once the goals service has answered each adoption; on a busy machine that
    # can take long, so poll for it (generously) instead of expecting it by a fixed time.
    june = str(demo_id("directive", "PLANNING_DIRECTIVE-2027"))
    for kind, subject in (("directive", june), ("operationalPlan", str(demo_id("plan", "BUN-2027")))):
        answer = await goal_establishment(api, kind, subject)
        assert (answer["state"], answer["refusals"]) == ("ESTABLISHED", []), (kind, answer)
    data = await api.data(
        "query($d: ID!) { directive(id: $d) { supersededBy { revision goalEstablishment { state } } } }", d=june
    )
    # KF's November revision (the tax rate) holds the same konkretiserade mål: in force already.
    assert data["directive"]["supersededBy"] == {"revision": 2, "goalEstablishment": {"state": "ESTABLISHED"}}

    query = """query($g: ID!) { goal(id: $g) { state adopted { date paragraph body { code } }
        establishedBy { id revision } plans { state organization { code } } } }"""

    async def goal(key: str) -> dict[str, Any]:
        found: dict[str, Any] = (await api.data(query, g=str(demo_id("goal", key))))["goal"]
        return found

    # KF's June directive established the konkretiserade mål (adopted in the transaction of its answer, so
    # no further waiting); the November revision could be adopted only after that answer, so it never wins.
    for key in ("K1", "K2", "K3"):
        k = await goal(key)
        assert k["state"] == "ADOPTED", key
        assert k["establishedBy"] == {"id": june, "revision": 1}, key
        assert k["adopted"] == {"date": "2026-06-17", "paragraph": "§ 95", "body": {"code": "KF"}}, key
    # BUN's plan established its verksamhetsmål with BUN's decision.
    for key in ("V1", "V2"):
        v = await goal(key)
        assert v["state"] == "ADOPTED", key
        assert v["adopted"] == {"date": "2026-11-19", "paragraph": "§ 132", "body": {"code": "BUN"}}, key
        assert v["plans"] == [{"state": "ADOPTED", "organization": {"code": "BUN"}}], key
        assert v["establishedBy"] is None, key
    # SN's plan was returned, so its verksamhetsmål is still a draft and nothing was asked of the goals service.
    v3 = await goal("V3")
    assert v3["state"] == "DRAFT" and v3["plans"] == [{"state": "RETURNED", "organization": {"code": "SN"}}]
    data = await api.data(
        "query($p: ID!) { operationalPlan(id: $p) { goalEstablishment { state } } }",
        p=str(demo_id("plan", "SN-2027")),
    )
    assert data["operationalPlan"]["goalEstablishment"] is None


async def test_a_second_seed_run_creates_nothing(stack: Stack) -> None:
    assert stack.database_url
    tables = [
        "outbox",
        "planning_cycles",
        "cycle_phases",
        "analysis_sections",
        "directives",
        "budget_frames",
        "assignments",
        "directive_goals",
        "operational_plans",
        "plan_goals",
        "budget_lines",
    ]
    conn = await asyncpg.connect(stack.database_url)
    try:

        async def counts() -> dict[str, int]:
            return {t: await conn.fetchval(f"SELECT count(*) FROM planning.{t}") for t in tables}

        async def fingerprint() -> list[tuple[str, str]]:
            rows = await conn.fetch("SELECT id::text, state FROM planning.operational_plans ORDER BY id")
            rows += await conn.fetch("SELECT id::text, state FROM planning.directives ORDER BY id")
            return [(r[0], r[1]) for r in rows]

        before, states = await counts(), await fingerprint()
        stack.run_command("planning", "seed")
        assert await counts() == before
        assert await fingerprint() == states
    finally:
        await conn.close()


async def test_every_planning_event_matches_its_published_schema(stack: Stack) -> None:
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:
        rows = await conn.fetch("SELECT type, payload FROM planning.outbox")
    finally:
        await conn.close()
    seen = set()
    for row in rows:
        envelope = orjson.loads(row["payload"])
        assert (envelope["specversion"], envelope["source"]) == ("1.0", "/vsm/planning")
        assert schema_errors(envelope["data"], row["type"]) == [], row["type"]
        seen.add(row["type"])
    # The demo data alone emits most types; the check means something only if they are there.
    assert {
        "vsm.planning.cycle.opened.v1",
        "vsm.planning.cycle.phase_advanced.v1",
        "vsm.planning.cycle.analysis_written.v1",
        "vsm.planning.directive.drafted.v1",
        "vsm.planning.directive.budget_frames_set.v1",
        "vsm.planning.directive.tax_rate_set.v1",
        "vsm.planning.directive.concrete_goals_added.v1",
        "vsm.planning.directive.assignment_added.v1",
        "vsm.planning.directive.adopted.v1",
        "vsm.planning.directive.superseded.v1",
        "vsm.planning.plan.created.v1",
        "vsm.planning.plan.goals_added.v1",
        "vsm.planning.plan.internal_budget_set.v1",
        "vsm.planning.plan.submitted.v1",
        "vsm.planning.plan.returned.v1",
        "vsm.planning.plan.adopted.v1",
    } <= seen
