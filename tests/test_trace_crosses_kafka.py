"""One trace covers the front door (Hive Router), goals, its SQL, the outbox relay, Kafka and the followup
consumer."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.support import client, eventually
from vsm_dev.otlp_sink import read_spans
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

EVENT = "vsm.goals.goal.created.v1"
TOPIC = "vsm.goals.events"


def is_send(span: dict[str, Any]) -> bool:
    return span["name"] == f"send {TOPIC}" and span["attributes"].get("cloudevents.event_type") == EVENT


def is_process(span: dict[str, Any]) -> bool:
    return (
        span["name"] == f"process {TOPIC}"
        and span["service"] == "vsm-followup"
        and span["attributes"].get("cloudevents.event_type") == EVENT
    )


async def test_trace_crosses_the_kafka_hop(stack: Stack) -> None:
    trace_id, client_span_id = secrets.token_hex(16), secrets.token_hex(8)
    traceparent = f"00-{trace_id}-{client_span_id}-01"
    async with client(stack, "planner", timeout=10) as planner:
        resp = await planner.post(
            stack.config.gateway_url,
            json={"query": 'mutation { createGoal(input: {level: OVERARCHING, title: "Spårat mål"}) { id } }'},
            headers={"traceparent": traceparent},
        )
    assert resp.status_code == 200 and not resp.json().get("errors"), resp.text

    def spans_of_trace() -> list[dict[str, Any]]:
        return [s for s in read_spans(stack.config.spans_path) if s["trace_id"] == trace_id]

    def ancestors(spans: list[dict[str, Any]], start: dict[str, Any]) -> list[dict[str, Any]]:
        by_id = {s["span_id"]: s for s in spans}
        node, chain = start, []
        while node["parent_span_id"] in by_id:
            node = by_id[node["parent_span_id"]]
            chain.append(node)
        return chain

    def chain_up(spans: list[dict[str, Any]], start: dict[str, Any]) -> list[str]:
        return [s["service"] for s in ancestors(spans, start)]

    async def complete() -> list[dict[str, Any]] | None:
        # Each process exports spans in its own batches: wait until the whole chain has arrived.
        spans = spans_of_trace()
        process = [s for s in spans if is_process(s)]
        # ... up to the router's root span, which ends (and is exported) last
        if process and any(s["parent_span_id"] == client_span_id for s in ancestors(spans, process[0])):
            return spans
        return None

    spans = await eventually(complete, timeout=30, what="the whole trace to reach the span file")
    services = {s["service"] for s in spans}
    assert {"vsm-gateway", "vsm-goals", "vsm-followup"} <= services

    [publish] = [s for s in spans if is_send(s)]
    [process] = [s for s in spans if is_process(s)]
    assert publish["service"] == "vsm-goals"
    assert process["parent_span_id"] == publish["span_id"], "the consumer continues the producer's span across Kafka"
    # The relay's span continues the request that wrote the outbox row.
    assert publish["parent_span_id"] is not None
    # SQL of the request and of the consumer is in the trace.
    assert any(
        s["service"] == "vsm-goals" and "INSERT INTO goals" in s["attributes"].get("db.query.text", "") for s in spans
    )
    assert any(s["service"] == "vsm-followup" and s["parent_span_id"] == process["span_id"] for s in spans)
    # Walking up from the consumer reaches a gateway span: one trace, not two glued by id.
    chain = chain_up(spans, process)
    assert chain.index("vsm-goals") < chain.index("vsm-gateway"), chain
    # Through the router's spans (its own names, not the conventions'): goals continues the router's call to
    # it, and the walk ends at the router's http.server, which continues the client's traceparent.
    above = ancestors(spans, process)
    first_router = next(i for i, s in enumerate(above) if s["service"] == "vsm-gateway")
    assert above[first_router]["name"] == "http.client"
    assert above[first_router - 1]["service"] == "vsm-goals" and above[first_router - 1]["kind"] == "SERVER"
    assert [s["name"] for s in above[first_router:]][:2] == ["http.client", "graphql.subgraph.operation"]
    assert above[-1]["name"] == "http.server" and above[-1]["service"] == "vsm-gateway"
    assert above[-1]["parent_span_id"] == client_span_id
