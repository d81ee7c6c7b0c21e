"""The verksamhetsplan view (V3, design docs/design/web-app.md sections 6.4 and 10) in a real browser.

A fresh Scenario (its own budget year, two fresh nämnder) in OPERATIONAL_PLANNING gives N1 a draft plan
with V1 and no internbudget; the spec, signed in as N1's committee, types it, is refused by the API and
submits. BUN's adopted 2027 plan of the demo data is only read, by a reader; what the spec expects of it
is the API's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import client
from tests.test_planning_support import Api, Scenario
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

DEMO_YEAR = 2027
DEMO_PLAN = """query($c: ID!) { organization(code: "BUN") { code name
    operationalPlan(cycleId: $c) { state years adopted { paragraph } internalBudget { activity }
      frames { year amount } balanced } } }"""


async def _demo(api: Api) -> dict[str, Any]:
    cycles = (await api.data("{ cycles(kind: ANNUAL) { id startYear } }"))["cycles"]
    [cycle_id] = [c["id"] for c in cycles if c["startYear"] == DEMO_YEAR]
    org = (await api.data(DEMO_PLAN, c=cycle_id))["organization"]
    plan = org["operationalPlan"]
    # The spec asserts "Antagen", the decision and "I balans" every year: the demo must say so.
    assert (plan["state"], plan["balanced"], plan["years"]) == ("ADOPTED", True, [2027, 2028, 2029]), plan
    activities = list(dict.fromkeys(line["activity"] for line in plan["internalBudget"]))
    assert activities, plan
    frames = {f["year"]: f["amount"] for f in plan["frames"]}
    return {
        "code": org["code"],
        "name": org["name"],
        "year": DEMO_YEAR,
        "paragraph": plan["adopted"]["paragraph"],
        "activities": activities,
        "frames": [frames[y] for y in plan["years"]],
    }


async def test_the_plan_view_in_a_browser(stack: Stack, run_spec: Callable[[str, dict[str, Any]], None]) -> None:
    async with client(stack, "planner") as http:
        api = Api(http, stack)
        s = await Scenario(api).setup()
        await s.planning_open()
        plan = await api.create_plan(s.cycle["id"], s.n1)
        await api.plan_mutation("addPlanGoals", "planId: $planId, goalIds: $goalIds", planId=plan["id"], goalIds=[s.v1])
        # The spec starts from an empty internbudget against N1's frames of the Scenario.
        assert (plan["state"], plan["internalBudget"]) == ("DRAFT", [])
        assert [f["amount"] for f in plan["frames"]] == ["100000000.00", "102000000.00", "104000000.00"]
        demo = await _demo(api)

    run_spec(
        "plan",
        {
            "committee": {"code": f"N1{s.tag}", "name": f"Testnämnd ett {s.tag}"},
            "year": s.year,
            "years": s.years,
            "frames": [f["amount"] for f in plan["frames"]],
            "goal": f"Verksamhetsmål 1 {s.tag}",
            "concreteGoal": f"Konkret mål 1 {s.tag}",
            "demo": demo,
        },
    )

    # What the browser did is in the API: N1's plan is submitted with the balanced internbudget typed.
    async with client(stack, "reader") as http:
        found = await Api(http, stack).data(
            "query($id: ID!) { operationalPlan(id: $id) { state balanced internalBudget { activity year amount } } }",
            id=plan["id"],
        )
    submitted = found["operationalPlan"]
    assert (submitted["state"], submitted["balanced"]) == ("SUBMITTED", True)
    assert sorted((line["activity"], line["year"], line["amount"]) for line in submitted["internalBudget"]) == sorted(
        [
            ("Förskola", s.year, "30000000.00"),
            ("Förskola", s.year + 1, "31000000.00"),
            ("Förskola", s.year + 2, "31500000.00"),
            ("Grundskola", s.year, "70000000.00"),
            ("Grundskola", s.year + 1, "71000000.00"),
            ("Grundskola", s.year + 2, "72500000.00"),
        ]
    )
