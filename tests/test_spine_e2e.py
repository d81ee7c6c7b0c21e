"""End to end through the running gateway: one change through every part of the stack."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support import client, data_of, eventually, gql
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

CREATE = """
mutation($input: CreateGoalInput!) { createGoal(input: $input) { id level state title parents { id } } }
"""
CONTRIBUTORS = """
query($id: ID!) { goal(id: $id) { id title fulfilment { status basis explanation
    contributors { status goal { id title level } } } } }
"""


async def create_goal(http: httpx.AsyncClient, url: str, **fields: Any) -> dict[str, Any]:
    data = await data_of(http, url, CREATE, {"input": fields})
    goal: dict[str, Any] = data["createGoal"]
    return goal


async def test_child_goal_reaches_followup_through_kafka(stack: Stack) -> None:
    url = stack.config.gateway_url
    async with client(stack, "planner", timeout=10) as planner:
        parent = await create_goal(planner, url, level="OVERARCHING", title=f"Trygg kommun {uuid.uuid4().hex[:6]}")
        child = await create_goal(
            planner, url, level="ACTION_PROGRAMME", title="Handlingsprogram trygghet", parentIds=[parent["id"]]
        )
        assert child["state"] == "DRAFT"
        assert child["parents"] == [{"id": parent["id"]}]

        async def contributors() -> list[dict[str, Any]] | None:
            data = await data_of(planner, url, CONTRIBUTORS, {"id": parent["id"]})
            found: list[dict[str, Any]] = data["goal"]["fulfilment"]["contributors"]
            return found or None

        found = await eventually(contributors, what="the child among the parent's contributors")
        assert [c["goal"] for c in found] == [
            {"id": child["id"], "title": "Handlingsprogram trygghet", "level": "ACTION_PROGRAMME"}
        ]
        assert found[0]["status"] == "NOT_ASSESSED"


async def test_one_response_holds_fields_of_all_three_subgraphs(stack: Stack) -> None:
    query = """{
      organizations(kind: COMMITTEE) { code name directives { id } }
      goals(level: CONCRETE, first: 10) { totalCount edges { node {
          id title organizations { code }      # goals
          establishedBy { id } plans { id }    # planning
          fulfilment { status explanation }    # followup
      } } }
    }"""
    async with client(stack, "reader", timeout=10) as reader:
        data = await data_of(reader, stack.config.gateway_url, query)
    codes = {o["code"] for o in data["organizations"]}
    assert {"BUN", "SN", "KFN", "TFN"} <= codes
    # planning's demo data: a planeringsdirektiv to BUN, SN, KFN and TFN
    by_code = {o["code"]: o for o in data["organizations"]}
    assert by_code["BUN"]["directives"] and by_code["SN"]["directives"]
    nodes = [e["node"] for e in data["goals"]["edges"]]
    assert data["goals"]["totalCount"] >= 3
    assert all(n["fulfilment"]["status"] == "NOT_ASSESSED" for n in nodes)
    # the directive's adoption reached goals through Kafka and established the concrete goals
    assert any(n["establishedBy"] for n in nodes)
    assert any(o["code"] == "BUN" for n in nodes for o in n["organizations"])


async def test_demo_vision_is_loaded(stack: Stack) -> None:
    async with client(stack, "reader", timeout=10) as reader:
        data = await data_of(
            reader,
            stack.config.gateway_url,
            "{ vision { title horizonYear themes { name } values adopted { date body { code } } } }",
        )
    vision = data["vision"]
    assert vision["title"] == "Halmstad 2020"
    assert [t["name"] for t in vision["themes"]] == ["Hemstaden", "Kunskapsstaden", "Upplevelsestaden"]
    assert vision["adopted"] == {"date": "2006-03-23", "body": {"code": "KF"}}
    assert len(vision["values"]) == 4


async def test_rule_violation_names_field_and_rule_and_writes_nothing(stack: Stack) -> None:
    url = stack.config.gateway_url
    count = "{ goals(level: OPERATIONAL) { totalCount } }"
    async with client(stack, "planner", timeout=10) as planner:
        before = (await data_of(planner, url, count))["goals"]["totalCount"]
        top = await create_goal(planner, url, level="OVERARCHING", title="Toppmål")
        body = await gql(
            planner,
            url,
            CREATE,
            {"input": {"level": "OPERATIONAL", "title": "Hoppar över nivåer", "parentIds": [top["id"]]}},
        )
        after = (await data_of(planner, url, count))["goals"]["totalCount"]
    [error] = body["errors"]
    assert error["extensions"]["rule"] == "goal.parent_level"
    assert error["extensions"]["field"] == "input.parentIds"
    assert "OPERATIONAL" in error["message"]
    assert after == before


async def test_pagination_is_stable_and_counts(stack: Stack) -> None:
    url = stack.config.gateway_url
    page = """query($after: String) { goals(first: 2, after: $after) {
        totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    async with client(stack, "reader", timeout=10) as reader:
        while True:
            data = (await data_of(reader, url, page, {"after": after}))["goals"]
            seen += [e["node"]["id"] for e in data["edges"]]
            if not data["pageInfo"]["hasNextPage"]:
                break
            after = data["pageInfo"]["endCursor"]
        total = data["totalCount"]
    assert len(seen) == len(set(seen)) == total


async def test_subgraphs_refuse_requests_that_bypass_the_gateway(stack: Stack) -> None:
    # A valid token does not open a subgraph: without the gateway's secret the request is refused.
    async with client(stack, "reader", timeout=10) as reader:
        for svc in ("goals", "planning", "followup"):
            resp = await reader.post(f"{stack.config.service_url(svc)}/graphql", json={"query": "{ _service { sdl } }"})
            assert resp.status_code == 403, svc
            health = await reader.get(f"{stack.config.service_url(svc)}/health/ready")
            assert health.status_code == 200, svc
