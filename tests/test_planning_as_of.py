"""Plans and the sammanställning as of a date (issue 13): a verksamhetsmål moved from one konkretiserat
mål to another by a dated decision in the goals service serves the first before the date and the second
from it, in OperationalPlan.servedGoals, OperationalPlan.goals and Query.compilation alike; without a date,
as the structure stands today (the move, decided for a later year, has not happened yet)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support import client, eventually
from tests.test_planning_plans import submitted_plan
from tests.test_planning_support import SAGA_TIMEOUT_S, Api, Scenario, decision, goal_establishment
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

PLAN_AS_OF = """query($p: ID!, $d: Date) { operationalPlan(id: $p) {
    goals(asOf: $d) { id } servedGoals(asOf: $d) { id } } }"""
COMPILATION_AS_OF = """query($c: ID!, $d: Date) { compilation(cycleId: $c, asOf: $d) {
    asOf uncoveredGoals { id } uncovered { goal { id } organizations { id } } } }"""
LINK = """mutation($c: ID!, $p: ID!, $x: DecisionInput, $f: Date) {
    {op}(childId: $c, parentId: $p, decision: $x, effectiveFrom: $f) { id } }"""


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with client(stack, "planner") as http:
        yield Api(http, stack)


async def plan_on(api: Api, plan_id: str, on: str | None) -> tuple[list[str], list[str]]:
    found = (await api.data(PLAN_AS_OF, p=plan_id, d=on))["operationalPlan"]
    return [g["id"] for g in found["goals"]], [g["id"] for g in found["servedGoals"]]


async def uncovered_on(api: Api, cycle_id: str, on: str | None) -> dict[str, list[str]]:
    found = (await api.data(COMPILATION_AS_OF, c=cycle_id, d=on))["compilation"]
    assert found["asOf"] == on
    assert [g["id"] for g in found["uncoveredGoals"]] == [u["goal"]["id"] for u in found["uncovered"]]
    return {u["goal"]["id"]: [o["id"] for o in u["organizations"]] for u in found["uncovered"]}


async def test_plans_and_the_compilation_answer_with_the_links_in_force_on_the_date(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.planning_open()  # KF adopts K1 and K2 on {year-1}-06-17 (the saga)
    plan = await submitted_plan(api, s)  # N1's plan with V1, which serves K1
    adopted_on = f"{s.year - 1}-11-19"
    plan = await api.plan_mutation(
        "adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=decision(s.n1, adopted_on, "§ 132")
    )
    assert (await goal_establishment(api, "operationalPlan", plan["id"]))["state"] == "ESTABLISHED"

    # N1 decides on {year}-03-10 that V1 serves K2 instead of K1 from {year}-04-01.
    moved = f"{s.year}-04-01"
    change = decision(s.n1, f"{s.year}-03-10", "§ 31", "N1 2027/4")
    await api.data(LINK.replace("{op}", "linkGoals"), c=s.v1, p=s.k2, x=change, f=moved)
    await api.data(LINK.replace("{op}", "unlinkGoals"), c=s.v1, p=s.k1, x=change, f=moved)

    before, after = f"{s.year}-03-31", moved

    async def projected() -> bool:
        return (await plan_on(api, plan["id"], after))[1] == [s.k2]

    await eventually(projected, timeout=SAGA_TIMEOUT_S, what="planning to project the dated link change")

    assert await plan_on(api, plan["id"], f"{s.year - 1}-11-18") == ([], [])  # V1 not yet adopted
    assert await plan_on(api, plan["id"], adopted_on) == ([s.v1], [s.k1])
    assert await plan_on(api, plan["id"], before) == ([s.v1], [s.k1])
    assert await plan_on(api, plan["id"], after) == ([s.v1], [s.k2])
    # Today (long before {year}-04-01) V1 still serves K1: the move is decided for later.
    assert await plan_on(api, plan["id"], None) == ([s.v1], [s.k1])

    # N2 has no plan, so it lacks both; N1 lacks whichever V1 does not serve on the day.
    assert await uncovered_on(api, s.cycle["id"], before) == {s.k2: [s.n1, s.n2]}
    assert await uncovered_on(api, s.cycle["id"], after) == {s.k1: [s.n1], s.k2: [s.n2]}
    assert await uncovered_on(api, s.cycle["id"], None) == {s.k2: [s.n1, s.n2]}
    # Before KF's decision the konkretiserade mål were not in force: nothing to cover.
    assert await uncovered_on(api, s.cycle["id"], f"{s.year - 1}-06-16") == {}


async def test_an_as_of_date_out_of_range_names_the_argument(api: Api) -> None:
    body: dict[str, Any] = await api.error(COMPILATION_AS_OF, c=str(uuid.uuid4()), d="1800-01-01")
    assert (body["extensions"]["code"], body["extensions"]["rule"]) == ("BAD_USER_INPUT", "date.range")
    assert body["extensions"]["field"] == "asOf"
