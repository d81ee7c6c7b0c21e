"""The planning sagas' answers end to end: adopting a directive or a plan asks the goals service to establish
its goals, and planning shows the answer as ``goalEstablishment`` (ESTABLISHED, or REFUSED with each goal and
rule), all or nothing, with nothing dead-lettered.

Planning refuses an adoption itself when its projection of the goals says a goal could not be adopted, so
the goals service refuses only what planning could not yet know: a goal that changed there after planning's
projection last heard of it. The REFUSED tests make that gap deterministic: a goal served is retired in the
goals service, and once planning has learned it, planning's projection is set back to what it said a moment
before (ADOPTED), as if KF's adoption had raced the retirement. The goals service then refuses by its own rules.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from tests.support import client
from tests.test_planning_saga import GOAL, GOALS_TOPIC, PLANNING_TOPIC, dead_letters
from tests.test_planning_support import (
    SAGA_TIMEOUT_S,
    Api,
    Scenario,
    decision,
    goal_establishment,
    goal_state_projected,
    projected,
)
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

RETIRE = "mutation($id: ID!, $d: DecisionInput!) { retireGoal(id: $id, decision: $d) { state } }"


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with client(stack, "planner") as http:
        yield Api(http, stack)


async def state_in_goals(api: Api, goal_id: str) -> str:
    state: str = (await api.data(GOAL, g=goal_id))["goal"]["state"]
    return state


async def served_goal_retired_behind_plannings_back(
    api: Api, s: Scenario, level: str, orgs: list[str], parents: list[str], valid: tuple[str, str] | None = None
) -> str:
    """A goal of ``level`` adopted and then retired in the goals service, which planning's projection still
    believes ADOPTED (see the module docstring)."""
    served = await api.goal(level, f"Mål som avvecklas {s.tag}", orgs, parents, valid)
    await api.adopt_goal(served, decision(s.kf, f"{s.year - 3}-06-15", "§ 11"))
    await api.data(RETIRE, id=served, d=decision(s.kf, f"{s.year - 2}-06-15", "§ 12"))
    await goal_state_projected(api.stack, served, "RETIRED", timeout=SAGA_TIMEOUT_S)
    assert api.stack.database_url
    conn = await asyncpg.connect(api.stack.database_url)
    try:
        await conn.execute("UPDATE planning.projected_goals SET state = 'ADOPTED' WHERE id = $1", uuid.UUID(served))
    finally:
        await conn.close()
    return served


async def no_dead_letters(api: Api, *keys: str) -> None:
    """Nothing of these adoptions was dead-lettered: neither planning's adoption event (consumed by the goals
    service, which answered) nor the answer (consumed by planning, which shows it)."""
    for key in keys:
        assert await dead_letters(api.stack, PLANNING_TOPIC, key) == 0
        assert await dead_letters(api.stack, GOALS_TOPIC, key) == 0


async def test_a_directive_whose_goals_are_adoptable_establishes_them_with_its_decision(api: Api) -> None:
    s = await Scenario(api).setup()
    directive = await s.adopted_directive()
    assert s.establishment["state"] == "ESTABLISHED"
    assert s.establishment["refusals"] == [] and s.establishment["answeredAt"]
    for goal_id in (s.k1, s.k2):
        # Adopted in the same transaction as the answer: no waiting needed once it is ESTABLISHED.
        g = (await api.data(GOAL, g=goal_id))["goal"]
        assert g["state"] == "ADOPTED"
        assert g["adopted"] == {
            "date": f"{s.year - 1}-06-17",
            "paragraph": "§ 95",
            "diaryNumber": "KS 2026/00123",
            "body": {"id": s.kf, "code": "KF"},
        }
        assert g["establishedBy"] == {"id": directive["id"], "revision": 1, "state": "ADOPTED"}
    # A draft revision has asked nothing of the goals service yet.
    revision = await api.set_frames(directive["id"], [(s.n1, s.year, "100500000.00")])
    data = await api.data("query($d: ID!) { directive(id: $d) { goalEstablishment { state } } }", d=revision["id"])
    assert data["directive"]["goalEstablishment"] is None
    # KF's revision holds K1 and K2 again: they are in force already, nothing is adopted again.
    adopted = await api.adopt(revision["id"], decision(s.kf, f"{s.year - 1}-11-16", "§ 160"))
    assert (await goal_establishment(api, "directive", adopted["id"]))["state"] == "ESTABLISHED"
    g1 = (await api.data(GOAL, g=s.k1))["goal"]
    assert g1["adopted"]["paragraph"] == "§ 95" and g1["establishedBy"]["id"] == directive["id"]
    await no_dead_letters(api, directive["id"], adopted["id"])


async def test_a_directive_with_a_goal_the_goals_service_refuses_establishes_none_of_them(api: Api) -> None:
    s = await Scenario(api).setup()
    top = await served_goal_retired_behind_plannings_back(api, s, "OVERARCHING", [], [])
    valid = (f"{s.year}-01-01", f"{s.year + 2}-12-31")
    k3 = await api.goal("CONCRETE", f"Konkret mål 3 {s.tag}", [s.n1], [top], valid)
    await projected(api.stack, goal_ids=[k3])

    directive = await s.adopted_directive(goals=[s.k1, k3])
    assert directive["state"] == "ADOPTED"  # planning's view allowed it; the goals service answers
    answer = s.establishment
    assert answer["state"] == "REFUSED" and answer["answeredAt"]
    [refusal] = answer["refusals"]
    assert (refusal["goalId"], refusal["goal"], refusal["rule"]) == (k3, {"id": k3}, "goal.parent_in_force")
    assert "RETIRED" in refusal["message"]
    # All or nothing: K1 could have been adopted, but the directive is one decision.
    assert await state_in_goals(api, k3) == "DRAFT"
    assert await state_in_goals(api, s.k1) == "DRAFT"
    # Nobody claims the directive established them.
    assert (await api.data(GOAL, g=s.k1))["goal"]["establishedBy"] is None
    await no_dead_letters(api, directive["id"])


async def test_a_plan_establishes_its_verksamhetsmal_or_refuses_them_all(api: Api) -> None:
    s = await Scenario(api).setup()
    # K3 is directed to N1 and served by V3; the goals service retired it, planning has not heard.
    valid = (f"{s.year}-01-01", f"{s.year + 2}-12-31")
    k3 = await served_goal_retired_behind_plannings_back(api, s, "CONCRETE", [s.n1], [s.top], valid)
    v3 = await api.goal("OPERATIONAL", f"Verksamhetsmål 3 {s.tag}", [s.n1], [k3])
    await projected(api.stack, goal_ids=[v3])
    await s.planning_open()
    assert s.establishment["state"] == "ESTABLISHED"
    await goal_state_projected(api.stack, s.k1, "ADOPTED")  # the answer projects it at once

    frames = {
        s.n1: ("100000000.00", "102000000.00", "104000000.00"),
        s.n2: ("50000000.00", "51000000.00", "52000000.50"),
    }

    async def adopted_plan(org: str, goals: list[str], own: dict[str, Any]) -> dict[str, Any]:
        plan = await api.create_plan(s.cycle["id"], org)
        await api.plan_mutation("addPlanGoals", "planId: $planId, goalIds: $goalIds", planId=plan["id"], goalIds=goals)
        lines = [{"activity": "Verksamhet", "year": s.year + i, "amount": a} for i, a in enumerate(frames[org])]
        await api.plan_mutation("setInternalBudget", "planId: $planId, lines: $lines", planId=plan["id"], lines=lines)
        await api.plan_mutation("submitPlan", "id: $id", id=plan["id"])
        return await api.plan_mutation("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=own)

    # N2's plan: its verksamhetsmål serves K2, in force: ESTABLISHED, adopted with N2's own decision.
    n2_decision = decision(s.n2, f"{s.year - 1}-11-19", "§ 133", "N2 2026/2")
    n2_plan = await adopted_plan(s.n2, [s.v2], n2_decision)
    answer = await goal_establishment(api, "operationalPlan", n2_plan["id"])
    assert (answer["state"], answer["refusals"]) == ("ESTABLISHED", [])
    v2 = (await api.data(GOAL, g=s.v2))["goal"]
    assert v2["state"] == "ADOPTED" and v2["adopted"]["paragraph"] == "§ 133"
    assert v2["adopted"]["body"] == {"id": s.n2, "code": f"N2{s.tag}"}

    # N1's plan: V1 could be adopted, V3 serves the retired K3: REFUSED, neither adopted.
    n1_plan = await adopted_plan(s.n1, [s.v1, v3], decision(s.n1, f"{s.year - 1}-11-19", "§ 132", "N1 2026/1"))
    assert n1_plan["state"] == "ADOPTED"
    answer = await goal_establishment(api, "operationalPlan", n1_plan["id"])
    assert answer["state"] == "REFUSED"
    assert [(r["goalId"], r["rule"]) for r in answer["refusals"]] == [(v3, "goal.parent_in_force")]
    assert await state_in_goals(api, v3) == "DRAFT"
    assert await state_in_goals(api, s.v1) == "DRAFT"
    await no_dead_letters(api, n1_plan["id"], n2_plan["id"])
    # The plan lists keep showing the answer.
    data = await api.data(
        "query($c: ID!) { operationalPlans(cycleId: $c) { id goalEstablishment { state } } }", c=s.cycle["id"]
    )
    states = {p["id"]: p["goalEstablishment"]["state"] for p in data["operationalPlans"]}
    assert states == {n1_plan["id"]: "REFUSED", n2_plan["id"]: "ESTABLISHED"}
