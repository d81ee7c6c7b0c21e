"""The committee's follow-up view (V4) in a real browser: traffic lights, why a goal is red, assessing a goal,
åtgärder and the printable report (design docs/design/web-app.md, sections 6.5 and 10).

The demo's BUN and SN are only read. What the spec writes goes to a nämnd of its own with goals adopted
directly in the goals service and the periods of a long-gone year: a past year's periods are open but never
the latest open, so the default period of every other test (the demo's helår) stays as it is.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support import client, data_of, eventually
from tests.test_planning_support import decision, fresh_past_year
from vsm_common.demo import demo_id
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

FULFILMENT = """query($id: ID!, $label: String!) { goal(id: $id) { id title fulfilment(periodLabel: $label) {
    status basis explanation rolledUpStatus
    contributors { status goal { id title } } } } }"""
REPORT_GOALS = """query($code: String!, $label: String!) { organization(code: $code) {
    followUpReport(periodLabel: $label) { goals { status goal { id } } } } }"""


async def _data(http: httpx.AsyncClient, stack: Stack, query: str, **variables: Any) -> Any:
    return await data_of(http, stack.config.gateway_url, query, variables)


async def _demo(stack: Stack) -> dict[str, Any]:
    """What the demo's delår of this year shows, as the API answers it (the spec asserts the view shows it)."""
    year = datetime.now(ZoneInfo("Europe/Stockholm")).year
    label = f"Delår {year}"
    async with client(stack, "reader", timeout=20) as reader:
        k1 = (await _data(reader, stack, FULFILMENT, id=str(demo_id("goal", "K1")), label=label))["goal"]
        k2 = (await _data(reader, stack, FULFILMENT, id=str(demo_id("goal", "K2")), label=label))["goal"]
        v3 = (await _data(reader, stack, FULFILMENT, id=str(demo_id("goal", "V3")), label=label))["goal"]
        listed = await _data(reader, stack, "query($y: Int) { periods(year: $y) { label closed } }", y=year)
    assert k1["fulfilment"]["basis"] == "ROLLED_UP", k1
    assert v3["fulfilment"]["status"] == "NOT_ACHIEVED", v3
    assert k2["fulfilment"]["rolledUpStatus"] == "NOT_ACHIEVED", k2
    periods = listed["periods"]
    closed = {p["label"]: p["closed"] for p in periods}
    assert closed[f"T1 {year}"] and not closed[label], periods

    def row(goal: dict[str, Any]) -> dict[str, Any]:
        f = goal["fulfilment"]
        return {
            "id": goal["id"],
            "title": goal["title"],
            "status": f["status"],
            "basis": f["basis"],
            "explanation": f["explanation"],
            "rolledUpStatus": f["rolledUpStatus"],
            "contributors": [{"title": c["goal"]["title"], "status": c["status"]} for c in f["contributors"]],
        }

    return {
        "period": label,
        "closedPeriod": f"T1 {year}",
        "bun": {"code": "BUN", "k1": row(k1)},
        "sn": {"code": "SN", "k2": row(k2), "v3": row(v3)},
    }


async def _own(stack: Stack) -> dict[str, Any]:
    """A nämnd N1 of its own with a förvaltning, a konkretiserat mål K1 and its verksamhetsmål V1, both in force
    and known to follow-up, in the open periods of a past year."""
    tag = uuid.uuid4().hex[:6].upper()
    year = fresh_past_year()
    async with client(stack, "planner", timeout=20) as planner:

        async def call(query: str, **variables: Any) -> Any:
            return await _data(planner, stack, query, **variables)

        async def org(code: str, name: str, kind: str, parent: str) -> str:
            made = await call(
                "mutation($i: OrganizationInput!) { registerOrganization(input: $i) { id } }",
                i={"code": code, "name": name, "kind": kind, "parentId": parent},
            )
            org_id: str = made["registerOrganization"]["id"]
            return org_id

        async def goal(level: str, title: str, orgs: list[str], parents: list[str], **extra: Any) -> str:
            made = await call(
                "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }",
                i={"level": level, "title": title, "organizationIds": orgs, "parentIds": parents, **extra},
            )
            goal_id: str = made["createGoal"]["id"]
            return goal_id

        kf = str(demo_id("org", "KF"))
        n1 = await org(f"N1{tag}", f"Uppföljningsnämnd {tag}", "COMMITTEE", kf)
        administration = await org(f"F1{tag}", f"Uppföljningsförvaltning {tag}", "ADMINISTRATION", n1)
        top = await goal("OVERARCHING", f"Övergripande mål {tag}", [], [])
        k1 = await goal(
            "CONCRETE",
            f"Konkret mål {tag}",
            [n1],
            [top],
            validFrom=f"{year}-01-01",
            validTo=f"{year + 2}-12-31",
        )
        v1 = await goal("OPERATIONAL", f"Verksamhetsmål {tag}", [n1], [k1])
        adopt = "mutation($id: ID!, $d: DecisionInput!) { adoptGoal(id: $id, decision: $d) { id } }"
        for goal_id, body in [(top, kf), (k1, kf), (v1, n1)]:
            await call(adopt, id=goal_id, d=decision(body, f"{year}-01-10", "§ 12", f"KS {year}/{tag}"))
        periods = await call(
            "mutation($y: Int!) { definePeriods(year: $y, kinds: [TERTIAL, INTERIM, ANNUAL]) { id label } }", y=year
        )
        label = f"Delår {year}"
        assert label in {p["label"] for p in periods["definePeriods"]}

        async def known() -> bool:
            # Goals reach follow-up through Kafka; the report lists them once it knows them in force.
            found = await call(REPORT_GOALS, code=f"N1{tag}", label=label)
            ids = {g["goal"]["id"] for g in found["organization"]["followUpReport"]["goals"]}
            return ids == {k1, v1}

        await eventually(known, timeout=90, what="follow-up to know N1's goals in force")
    return {
        "code": f"N1{tag}",
        "name": f"Uppföljningsnämnd {tag}",
        "administration": {"id": administration, "name": f"Uppföljningsförvaltning {tag}"},
        "period": label,
        "k1": {"id": k1, "title": f"Konkret mål {tag}"},
        "v1": {"id": v1, "title": f"Verksamhetsmål {tag}"},
        "dueOn": f"{year}-11-30",
    }


async def test_follow_up_in_the_browser(
    stack: Stack, web_app: str, run_spec: Callable[[str, dict[str, Any]], None]
) -> None:
    data = {"demo": await _demo(stack), "own": await _own(stack)}
    await asyncio.to_thread(run_spec, "follow-up", data)

    # The spec's assessment and åtgärd went through the API: follow-up holds them as the browser showed them.
    own = data["own"]
    async with client(stack, "reader", timeout=20) as reader:
        v1 = (await _data(reader, stack, FULFILMENT, id=own["v1"]["id"], label=own["period"]))["goal"]["fulfilment"]
        k1 = (await _data(reader, stack, FULFILMENT, id=own["k1"]["id"], label=own["period"]))["goal"]["fulfilment"]
        actions = (
            await _data(
                reader,
                stack,
                "query($id: ID!) { goal(id: $id) { actions { title state dueOn owner { id } } } }",
                id=own["v1"]["id"],
            )
        )["goal"]["actions"]
    assert (v1["status"], v1["basis"]) == ("NOT_ACHIEVED", "ASSESSED")
    assert (k1["status"], k1["basis"]) == ("NOT_ACHIEVED", "ROLLED_UP")
    assert actions == [
        {
            "title": "Starta läsgrupper i alla skolor",
            "state": "IN_PROGRESS",
            "dueOn": own["dueOn"],
            "owner": {"id": own["administration"]["id"]},
        }
    ]
