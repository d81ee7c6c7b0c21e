"""A real trace follows the current OpenTelemetry semantic conventions (issue 15).

One mutation through the front door (Hive Router): its HTTP and GraphQL spans, its fetch from the goals
subgraph, the subgraph's HTTP, GraphQL and SQL spans, the outbox relay's Kafka send and the followup
consumer's processing with its SQL. Every attribute in a convention's namespace must be a name the
installed `opentelemetry-semantic-conventions` package knows and does not mark deprecated (the
registry is read from the package, vsm_dev.semconv), each kind of span must carry the attributes the
conventions require of it, and no value the client sent may appear in any span.

The router's span names are its own (`http.server`, `graphql.operation`, `http.client`, ...), not the
conventions', and two of its graphql.* attributes are not in the conventions: a known difference of Hive
Router 0.3.10, asserted exactly as it exports them (vsm_dev.semconv.ROUTER_SPANS), so an upgrade that
changes them is noticed.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import client, eventually
from vsm_dev.semconv import (
    ROUTER_COMMON_ATTRIBUTES,
    ROUTER_NON_CONVENTION_ATTRIBUTES,
    ROUTER_SCOPE,
    ROUTER_SPANS,
    Registry,
    installed_registry,
)
from vsm_dev.stack import Stack

Span = dict[str, Any]

CONVENTION_NAMESPACES = (
    "http.",
    "db.",
    "messaging.",
    "url.",
    "server.",
    "client.",
    "network.",
    "graphql.",
    "error.",
    "user_agent.",
    "cloudevents.",
)
TOPIC = "vsm.goals.events"
MUTATION = """
mutation SemconvProbe($title: String!) {
  createGoal(input: {level: OVERARCHING, title: $title, description: "%s"}) { id }
}
"""


class SpanFile:
    """Reads the spans of one trace from the sink's JSON Lines file, only what was appended since last time.

    The file holds every span of the test session; reading and parsing all of it twice a second
    would load the machine the other tests run on.
    """

    def __init__(self, path: Path, trace_id: str) -> None:
        self._path = path
        self._trace_id = trace_id
        self._offset = 0
        self.spans: list[Span] = []

    def read(self) -> list[Span]:
        try:
            with self._path.open("rb") as f:
                f.seek(self._offset)
                chunk = f.read()
        except FileNotFoundError:
            return self.spans
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line being appended is read next time
        self._offset += len(complete)
        needle = self._trace_id.encode()
        self.spans += [json.loads(line) for line in complete.splitlines() if needle in line]
        return self.spans


def convention_problems(registry: Registry, spans: list[Span]) -> list[str]:
    """Attributes in a convention's namespace that are not current convention names or values; the
    router's own graphql.* attributes (ROUTER_NON_CONVENTION_ATTRIBUTES) are asserted elsewhere."""
    problems = []
    for span in spans:
        for name, value in span["attributes"].items():
            if not name.startswith(CONVENTION_NAMESPACES):
                continue
            if span["scope"] == ROUTER_SCOPE and name in ROUTER_NON_CONVENTION_ATTRIBUTES:
                continue
            problem = registry.problem(name) or registry.value_problem(name, value)
            if problem:
                problems.append(f"{span['service']} {span['name']!r}: {problem}")
    return problems


def missing(span: Span, required: set[str]) -> set[str]:
    return required - set(span["attributes"])


def one(spans: list[Span], what: str, test: Callable[[Span], bool]) -> Span:
    found = [s for s in spans if test(s)]
    assert found, f"no {what} in the trace: {sorted({(s['service'], s['name']) for s in spans})}"
    return found[0]


@pytest.mark.e2e
async def test_trace_follows_the_current_semantic_conventions(stack: Stack) -> None:
    registry = installed_registry()
    trace_id, client_span_id = secrets.token_hex(16), secrets.token_hex(8)
    title = f"Semconv title {secrets.token_hex(6)}"  # a variable
    description = f"Semconv literal {secrets.token_hex(6)}"  # a literal in the document
    async with client(stack, "planner", timeout=30) as planner:
        resp = await planner.post(
            stack.config.gateway_url,
            json={"query": MUTATION % description, "variables": {"title": title}, "operationName": "SemconvProbe"},
            headers={"traceparent": f"00-{trace_id}-{client_span_id}-01"},
        )
    assert resp.status_code == 200 and not resp.json().get("errors"), resp.text

    file = SpanFile(stack.config.spans_path, trace_id)

    def is_send(s: Span) -> bool:
        return s["kind"] == "PRODUCER" and s["name"] == f"send {TOPIC}"

    def is_process(s: Span) -> bool:
        return s["kind"] == "CONSUMER" and s["service"] == "vsm-followup"

    async def complete() -> list[Span] | None:
        # Each process exports in its own batches, and the send span ends with Kafka's
        # acknowledgement: wait for the last pieces of each part of the chain.
        spans = file.read()
        process = [s for s in spans if is_process(s)]
        wanted = (
            any(is_send(s) for s in spans)
            and bool(process)
            and any(s["parent_span_id"] == process[0]["span_id"] and s["kind"] == "CLIENT" for s in spans)
            # the router's root span ends, and is exported, after all its others
            and any(s["service"] == "vsm-gateway" and s["name"] == "http.server" for s in spans)
            and any(s["service"] == "vsm-goals" and s["kind"] == "SERVER" for s in spans)
        )
        return spans if wanted else None

    spans = await eventually(complete, timeout=90, what="the mutation's trace to reach the span file")

    # Every name in a convention's namespace is current, on every span of the trace.
    assert convention_problems(registry, spans) == []

    # Nothing the client sent, as a variable or as a literal in the document, is in any span.
    for span in spans:
        text = json.dumps(span["attributes"], ensure_ascii=False)
        assert title not in text and description not in text, (span["service"], span["name"])
        assert "graphql.document" not in span["attributes"]

    # The router's spans: only the names it is known to export, each with its kind and exactly its attributes.
    router = [s for s in spans if s["service"] == "vsm-gateway"]
    assert {s["scope"] for s in router} == {ROUTER_SCOPE}
    by_id = {s["span_id"]: s for s in router}
    for span in router:
        known = ROUTER_SPANS.get(span["name"])
        assert known is not None, f"a router span vsm_dev.semconv does not know: {span['name']!r}"
        assert span["kind"] == known.kind, (span["name"], span["kind"])
        attributes = set(span["attributes"]) - ROUTER_COMMON_ATTRIBUTES
        assert span["attributes"]["hive.kind"] == span["name"], span["attributes"]
        if known.kind == "INTERNAL":
            # internal steps: what they record depends on the caches; never more than this
            assert attributes <= known.attributes, (span["name"], attributes - known.attributes)
        else:
            assert attributes == known.attributes, (span["name"], attributes ^ known.attributes)
        if known.parent is not None:
            assert by_id[span["parent_span_id"]]["name"] == known.parent, span["name"]

    # HTTP server spans: the router's (named http.server, not the conventions' "POST /graphql") and the
    # subgraph's.
    http_server = {"http.request.method", "url.scheme", "url.path", "http.route", "http.response.status_code"}
    gateway_server = one(spans, "router HTTP server span", lambda s: s in router and s["name"] == "http.server")
    goals_server = one(spans, "goals HTTP server span", lambda s: s["service"] == "vsm-goals" and s["kind"] == "SERVER")
    for span in (gateway_server, goals_server):
        assert not missing(span, http_server | {"server.address", "server.port"}), (span["name"], span["attributes"])
        assert span["attributes"]["http.response.status_code"] == 200
        assert span["attributes"]["server.address"] == stack.config.host, "the host alone; the port is server.port"
    assert gateway_server["name"] == "http.server" and goals_server["name"] == "POST /graphql"
    assert gateway_server["attributes"]["http.route"] == "/graphql"
    assert gateway_server["parent_span_id"] == client_span_id, "the router continues the client's traceparent"
    assert not missing(goals_server, {"client.address", "network.protocol.version"})

    # The router's fetch from the subgraph: an HTTP client span (http.client, not "POST") inside the
    # subgraph operation's span.
    fetch = one(
        spans,
        "router HTTP client span",
        lambda s: s in router and s["kind"] == "CLIENT" and "url.full" in s["attributes"],
    )
    assert not missing(fetch, {"http.request.method", "url.full", "server.address", "server.port"}), fetch
    assert fetch["attributes"]["http.response.status_code"] == 200 and fetch["name"] == "http.client"
    assert fetch["attributes"]["url.full"] == stack.config.service_url("goals") + "/graphql"
    assert goals_server["parent_span_id"] == fetch["span_id"], "the subgraph continues the router's fetch"
    subgraph_call = by_id[fetch["parent_span_id"]]
    assert subgraph_call["name"] == "graphql.subgraph.operation"
    assert subgraph_call["attributes"]["hive.graphql.subgraph.name"] == "goals"

    # GraphQL operation spans, at the router (the client's named operation) and in the subgraph.
    gateway_operation = one(
        spans, "router GraphQL operation span", lambda s: s in router and s["name"] == "graphql.operation"
    )
    assert gateway_operation["attributes"]["graphql.operation.name"] == "SemconvProbe"
    assert gateway_operation["attributes"]["graphql.operation.type"] == "mutation"
    assert gateway_operation["attributes"]["cost.result"] == "COST_OK"
    subgraph_operation = one(
        spans, "goals GraphQL span", lambda s: s["service"] == "vsm-goals" and s["scope"] == "vsm.graphql"
    )
    assert subgraph_operation["attributes"]["graphql.operation.type"] == "mutation"
    # The router forwards the client's name with the fetch's id (forward_operation_name): goals names its span so.
    sub_name = subgraph_operation["attributes"].get("graphql.operation.name")
    assert sub_name == subgraph_call["attributes"]["graphql.operation.name"], (sub_name, subgraph_call)
    assert sub_name is not None and sub_name.startswith("SemconvProbe__") and sub_name[14:].isdigit(), sub_name
    assert subgraph_operation["name"] == f"mutation {sub_name}"
    assert subgraph_operation["parent_span_id"] == goals_server["span_id"]

    # Database spans, in the request and in the consumer.
    db_required = {
        "db.system.name",
        "db.namespace",
        "db.query.text",
        "db.operation.name",
        "server.address",
        "server.port",
    }
    db_spans = [s for s in spans if s["scope"] == "opentelemetry.instrumentation.asyncpg"]
    assert {s["service"] for s in db_spans} >= {"vsm-goals", "vsm-followup"}
    for span in db_spans:
        attributes = span["attributes"]
        assert not missing(span, db_required), (span["name"], attributes)
        assert attributes["db.system.name"] == "postgresql"
        assert span["name"] == attributes["db.operation.name"]
        assert not [n for n in attributes if n.startswith(("db.query.parameter", "db.statement"))], attributes
    insert = one(spans, "INSERT INTO goals", lambda s: "INSERT INTO goals" in s["attributes"].get("db.query.text", ""))
    assert "$1" in insert["attributes"]["db.query.text"], "parameters are placeholders, never values"

    # Messaging: the relay's send and the consumer's processing, one trace across Kafka.
    messaging = {
        "messaging.system",
        "messaging.operation.type",
        "messaging.operation.name",
        "messaging.destination.name",
        "messaging.destination.partition.id",
        "messaging.message.id",
        "messaging.kafka.message.key",
        "messaging.kafka.offset",
    }
    send = one(spans, "relay send span", is_send)
    process = one(spans, "followup process span", is_process)
    assert send["service"] == "vsm-goals"
    assert not missing(send, messaging), send["attributes"]
    assert not missing(process, messaging | {"messaging.consumer.group.name"}), process["attributes"]
    assert send["attributes"]["messaging.operation.type"] == "send"
    assert process["attributes"]["messaging.operation.type"] == "process"
    assert process["name"] == f"process {TOPIC}"
    for span in (send, process):
        assert span["attributes"]["messaging.system"] == "kafka"
        assert span["attributes"]["messaging.destination.name"] == TOPIC
    assert process["parent_span_id"] == send["span_id"], "the consumer continues the send across Kafka"
    for name in ("messaging.destination.partition.id", "messaging.kafka.offset", "messaging.message.id"):
        assert process["attributes"][name] == send["attributes"][name], name

    # The values vsm means are the conventions' well-known ones, not custom spellings.
    for span in (send, process, subgraph_operation, gateway_operation, subgraph_call, *db_spans):
        for name in ("messaging.system", "messaging.operation.type", "db.system.name", "graphql.operation.type"):
            if name in span["attributes"]:
                assert registry.is_well_known(name, span["attributes"][name]), (name, span["attributes"][name])


def test_the_router_s_own_names_are_all_it_adds_to_the_conventions() -> None:
    """The router's spans as vsm_dev.semconv writes them down: every attribute in a convention's namespace is
    a current convention name, but for ROUTER_NON_CONVENTION_ATTRIBUTES, which are indeed not (when the
    conventions adopt one, it leaves that list); its span names are not the conventions' HTTP or GraphQL
    names, which is why the trace test looks for them by the router's names."""
    registry = installed_registry()
    spans = [
        {"service": "vsm-gateway", "scope": ROUTER_SCOPE, "name": name, "attributes": dict.fromkeys(span.attributes, 1)}
        for name, span in ROUTER_SPANS.items()
    ]
    assert convention_problems(registry, spans) == []
    for name in ROUTER_NON_CONVENTION_ATTRIBUTES:
        assert name.startswith(CONVENTION_NAMESPACES) and registry.problem(name), name
    # What the router adds outside the conventions' namespaces, and nothing else.
    own = {a for span in ROUTER_SPANS.values() for a in span.attributes if not a.startswith(CONVENTION_NAMESPACES)}
    assert own == {
        "router.request_id",
        "hive.graphql.operation.hash",
        "hive.supergraph.name",
        "hive.graphql.subgraph.name",
        "cost.estimated",
        "cost.actual",
        "cost.delta",
        "cost.result",
        "cache.hit",
    }
    assert {n: s.kind for n, s in ROUTER_SPANS.items() if s.kind != "INTERNAL"} == {
        "http.server": "SERVER",
        "graphql.operation": "SERVER",
        "graphql.subgraph.operation": "CLIENT",
        "http.client": "CLIENT",
    }
    # The same span as another convention-namespace attribute would be refused, so the exception is narrow.
    refused = [{**spans[0], "attributes": {"graphql.document.text": "x"}}]
    assert convention_problems(registry, refused)
