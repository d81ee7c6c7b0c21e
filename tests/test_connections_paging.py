"""Relay connections through the gateway: forward and backward paging, opaque cursors that refuse forgery.

Each list paged here is the test's own (goals of an organisation registered for it, medarbetarmål of a
verksamhetsmål adopted for it), so other tests and the sagas they leave running cannot change it
between two pages. Nothing is timed: under load the pages only come slower.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest

from tests.support import client, data_of, gql
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
API_SCHEMA = ROOT / "services" / "gateway" / "schema.graphql"
ITEMS = 7  # pages of 3: 3 + 3 + 1 forward, 1 + 3 + 3 backward
PAGE_FIELDS = "totalCount edges { cursor node { id } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor }"

GOALS_PAGE = f"""query($org: ID!, $first: Int, $after: String, $last: Int, $before: String) {{
  list: goals(organizationId: $org, first: $first, after: $after, last: $last, before: $before) {{
    {PAGE_FIELDS} }} }}"""
EMPLOYEE_GOALS_PAGE = f"""query($goal: ID!, $first: Int, $after: String, $last: Int, $before: String) {{
  list: employeeGoals(operationalGoalId: $goal, first: $first, after: $after, last: $last, before: $before,
                      purpose: "test av bläddring") {{ {PAGE_FIELDS} }} }}"""
NESTED_EMPLOYEE_GOALS_PAGE = f"""query($goal: ID!, $first: Int, $after: String, $last: Int, $before: String) {{
  goal(id: $goal) {{ list: employeeGoals(first: $first, after: $after, last: $last, before: $before,
                                        purpose: "test av bläddring") {{ {PAGE_FIELDS} }} }} }}"""


@dataclass(frozen=True)
class Lists:
    organization: str
    goal_ids: list[str]  # in the order they were created, the order of the list
    operational_goal: str
    employee_goal_ids: list[str]


async def _data(http: httpx.AsyncClient, url: str, query: str, **variables: Any) -> Any:
    return await data_of(http, url, query, variables)


async def _create_goal(http: httpx.AsyncClient, url: str, **fields: Any) -> str:
    found = await _data(http, url, "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }", i=fields)
    goal_id: str = found["createGoal"]["id"]
    return goal_id


async def _adopt(http: httpx.AsyncClient, url: str, goal_id: str, body: str, on: str) -> None:
    await _data(
        http,
        url,
        "mutation($id: ID!, $d: DecisionInput!) { adoptGoal(id: $id, decision: $d) { id } }",
        id=goal_id,
        d={"bodyId": body, "date": on, "paragraph": "§ 1"},
    )


async def _org(http: httpx.AsyncClient, url: str, code: str) -> str:
    found = await _data(http, url, "query($c: String) { organization(code: $c) { id } }", c=code)
    org_id: str = found["organization"]["id"]
    return org_id


@pytest.fixture(scope="module")
async def lists(stack: Stack) -> Lists:
    url = stack.config.gateway_url
    tag = uuid.uuid4().hex[:8]
    async with client(stack, "planner", timeout=60) as planner, client(stack, "hr-system", timeout=60) as hr:
        registered = await _data(
            planner,
            url,
            "mutation($i: OrganizationInput!) { registerOrganization(input: $i) { id } }",
            i={"code": f"PAGE-{tag}".upper(), "name": f"Bläddringsnämnden {tag}", "kind": "COMMITTEE"},
        )
        org = registered["registerOrganization"]["id"]
        goal_ids = [
            await _create_goal(planner, url, level="OPERATIONAL", title=f"Sida {tag} mål {i}", organizationIds=[org])
            for i in range(ITEMS)
        ]
        # A verksamhetsmål of BUN, adopted, for medarbetarmål of the unit BUF-CENTRUM (demo data) to hang on.
        kf, bun, unit = (
            await _org(planner, url, "KF"),
            await _org(planner, url, "BUN"),
            await _org(planner, url, "BUF-CENTRUM"),
        )
        top = await _create_goal(planner, url, level="OVERARCHING", title=f"Sidtopp {tag}")
        await _adopt(planner, url, top, kf, "2026-01-01")
        concrete = await _create_goal(
            planner,
            url,
            level="CONCRETE",
            title=f"Sidkonkret {tag}",
            parentIds=[top],
            organizationIds=[bun],
            validFrom="2026-01-01",
            validTo="2027-12-31",
        )
        await _adopt(planner, url, concrete, kf, "2026-01-02")
        operational = await _create_goal(
            planner, url, level="OPERATIONAL", title=f"Sidmål {tag}", parentIds=[concrete], organizationIds=[bun]
        )
        await _adopt(planner, url, operational, bun, "2026-01-03")
        rows = [
            {
                "externalId": f"page-{tag}-{i}",
                "employeeRef": f"page-{tag}-{i % 3}",
                "unitId": unit,
                "operationalGoalId": operational,
                "title": f"Personligt mål {i}",
            }
            for i in range(ITEMS)
        ]
        upserted = await _data(
            hr,
            url,
            "mutation($s: String!, $g: [EmployeeGoalInput!]!) { upsertEmployeeGoals(sourceSystem: $s, goals: $g) "
            "{ created errors { index message } } }",
            s=f"page-{tag}",
            g=rows,
        )
        assert upserted["upsertEmployeeGoals"] == {"created": ITEMS, "errors": []}
        # The medarbetarmål in the order the list keeps (as stored), read whole in one page.
        whole = await _data(hr, url, EMPLOYEE_GOALS_PAGE, goal=operational, first=100)
        employee_goal_ids = [e["node"]["id"] for e in whole["list"]["edges"]]
    assert len(employee_goal_ids) == ITEMS
    return Lists(org, goal_ids, operational, employee_goal_ids)


@pytest.fixture
async def planner(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with client(stack, "planner", timeout=60) as http:
        yield http


@pytest.fixture
async def hr(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with client(stack, "hr-system", timeout=60) as http:
        yield http


class Pager:
    """One connection field, paged through the gateway."""

    def __init__(self, http: httpx.AsyncClient, url: str, query: str, **fixed: Any) -> None:
        self.http, self.url, self.query, self.fixed = http, url, query, fixed

    async def page(self, **args: Any) -> dict[str, Any]:
        data = await _data(self.http, self.url, self.query, **self.fixed, **args)
        found: dict[str, Any] = data["goal"]["list"] if "goal" in data else data["list"]
        return found

    async def errors(self, **args: Any) -> list[dict[str, Any]]:
        body = await gql(self.http, self.url, self.query, {**self.fixed, **args})
        assert body.get("errors"), f"expected errors, got {body}"
        errors: list[dict[str, Any]] = body["errors"]
        return errors


def ids(page: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in page["edges"]]


def check_page_info(page: dict[str, Any], *, previous: bool, following: bool) -> None:
    info, edges = page["pageInfo"], page["edges"]
    assert (info["hasPreviousPage"], info["hasNextPage"]) == (previous, following), info
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)


async def forward_and_backward(pager: Pager, expected: list[str]) -> None:
    """Pages of 3 from the start and from the end: the same items, in the same order, with the right ends."""
    forward: list[str] = []
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        page = await pager.page(first=3, after=after)
        assert page["totalCount"] == ITEMS
        pages.append(page)
        forward += ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(pages) <= ITEMS, "paging forward does not end"
    assert [len(p["edges"]) for p in pages] == [3, 3, 1]
    for index, page in enumerate(pages):
        check_page_info(page, previous=index > 0, following=index < len(pages) - 1)

    backward: list[str] = []
    pages = []
    before = None
    while True:
        page = await pager.page(last=3, before=before)
        assert page["totalCount"] == ITEMS
        pages.append(page)
        backward = ids(page) + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
        assert len(pages) <= ITEMS, "paging backward does not end"
    assert [len(p["edges"]) for p in pages] == [3, 3, 1]
    for index, page in enumerate(pages):
        check_page_info(page, previous=index < len(pages) - 1, following=index > 0)

    assert forward == backward == expected

    # Cursors of either direction work in the other, and both together bound a window.
    everything = await pager.page(first=ITEMS)
    cursors = [e["cursor"] for e in everything["edges"]]
    assert ids(everything) == expected
    check_page_info(everything, previous=False, following=False)
    window = await pager.page(after=cursors[1], before=cursors[5], first=10)
    assert ids(window) == expected[2:5]
    check_page_info(window, previous=True, following=True)
    window = await pager.page(after=cursors[1], before=cursors[5], last=2)
    assert ids(window) == expected[3:5]
    check_page_info(window, previous=True, following=True)
    # Past either end: an empty page that still knows what lies on the other side.
    past_end = await pager.page(first=3, after=cursors[-1])
    assert past_end["edges"] == [] and past_end["totalCount"] == ITEMS
    check_page_info(past_end, previous=True, following=False)
    before_start = await pager.page(last=3, before=cursors[0])
    check_page_info(before_start, previous=False, following=True)
    # Page sizes 0: no items, and whether there are any that way.
    check_page_info(await pager.page(first=0), previous=False, following=True)
    check_page_info(await pager.page(last=0), previous=True, following=False)


async def test_goals_page_the_same_forward_and_backward(stack: Stack, lists: Lists, planner: httpx.AsyncClient) -> None:
    pager = Pager(planner, stack.config.gateway_url, GOALS_PAGE, org=lists.organization)
    await forward_and_backward(pager, lists.goal_ids)


async def test_employee_goals_page_the_same_forward_and_backward(
    stack: Stack, lists: Lists, hr: httpx.AsyncClient
) -> None:
    for query in (EMPLOYEE_GOALS_PAGE, NESTED_EMPLOYEE_GOALS_PAGE):
        pager = Pager(hr, stack.config.gateway_url, query, goal=lists.operational_goal)
        await forward_and_backward(pager, lists.employee_goal_ids)


def refused_as(errors: list[dict[str, Any]], field: str, rule: str) -> None:
    [error] = errors
    extensions = error["extensions"]
    assert (extensions["code"], extensions["field"], extensions["rule"]) == ("BAD_USER_INPUT", field, rule), error
    assert field in error["message"]


def flip_a_bit(cursor: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(cursor))
    raw[index % len(raw)] ^= 0x10
    return base64.urlsafe_b64encode(bytes(raw)).decode()


async def test_forged_and_foreign_cursors_are_refused_naming_the_argument(
    stack: Stack, lists: Lists, planner: httpx.AsyncClient, hr: httpx.AsyncClient
) -> None:
    url = stack.config.gateway_url
    goals = Pager(planner, url, GOALS_PAGE, org=lists.organization)
    employee_goals = Pager(hr, url, EMPLOYEE_GOALS_PAGE, goal=lists.operational_goal)
    goal_cursor = (await goals.page(first=2))["pageInfo"]["endCursor"]
    employee_goal_cursor = (await employee_goals.page(first=2))["pageInfo"]["endCursor"]
    assert goal_cursor != employee_goal_cursor

    forged = [flip_a_bit(goal_cursor, i) for i in (0, 5, 12, 23)]  # version, position, tag
    garbage = [
        base64.urlsafe_b64encode(os.urandom(24)).decode(),  # the right length, random
        base64.urlsafe_b64encode(os.urandom(9)).decode(),
        base64.urlsafe_b64encode(b"c:2").decode(),  # what a cursor used to be
        "inte en markör",
        goal_cursor[:-2],
        goal_cursor + "AAAA",
    ]
    for bad in [*forged, *garbage, employee_goal_cursor]:
        refused_as(await goals.errors(first=2, after=bad), "after", "cursor.invalid")
        refused_as(await goals.errors(last=2, before=bad), "before", "cursor.invalid")
    # A goal's cursor in the list of medarbetarmål, top level and nested.
    refused_as(await employee_goals.errors(first=2, after=goal_cursor), "after", "cursor.invalid")
    nested = Pager(hr, url, NESTED_EMPLOYEE_GOALS_PAGE, goal=lists.operational_goal)
    refused_as(await nested.errors(last=2, before=goal_cursor), "before", "cursor.invalid")
    # The genuine cursors still work.
    assert len((await goals.page(first=2, after=goal_cursor))["edges"]) == 2
    assert len((await employee_goals.page(last=2, before=employee_goal_cursor))["edges"]) == 1


async def test_page_sizes_out_of_bounds_or_both_directions_are_refused(
    stack: Stack, lists: Lists, planner: httpx.AsyncClient
) -> None:
    goals = Pager(planner, stack.config.gateway_url, GOALS_PAGE, org=lists.organization)
    refused_as(await goals.errors(first=3, last=3), "last", "page.first_and_last")
    refused_as(await goals.errors(first=-1), "first", "page.size")
    refused_as(await goals.errors(first=1001), "first", "page.size")
    refused_as(await goals.errors(last=-1), "last", "page.size")
    refused_as(await goals.errors(last=1001), "last", "page.size")
    assert len((await goals.page(last=1000))["edges"]) == ITEMS


async def test_the_committed_api_schema_is_what_the_gateway_serves(stack: Stack) -> None:
    async with client(stack, "reader", timeout=60) as reader:
        introspection = await _data(
            reader, stack.config.gateway_url, graphql.get_introspection_query(descriptions=True, specified_by_url=True)
        )
    served = graphql.build_client_schema(introspection)
    committed = graphql.build_schema(API_SCHEMA.read_text())
    # The front door's introspection may also define the supergraph's @requiresScopes and its scalar (the
    # Node gateway's did; never applied there: introspection shows no applied directives); they are the
    # federation's, not the API's.
    served = graphql.GraphQLSchema(
        query=served.query_type,
        mutation=served.mutation_type,
        types=[t for name, t in served.type_map.items() if name != "requiresScopes__Scope"],
        directives=[d for d in served.directives if d.name != "requiresScopes"],
    )

    def printed(schema: graphql.GraphQLSchema) -> str:
        return graphql.print_schema(graphql.lexicographic_sort_schema(schema))

    assert printed(served) == printed(committed)
    for name in ("Date", "DateTime", "Decimal"):
        scalar = served.get_type(name)
        assert isinstance(scalar, graphql.GraphQLScalarType) and scalar.specified_by_url, name
