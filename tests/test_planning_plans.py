"""Verksamhetsplaner through the gateway: goals, internbudget against the frames, submit/return/adopt,
and the sammanställning for KS and KF."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support import client
from tests.test_planning_support import Api, Scenario, decision, goal_establishment, goal_state_projected, projected
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with client(stack, "planner") as http:  # plans of several organisations, and returnPlan (KS)
        yield Api(http, stack)


def lines(year: int, *amounts: tuple[str, str, str, str]) -> list[dict[str, Any]]:
    """Internbudget lines: (activity, amount year 1, amount year 2, amount year 3)."""
    return [
        {"activity": activity, "year": year + i, "amount": amount}
        for activity, *per_year in amounts
        for i, amount in enumerate(per_year)
    ]


# N1's frames in the scenario: 100 000 000.00 / 102 000 000.00 / 104 000 000.00
BALANCED_N1 = [
    ("Grundskola", "70000000.00", "71000000.00", "72500000.00"),
    ("Förskola", "30000000.00", "31000000.00", "31500000.00"),
]


async def test_a_plan_is_one_per_committee_or_company_with_a_directive_in_the_cycle(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.planning_open()
    plan = await api.create_plan(s.cycle["id"], s.n1)
    assert (plan["years"], plan["state"], plan["organization"]["id"]) == (s.years, "DRAFT", s.n1)
    assert plan["frames"] == [
        {"year": s.year, "amount": "100000000.00"},
        {"year": s.year + 1, "amount": "102000000.00"},
        {"year": s.year + 2, "amount": "104000000.00"},
    ]
    assert plan["balanced"] is False
    create = "mutation($c: ID!, $o: ID!) { createOperationalPlan(cycleId: $c, organizationId: $o) { id } }"
    err = await api.error(create, c=s.cycle["id"], o=s.n1)
    assert (err["extensions"]["code"], err["extensions"]["rule"]) == ("CONFLICT", "plan.exists")
    err = await api.error(create, c=s.cycle["id"], o=s.company)  # no ägardirektiv in this cycle
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("organizationId", "plan.no_directive")
    err = await api.error(create, c=s.cycle["id"], o=s.ks)
    assert err["extensions"]["rule"] == "plan.organization_kind"
    err = await api.error(create, c=s.cycle["id"], o="00000000-0000-4000-8000-000000000003")
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("NOT_FOUND", "organizationId")
    data = await api.data(
        "query($o: ID!, $c: ID) { organization(id: $o) { operationalPlan(cycleId: $c) { id state } } }",
        o=s.n1,
        c=s.cycle["id"],
    )
    assert data["organization"]["operationalPlan"] == {"id": plan["id"], "state": "DRAFT"}


async def test_verksamhetsmal_must_be_own_operational_goals_serving_a_concrete_goal_directed_to_it(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.planning_open()
    plan = await api.create_plan(s.cycle["id"], s.n1)
    add = ("addPlanGoals", "planId: $planId, goalIds: $goalIds")
    for goal_ids, rule in (([s.k1], "plan.goal_level"), ([s.v2], "plan.goal_owner")):
        err = await api.plan_error(*add, planId=plan["id"], goalIds=goal_ids)
        assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("goalIds", rule)
    stray = await api.goal("OPERATIONAL", f"Fristående {s.tag}", [s.n1])  # serves no concrete goal

    await projected(api.stack, goal_ids=[stray])
    err = await api.plan_error(*add, planId=plan["id"], goalIds=[stray])
    assert err["extensions"]["rule"] == "plan.goal_serves"
    err = await api.plan_error(*add, planId=plan["id"], goalIds=["00000000-0000-4000-8000-000000000004"])
    assert (err["extensions"]["code"], err["extensions"]["rule"]) == ("NOT_FOUND", "goal.exists")

    plan = await api.plan_mutation(*add, planId=plan["id"], goalIds=[s.v1, s.v1])
    assert [g["id"] for g in plan["goals"]] == [s.v1]
    assert plan["goals"][0]["title"].startswith("Verksamhetsmål 1")  # resolved by the goals subgraph
    data = await api.data("query($g: ID!) { goal(id: $g) { plans { id state } } }", g=s.v1)
    assert data["goal"]["plans"] == [{"id": plan["id"], "state": "DRAFT"}]


async def test_an_unbalanced_internbudget_cannot_be_submitted_and_the_error_gives_each_years_difference(
    api: Api,
) -> None:
    s = await Scenario(api).setup()
    await s.planning_open()
    plan = await api.create_plan(s.cycle["id"], s.n1)
    await api.plan_mutation("addPlanGoals", "planId: $planId, goalIds: $goalIds", planId=plan["id"], goalIds=[s.v1])
    budget = ("setInternalBudget", "planId: $planId, lines: $lines")
    off = lines(
        s.year,
        ("Grundskola", "70000000.00", "71000000.00", "72500000.00"),
        ("Förskola", "30000000.00", "30000000.00", "31500000.01"),
    )
    plan = await api.plan_mutation(*budget, planId=plan["id"], lines=off)
    assert plan["balanced"] is False
    assert plan["balance"] == [
        {
            "year": s.year,
            "frame": "100000000.00",
            "internalBudget": "100000000.00",
            "difference": "0.00",
            "balanced": True,
        },
        {
            "year": s.year + 1,
            "frame": "102000000.00",
            "internalBudget": "101000000.00",
            "difference": "-1000000.00",
            "balanced": False,
        },
        {
            "year": s.year + 2,
            "frame": "104000000.00",
            "internalBudget": "104000000.01",
            "difference": "0.01",
            "balanced": False,
        },
    ]
    err = await api.plan_error("submitPlan", "id: $id", id=plan["id"])
    assert (err["extensions"]["rule"], err["extensions"]["field"]) == ("plan.budget_unbalanced", "id")
    assert err["extensions"]["differences"] == [
        {"year": s.year + 1, "frame": "102000000.00", "internalBudget": "101000000.00", "difference": "-1000000.00"},
        {"year": s.year + 2, "frame": "104000000.00", "internalBudget": "104000000.01", "difference": "0.01"},
    ]
    assert f"{s.year + 1}: -1000000.00" in err["message"] and f"{s.year + 2}: +0.01" in err["message"]

    for bad, field, rule in (
        ([{"activity": "X", "year": s.year + 3, "amount": "1"}], "lines.0.year", "plan.budget_year"),
        ([{"activity": " ", "year": s.year, "amount": "1"}], "lines.0.activity", "plan.activity_required"),
        ([{"activity": "X", "year": s.year, "amount": "1.234"}], "lines.0.amount", "amount.precision"),
    ):
        err = await api.plan_error(*budget, planId=plan["id"], lines=bad)
        assert (err["extensions"]["field"], err["extensions"]["rule"]) == (field, rule)

    plan = await api.plan_mutation(*budget, planId=plan["id"], lines=lines(s.year, *BALANCED_N1))
    assert plan["balanced"] is True
    assert [ln["amount"] for ln in plan["internalBudget"][:3]] == ["70000000.00", "71000000.00", "72500000.00"]


async def submitted_plan(api: Api, s: Scenario) -> dict[str, Any]:
    plan = await api.create_plan(s.cycle["id"], s.n1)
    await api.plan_mutation("addPlanGoals", "planId: $planId, goalIds: $goalIds", planId=plan["id"], goalIds=[s.v1])
    await api.plan_mutation(
        "setInternalBudget", "planId: $planId, lines: $lines", planId=plan["id"], lines=lines(s.year, *BALANCED_N1)
    )
    return await api.plan_mutation("submitPlan", "id: $id", id=plan["id"])


async def test_submit_return_with_reason_resubmit_and_adopt_with_the_organisations_own_decision(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.planning_open()
    empty = await api.create_plan(s.cycle["id"], s.n2)
    err = await api.plan_error("submitPlan", "id: $id", id=empty["id"])
    assert err["extensions"]["rule"] == "plan.goals_required"

    plan = await submitted_plan(api, s)
    assert plan["state"] == "SUBMITTED"
    # A submitted plan is locked.
    err = await api.plan_error("setInternalBudget", "planId: $planId, lines: $lines", planId=plan["id"], lines=[])
    assert err["extensions"]["rule"] == "plan.not_editable"
    err = await api.plan_error("returnPlan", "id: $id, reason: $reason", id=plan["id"], reason="  ")
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("reason", "plan.return_reason")
    plan = await api.plan_mutation(
        "returnPlan", "id: $id, reason: $reason", id=plan["id"], reason="Förtydliga förskolan"
    )
    assert (plan["state"], plan["returnReason"]) == ("RETURNED", "Förtydliga förskolan")
    err = await api.plan_error("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=decision(s.n1))
    assert err["extensions"]["rule"] == "plan.transition"
    plan = await api.plan_mutation("submitPlan", "id: $id", id=plan["id"])
    assert plan["state"] == "SUBMITTED"

    err = await api.plan_error("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=decision(s.kf))
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("decision.bodyId", "plan.decision_body")
    # V1 serves K1, which the goals service adopts when it learns of the directive (the saga).
    await goal_state_projected(api.stack, s.k1, "ADOPTED")
    own = decision(s.n1, f"{s.year - 1}-11-19", "§ 132", "N1 2026/1")
    plan = await api.plan_mutation("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=own)
    assert plan["state"] == "ADOPTED"
    assert plan["adopted"] == {
        "date": f"{s.year - 1}-11-19",
        "paragraph": "§ 132",
        "body": {"id": s.n1, "code": f"N1{s.tag}"},
    }
    again = await api.plan_mutation("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=own)
    assert again == plan
    err = await api.plan_error("returnPlan", "id: $id, reason: $reason", id=plan["id"], reason="För sent")
    assert err["extensions"]["rule"] == "plan.transition"


async def test_a_submitted_plan_is_not_adopted_when_a_revised_frame_no_longer_matches(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.planning_open()
    plan = await submitted_plan(api, s)
    revision = await api.set_frames(s.directive["id"], [(s.n1, s.year, "100000001.00")])
    await api.adopt(revision["id"], decision(s.kf, f"{s.year - 1}-11-30", "§ 170"))
    err = await api.plan_error("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=decision(s.n1))
    assert err["extensions"]["rule"] == "plan.budget_unbalanced"
    assert err["extensions"]["differences"] == [
        {"year": s.year, "frame": "100000001.00", "internalBudget": "100000000.00", "difference": "-1.00"}
    ]


async def test_a_plan_whose_verksamhetsmal_serves_a_goal_not_in_force_is_adopted_and_its_goals_refused(
    api: Api,
) -> None:
    s = await Scenario(api).setup()
    # K3 is directed to N1 but is in no directive, so nobody adopts it.
    k3 = await api.goal("CONCRETE", f"Konkret mål 3 {s.tag}", [s.n1], [s.top], (f"{s.year}-01-01", f"{s.year}-12-31"))
    v3 = await api.goal("OPERATIONAL", f"Verksamhetsmål 3 {s.tag}", [s.n1], [k3])
    await projected(api.stack, goal_ids=[k3, v3])
    await s.planning_open()
    plan = await api.create_plan(s.cycle["id"], s.n1)
    await api.plan_mutation("addPlanGoals", "planId: $planId, goalIds: $goalIds", planId=plan["id"], goalIds=[v3])
    await api.plan_mutation(
        "setInternalBudget", "planId: $planId, lines: $lines", planId=plan["id"], lines=lines(s.year, *BALANCED_N1)
    )
    await api.plan_mutation("submitPlan", "id: $id", id=plan["id"])
    # Whether V3 can be adopted is the goals service's rule: the nämnd adopts its plan, the goals service answers.
    await api.plan_mutation("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=decision(s.n1))
    data = await api.data("query($p: ID!) { operationalPlan(id: $p) { state } }", p=plan["id"])
    assert data["operationalPlan"] == {"state": "ADOPTED"}
    answer = await goal_establishment(api, "operationalPlan", plan["id"])
    assert answer["state"] == "REFUSED"
    [refusal] = answer["refusals"]
    assert (refusal["goalId"], refusal["rule"]) == (v3, "goal.parent_in_force")


async def test_plan_operations_belong_to_the_operational_planning_phase(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.planning_open()
    plan = await submitted_plan(api, s)
    await s.to_phase("COMPILATION")
    err = await api.plan_error("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=decision(s.n1))
    assert (err["extensions"]["rule"], err["extensions"]["phase"]) == ("cycle.phase", "COMPILATION")
    assert "adoptPlan" in err["message"] and "OPERATIONAL_PLANNING" in err["message"]


async def test_compilation_shows_all_plans_missing_plans_and_uncovered_goals(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.adopted_directive()
    owner = await api.create_directive(s.cycle["id"], "OWNER_DIRECTIVE", "Ägardirektiv", [s.company])
    await s.to_phase("OPERATIONAL_PLANNING")
    # The ägardirektiv was never adopted in the directive phase, so the company is no recipient of the cycle.
    assert owner["state"] == "DRAFT"
    plan = await submitted_plan(api, s)
    query = """query($c: ID!) { compilation(cycleId: $c) {
        cycle { id title }
        plans { id state organization { id } }
        missingPlans { id code }
        uncoveredGoals { id title }
        uncovered { goal { id } organizations { id } } } }"""
    c = (await api.data(query, c=s.cycle["id"]))["compilation"]
    assert c["cycle"] == {"id": s.cycle["id"], "title": f"Budgetår {s.year}"}
    assert c["plans"] == [{"id": plan["id"], "state": "SUBMITTED", "organization": {"id": s.n1}}]
    assert c["missingPlans"] == [{"id": s.n2, "code": f"N2{s.tag}"}]
    # K1 (to N1) is served by V1 in N1's plan; K2 (to N1 and N2) has no verksamhetsmål in either plan.
    assert [g["id"] for g in c["uncoveredGoals"]] == [s.k2]
    assert c["uncoveredGoals"][0]["title"].startswith("Konkret mål 2")
    assert c["uncovered"] == [{"goal": {"id": s.k2}, "organizations": [{"id": s.n1}, {"id": s.n2}]}]

    second = await api.create_plan(s.cycle["id"], s.n2)
    await api.plan_mutation("addPlanGoals", "planId: $planId, goalIds: $goalIds", planId=second["id"], goalIds=[s.v2])
    c = (await api.data(query, c=s.cycle["id"]))["compilation"]
    assert c["missingPlans"] == []
    assert c["uncovered"] == [{"goal": {"id": s.k2}, "organizations": [{"id": s.n1}]}]
    data = await api.data(
        "query($c: ID!) { cycle(id: $c) { operationalPlans { id } } operationalPlans(cycleId: $c) { id } }",
        c=s.cycle["id"],
    )
    assert data["cycle"]["operationalPlans"] == data["operationalPlans"] == [{"id": plan["id"]}, {"id": second["id"]}]

    mandate = (await api.data("{ cycles(kind: MANDATE_PERIOD) { id } }"))["cycles"][0]["id"]
    err = await api.error("query($c: ID!) { compilation(cycleId: $c) { plans { id } } }", c=mandate)
    assert err["extensions"]["rule"] == "cycle.kind"
