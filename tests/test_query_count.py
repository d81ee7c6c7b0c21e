"""The number of SQL statements of a list query does not grow with the list (DataLoaders, batched _entities)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
import pytest

from tests.support import client, eventually
from vsm_dev.otlp_sink import read_spans
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

QUERY = """query($n: Int) { goals(first: $n) { totalCount edges { node {
    id title parents { id title } children { id } organizations { code parent { code } } themes { name }
    revisions { number } fulfilment { status contributors { status } } plans { id } establishedBy { id }
} } } }"""


async def statements_per_service(stack: Stack, http: httpx.AsyncClient, n: int) -> dict[str, int]:
    trace_id = secrets.token_hex(16)
    resp = await http.post(
        stack.config.gateway_url,
        json={"query": QUERY, "variables": {"n": n}},
        headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
    )
    body = resp.json()
    assert not body.get("errors"), body["errors"]
    assert len(body["data"]["goals"]["edges"]) == min(n, body["data"]["goals"]["totalCount"])

    async def spans() -> list[dict[str, Any]] | None:
        found = [s for s in read_spans(stack.config.spans_path) if s["trace_id"] == trace_id]
        services = {s["service"] for s in found}
        return found if {"vsm-goals", "vsm-planning", "vsm-followup", "vsm-gateway"} <= services else None

    await eventually(spans, what="the request's spans")
    # Each process exports in batches every 0.5 s: give the last batches time to land.
    await asyncio.sleep(2.0)
    found = [s for s in read_spans(stack.config.spans_path) if s["trace_id"] == trace_id]
    counts: dict[str, int] = {}
    for s in found:
        if s["attributes"].get("db.system") == "postgresql" or s["attributes"].get("db.system.name") == "postgresql":
            counts[s["service"]] = counts.get(s["service"], 0) + 1
    return counts


async def test_statement_count_is_independent_of_page_size(stack: Stack) -> None:
    async with client(stack, "planner") as planner, client(stack, "reader") as reader:
        for i in range(30):  # enough goals that the larger page is three times the smaller
            created = await planner.post(
                stack.config.gateway_url,
                json={"query": f'mutation {{ createGoal(input: {{level: OVERARCHING, title: "Mål {i}"}}) {{ id }} }}'},
            )
            assert not created.json().get("errors"), created.text
        # The first ten goals (demo data) already hold every kind of relation (themes, parents,
        # children, recipients, plans), so a larger page only adds rows, not kinds of queries.
        small = await statements_per_service(stack, reader, 10)
        large = await statements_per_service(stack, reader, 1000)
    print(f"SQL statements per service: 10 goals {small}, 1000 goals {large}")
    assert small["vsm-goals"] > 0
    for service in ("vsm-goals", "vsm-planning", "vsm-followup"):
        assert large.get(service, 0) <= small.get(service, 0), (service, small, large)
