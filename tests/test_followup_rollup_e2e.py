"""Roll-up end to end: goals made in the goals service reach followup through Kafka and roll up there.

Periods of past years are used, so the demo's current periods (the default period of every
other test) stay as they are.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support import client, data_of, eventually, gql
from vsm_common.demo import demo_id
from vsm_dev.stack import Stack
from vsm_followup.adapters.goal_projection import LOAD_TREE_SQL

pytestmark = pytest.mark.e2e

CREATE = "mutation($input: CreateGoalInput!) { createGoal(input: $input) { id } }"
LINK = "mutation($c: ID!, $p: ID!) { linkGoals(childId: $c, parentId: $p) { id } }"
PERIODS = """mutation($year: Int!) { definePeriods(year: $year, kinds: [TERTIAL, INTERIM, ANNUAL]) {
    id label startsOn endsOn closed } }"""
ASSESS = """mutation($g: ID!, $p: ID!, $s: AssessmentStatus!, $a: String) {
    assessGoal(goalId: $g, periodId: $p, status: $s, analysis: $a) { status basis explanation } }"""
FULFILMENT = """query($id: ID!, $p: ID) { goal(id: $id) { id title fulfilment(periodId: $p) {
    status basis explanation rolledUpStatus period { label }
    contributors { status basis goal { id title level } contributors { status goal { title } } } } } }"""
ADOPT = """mutation($id: ID!, $d: DecisionInput!) { adoptGoal(id: $id, decision: $d) { id state } }"""
RETIRE = """mutation($id: ID!, $d: DecisionInput!) { retireGoal(id: $id, decision: $d) { id state } }"""


class Api:
    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.client, self.url = http, url

    async def data(self, query: str, **variables: Any) -> Any:
        return await data_of(self.client, self.url, query, variables)

    async def errors(self, query: str, **variables: Any) -> list[dict[str, Any]]:
        body = await gql(self.client, self.url, query, variables)
        assert body.get("errors"), body
        errors: list[dict[str, Any]] = body["errors"]
        return errors

    async def goal(self, level: str, title: str, parents: list[str] | None = None, **extra: Any) -> str:
        data = await self.data(CREATE, input={"level": level, "title": title, "parentIds": parents or [], **extra})
        goal_id: str = data["createGoal"]["id"]
        return goal_id

    async def periods(self, year: int) -> dict[str, dict[str, Any]]:
        found = (await self.data(PERIODS, year=year))["definePeriods"]
        return {p["label"].split(" ")[0]: p for p in found}

    async def fulfilment(self, goal_id: str, period_id: str | None = None) -> dict[str, Any]:
        goal = (await self.data(FULFILMENT, id=goal_id, p=period_id))["goal"]
        result: dict[str, Any] = goal["fulfilment"]
        return result


async def wait_for_contributors(api: Api, goal_id: str, period_id: str, count: int) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        f = await api.fulfilment(goal_id, period_id)
        return f if len(f["contributors"]) == count else None

    return await eventually(check, what=f"{count} contributors of {goal_id}")


async def assess_when_known(api: Api, goal_id: str, period_id: str, status: str, analysis: str | None = None) -> Any:
    """assessGoal, retried while followup has not yet learned the goal from Kafka."""

    async def attempt() -> Any:
        body = await gql(api.client, api.url, ASSESS, {"g": goal_id, "p": period_id, "s": status, "a": analysis})
        if body.get("errors"):
            assert body["errors"][0]["extensions"]["rule"] == "goal.exists", body["errors"]
            return None
        return body["data"]["assessGoal"]

    return await eventually(attempt, what=f"followup to accept an assessment of {goal_id}")


async def test_deep_tree_rolls_up_with_an_explanation_and_an_override(stack: Stack) -> None:
    tag = uuid.uuid4().hex[:6]
    bun = str(demo_id("org", "BUN"))
    # The planning office builds the structure and the periods; BUN assesses the goals addressed to it.
    async with client(stack, "planner", timeout=20) as planner, client(stack, "committee", org="BUN") as committee:
        api = Api(planner, stack.config.gateway_url)
        bun_api = Api(committee, stack.config.gateway_url)
        top = await api.goal("OVERARCHING", f"Trygg kommun {tag}")
        program = await api.goal("ACTION_PROGRAMME", f"Program {tag}", [top])
        concrete = await api.goal("CONCRETE", f"Konkret {tag}", [program], organizationIds=[bun])
        leaves = [await api.goal("OPERATIONAL", f"V{i} {tag}", [concrete], organizationIds=[bun]) for i in range(5)]
        # A goal linked afterwards (linkGoals) contributes like one created with its parent.
        late = await api.goal("OPERATIONAL", f"Sen {tag}", organizationIds=[bun])
        await api.data(LINK, c=late, p=concrete)
        periods = await api.periods(2011)
        delar = periods["Delår"]["id"]

        statuses = ["ACHIEVED", "ACHIEVED", "NOT_ACHIEVED", "NOT_ACHIEVED", "PARTLY_ACHIEVED"]
        for leaf, status in zip(leaves, statuses, strict=True):
            await assess_when_known(bun_api, leaf, delar, status, None if status == "ACHIEVED" else "Analys.")
        f = await wait_for_contributors(api, concrete, delar, 6)
        assert (f["status"], f["basis"], f["period"]["label"]) == ("NOT_ACHIEVED", "ROLLED_UP", "Delår 2011")
        assert f["explanation"].startswith(
            f"Sammanvägt (sämsta utfall avgör): 2 av 6 verksamhetsmål ej uppfyllda: ”V2 {tag}”, ”V3 {tag}”; "
            f"1 delvis uppfyllt: ”V4 {tag}”; 2 uppfyllda; 1 ej bedömt."
        )
        top_f = await wait_for_contributors(api, top, delar, 1)
        assert (top_f["status"], top_f["basis"]) == ("NOT_ACHIEVED", "ROLLED_UP")
        assert top_f["contributors"][0]["contributors"][0]["status"] == "NOT_ACHIEVED"

        # Overriding the roll-up needs a reason, and then says so.
        errors = await bun_api.errors(ASSESS, g=concrete, p=delar, s="ACHIEVED", a=None)
        assert errors[0]["extensions"]["rule"] == "assessment.override_reason"
        own = (await bun_api.data(ASSESS, g=concrete, p=delar, s="PARTLY_ACHIEVED", a="Nämnden väger in nya siffror."))[
            "assessGoal"
        ]
        assert (own["status"], own["basis"]) == ("PARTLY_ACHIEVED", "OVERRIDDEN")
        assert own["explanation"].startswith("Egen bedömning (delvis uppfyllt) ersätter sammanvägningen (ej uppfyllt")
        f = await api.fulfilment(concrete, delar)
        assert (f["status"], f["basis"], f["rolledUpStatus"]) == ("PARTLY_ACHIEVED", "OVERRIDDEN", "NOT_ACHIEVED")
        assert (await api.fulfilment(top, delar))["status"] == "PARTLY_ACHIEVED"

        # Another period of the same structure knows nothing of these assessments.
        t1 = await api.fulfilment(concrete, periods["T1"]["id"])
        assert (t1["status"], t1["basis"]) == ("NOT_ASSESSED", "NONE")


async def test_retired_goal_drops_out_of_the_roll_up_from_its_retirement_date(stack: Stack) -> None:
    tag = uuid.uuid4().hex[:6]
    kf, bun = str(demo_id("org", "KF")), str(demo_id("org", "BUN"))

    def decision(body: str, day: str) -> dict[str, Any]:
        return {"bodyId": body, "date": day, "paragraph": "§ 7", "diaryNumber": f"KS 2015/{tag}"}

    # The planning office builds, adopts and retires; BUN assesses its own verksamhetsmål.
    async with client(stack, "planner", timeout=20) as planner, client(stack, "committee", org="BUN") as committee:
        api = Api(planner, stack.config.gateway_url)
        bun_api = Api(committee, stack.config.gateway_url)
        top = await api.goal("OVERARCHING", f"Lärande {tag}")
        concrete = await api.goal(
            "CONCRETE",
            f"Fler behöriga {tag}",
            [top],
            organizationIds=[bun],
            validFrom="2015-01-01",
            validTo="2017-12-31",
        )
        kept = await api.goal("OPERATIONAL", f"Läsning {tag}", [concrete], organizationIds=[bun])
        dropped = await api.goal("OPERATIONAL", f"Läxhjälp {tag}", [concrete], organizationIds=[bun])
        for goal_id, body in [(top, kf), (concrete, kf), (kept, bun), (dropped, bun)]:
            await api.data(ADOPT, id=goal_id, d=decision(body, "2015-01-10"))
        periods = await api.periods(2015)
        t1, delar, helar = periods["T1"]["id"], periods["Delår"]["id"], periods["Helår"]["id"]
        await assess_when_known(bun_api, kept, t1, "ACHIEVED")
        await assess_when_known(bun_api, dropped, t1, "NOT_ACHIEVED", "Läxhjälpen kom inte igång.")
        await assess_when_known(bun_api, kept, delar, "ACHIEVED")

        retired = await api.data(RETIRE, id=dropped, d=decision(bun, "2015-06-15"))
        assert retired["retireGoal"]["state"] == "RETIRED"

        # Delår ends 31 August, after the retirement: the goal is out of the roll-up.
        after = await wait_for_contributors(api, concrete, delar, 1)
        assert (after["status"], after["basis"]) == ("ACHIEVED", "ROLLED_UP")
        assert after["contributors"][0]["goal"]["id"] == kept
        assert f"1 avvecklat mål räknas inte: ”Läxhjälp {tag}”" in after["explanation"]
        assert len((await api.fulfilment(concrete, helar))["contributors"]) == 1
        # T1 ended 30 April, before it: the goal still counts there, and its result decides.
        before = await api.fulfilment(concrete, t1)
        assert {c["goal"]["id"] for c in before["contributors"]} == {kept, dropped}
        assert before["status"] == "NOT_ACHIEVED"
        assert (await api.fulfilment(top, t1))["status"] == "NOT_ACHIEVED"
        assert (await api.fulfilment(top, delar))["status"] == "ACHIEVED"
        # A retired goal is not assessed in a period it is no longer in force at the end of.
        errors = await bun_api.errors(ASSESS, g=dropped, p=delar, s="NOT_ACHIEVED", a="Sent.")
        assert errors[0]["extensions"]["rule"] == "goal.retired"


UNLINK_DECIDED = """mutation($c: ID!, $p: ID!, $d: DecisionInput, $f: Date) {
    unlinkGoals(childId: $c, parentId: $p, decision: $d, effectiveFrom: $f) { id } }"""
LINK_DECIDED = """mutation($c: ID!, $p: ID!, $d: DecisionInput, $f: Date) {
    linkGoals(childId: $c, parentId: $p, decision: $d, effectiveFrom: $f) { id } }"""
FULFILMENT_AS_OF = """query($id: ID!, $p: ID, $d: Date) { goal(id: $id) { fulfilment(periodId: $p, asOf: $d) {
    status basis contributors { goal { id } } } } }"""


async def test_roll_up_as_of_a_date_follows_a_decided_link_change(stack: Stack) -> None:
    tag = uuid.uuid4().hex[:6]
    kf, bun = str(demo_id("org", "KF")), str(demo_id("org", "BUN"))

    def decision(body: str, day: str) -> dict[str, Any]:
        return {"bodyId": body, "date": day, "paragraph": "§ 40", "diaryNumber": f"KS 2016/{tag}"}

    async with client(stack, "planner", timeout=20) as planner, client(stack, "committee", org="BUN") as committee:
        api = Api(planner, stack.config.gateway_url)
        bun_api = Api(committee, stack.config.gateway_url)
        old_top = await api.goal("OVERARCHING", f"Trygghet {tag}")
        new_top = await api.goal("OVERARCHING", f"Hälsa {tag}")
        concrete = await api.goal(
            "CONCRETE",
            f"Fler i rörelse {tag}",
            [old_top],
            organizationIds=[bun],
            validFrom="2016-01-01",
            validTo="2017-12-31",
        )
        leaf = await api.goal("OPERATIONAL", f"Simskola {tag}", [concrete], organizationIds=[bun])
        for goal_id, body in [(old_top, kf), (new_top, kf), (concrete, kf), (leaf, bun)]:
            await api.data(ADOPT, id=goal_id, d=decision(body, "2016-01-10"))
        delar = (await api.periods(2016))["Delår"]["id"]
        await assess_when_known(bun_api, leaf, delar, "NOT_ACHIEVED", "Simhallen var stängd.")

        # KF decides on 20 May that the concrete goal serves the other övergripande mål from 1 June.
        moved = {"d": decision(kf, "2016-05-20"), "f": "2016-06-01"}
        await api.data(UNLINK_DECIDED, c=concrete, p=old_top, **moved)
        await api.data(LINK_DECIDED, c=concrete, p=new_top, **moved)
        # The period ends 31 August, after the move: by default its roll-up walks the new structure.
        await wait_for_contributors(api, new_top, delar, 1)

        async def rolled_up(top: str, day: str) -> tuple[str, list[str]]:
            goal = (await api.data(FULFILMENT_AS_OF, id=top, p=delar, d=day))["goal"]
            f = goal["fulfilment"]
            return f["status"], [c["goal"]["id"] for c in f["contributors"]]

        assert await rolled_up(old_top, "2016-05-31") == ("NOT_ACHIEVED", [concrete])
        assert await rolled_up(new_top, "2016-05-31") == ("NOT_ASSESSED", [])
        assert await rolled_up(old_top, "2016-06-01") == ("NOT_ASSESSED", [])
        assert await rolled_up(new_top, "2016-06-01") == ("NOT_ACHIEVED", [concrete])

        # BUN adopts another verksamhetsmål for it on 1 July: asked for a date before that, the
        # structure in force then does not have it yet; the period's own roll-up does.
        late = await api.goal("OPERATIONAL", f"Sommarsim {tag}", [concrete], organizationIds=[bun])
        await api.data(ADOPT, id=late, d=decision(bun, "2016-07-01"))
        await wait_for_contributors(api, concrete, delar, 2)

        async def contributors_of_concrete(day: str) -> list[str] | None:
            goal = (await api.data(FULFILMENT_AS_OF, id=concrete, p=delar, d=day))["goal"]
            return sorted(c["goal"]["id"] for c in goal["fulfilment"]["contributors"])

        async def only_leaf_before_july() -> bool:
            # Converges once follow-up has projected the adoption's date.
            return await contributors_of_concrete("2016-06-30") == [leaf]

        await eventually(only_leaf_before_july, what="the goal adopted 1 July to be left out on 30 June")
        assert await contributors_of_concrete("2016-07-01") == sorted([leaf, late])


def _plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


async def test_tree_load_reads_each_goals_links_through_the_index_not_a_materialised_copy(stack: Stack) -> None:
    """The roll-up's tree statement reads the links from their table, never from a materialised copy of
    every link, which was scanned in full once per goal of the answer for its children (the committee
    dashboard at goteborg: 141 of the statement's 141 ms; see LOAD_TREE_SQL)."""
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url, server_settings={"search_path": "followup,public"})
    try:
        roots = [r["id"] for r in await conn.fetch("SELECT id FROM projected_goals LIMIT 50")]
        explained = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {LOAD_TREE_SQL}", roots, None, date(2011, 8, 31))
    finally:
        await conn.close()
    nodes = list(_plan_nodes(json.loads(explained)[0]["Plan"]))
    assert [n["Node Type"] for n in nodes if n.get("CTE Name") == "links"] == []
    assert any(n.get("Relation Name") == "projected_goal_links" for n in nodes)
