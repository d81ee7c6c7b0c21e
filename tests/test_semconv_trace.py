"""A real trace follows the current OpenTelemetry semantic conventions (issue 15).

One mutation through the gateway: the gateway's HTTP and GraphQL spans, its fetch from the goals
subgraph, the subgraph's HTTP, GraphQL and SQL spans, the outbox relay's Kafka send and the followup
consumer's processing with its SQL. Every attribute in a convention's namespace must be a name the
installed `opentelemetry-semantic-conventions` package knows and does not mark deprecated (the
registry is read from the package, vsm_dev.semconv), each kind of span must carry the attributes the
conventions require of it, and no value the client sent may appear in any span.
"""

from __future__ import annotations

import json
import secrets
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import client, eventually
from vsm_dev.semconv import Registry, installed_registry
from vsm_dev.stack import GATEWAY_DIR, Stack

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
    problems = []
    for span in spans:
        for name, value in span["attributes"].items():
            if not name.startswith(CONVENTION_NAMESPACES):
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
    trace_id = secrets.token_hex(16)
    title = f"Semconv title {secrets.token_hex(6)}"  # a variable
    description = f"Semconv literal {secrets.token_hex(6)}"  # a literal in the document
    async with client(stack, "planner", timeout=30) as planner:
        resp = await planner.post(
            stack.config.gateway_url,
            json={"query": MUTATION % description, "variables": {"title": title}, "operationName": "SemconvProbe"},
            headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
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
            and any(s["service"] == "vsm-gateway" and s["kind"] == "SERVER" for s in spans)
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

    # HTTP server spans: the gateway's and the subgraph's.
    http_server = {"http.request.method", "url.scheme", "url.path", "http.route", "http.response.status_code"}
    gateway_server = one(
        spans, "gateway HTTP server span", lambda s: s["service"] == "vsm-gateway" and s["kind"] == "SERVER"
    )
    goals_server = one(spans, "goals HTTP server span", lambda s: s["service"] == "vsm-goals" and s["kind"] == "SERVER")
    for span in (gateway_server, goals_server):
        assert not missing(span, http_server | {"server.address", "server.port"}), (span["name"], span["attributes"])
        assert span["name"] == "POST /graphql"
        assert span["attributes"]["http.response.status_code"] == 200
        assert span["attributes"]["server.address"] == stack.config.host, "the host alone; the port is server.port"
    assert not missing(goals_server, {"client.address", "network.protocol.version"})

    # The gateway's fetch from the subgraph: an HTTP client span.
    fetch = one(
        spans,
        "gateway HTTP client span",
        lambda s: s["service"] == "vsm-gateway" and s["kind"] == "CLIENT" and "url.full" in s["attributes"],
    )
    assert not missing(fetch, {"http.request.method", "url.full", "server.address", "server.port"}), fetch
    assert fetch["attributes"]["http.response.status_code"] == 200 and fetch["name"] == "POST"
    assert goals_server["parent_span_id"] == fetch["span_id"], "the subgraph continues the gateway's fetch"

    # GraphQL operation spans, at the gateway (the client's named operation) and in the subgraph.
    gateway_operation = one(
        spans,
        "gateway GraphQL operation span",
        lambda s: s["service"] == "vsm-gateway" and s["attributes"].get("hive.graphql") is True,
    )
    assert gateway_operation["name"] == "mutation SemconvProbe"
    assert gateway_operation["attributes"]["graphql.operation.name"] == "SemconvProbe"
    subgraph_operation = one(
        spans, "goals GraphQL span", lambda s: s["service"] == "vsm-goals" and s["scope"] == "vsm.graphql"
    )
    assert subgraph_operation["attributes"]["graphql.operation.type"] == "mutation"
    # The gateway names its subgraph operations or not (it does not today): the span name follows.
    sub_name = subgraph_operation["attributes"].get("graphql.operation.name")
    assert subgraph_operation["name"] == ("mutation" if sub_name is None else f"mutation {sub_name}")
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
    for span in (send, process, subgraph_operation, *db_spans):
        for name in ("messaging.system", "messaging.operation.type", "db.system.name", "graphql.operation.type"):
            if name in span["attributes"]:
                assert registry.is_well_known(name, span["attributes"][name]), (name, span["attributes"][name])


GATEWAY_MAPPING = """
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register('@graphql-hive/importer/hooks', pathToFileURL(process.cwd() + '/'));
const semconv = await import(pathToFileURL(process.cwd() + '/src/semconv.ts').href);
const cases = JSON.parse(process.argv[1]);
const out = cases.map(([name, kind, attributes]) => {
  const stable = semconv.stableAttributes(kind, attributes);
  return { name: semconv.stableSpanName(name, kind, stable), attributes: stable };
});
process.stdout.write(JSON.stringify(out));
"""

# What @graphql-hive/plugin-opentelemetry 1.5 writes (services/gateway/node_modules/.../circuit-breaker-exporter-*.js).
HIVE_SERVER = {
    "http.method": "GET",
    "http.url": 'http://127.0.0.1:4000/graphql?query={goals{id}}&variables={"x":"Anna"}',
    "http.route": "/graphql",
    "http.scheme": "http:",
    "net.host.name": "127.0.0.1",
    "http.host": "127.0.0.1:4000",
    "http.client_ip": "10.0.0.7",
    "http.user_agent": "curl/8",
    "http.status_code": 200,
    "hive.request": True,
}
HIVE_FETCH = {
    "http.method": "POST",
    "http.url": "http://127.0.0.1:4001/graphql",
    "net.host.name": "127.0.0.1",
    "http.host": "127.0.0.1:4001",
    "http.route": "/graphql",
    "http.scheme": "http:",
    "http.status_code": 502,
}
HIVE_OPERATION = {
    "graphql.document": 'mutation X { createGoal(input: {title: "Anna"}) { id } }',
    "graphql.operation.type": "mutation",
    "graphql.operation.name": "X",
    "hive.graphql": True,
}


def test_gateway_exporter_maps_the_plugin_s_attributes_to_current_names() -> None:
    cases = [
        ["GET /graphql", 1, HIVE_SERVER],
        ["http.fetch", 2, HIVE_FETCH],
        ["graphql.operation X", 0, HIVE_OPERATION],
        ["graphql.operation", 0, {"hive.graphql": True}],
        ["subgraph.execute (goals)", 2, {"graphql.document": "{ a }", "graphql.operation.type": "query"}],
    ]
    result = subprocess.run(
        ["node", "--input-type=module", "-e", GATEWAY_MAPPING, json.dumps(cases)],
        cwd=GATEWAY_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    server, fetch, operation, unparsed, subgraph = json.loads(result.stdout)
    spans = [{"service": "vsm-gateway", **span} for span in (server, fetch, operation, unparsed, subgraph)]
    assert convention_problems(installed_registry(), spans) == []

    assert server["name"] == "GET /graphql"
    assert server["attributes"] == {
        "http.request.method": "GET",
        "url.scheme": "http",
        "url.path": "/graphql",
        "url.query": "query=REDACTED&variables=REDACTED",  # GET carries the variables in the URL
        "http.route": "/graphql",
        "server.address": "127.0.0.1",
        "server.port": 4000,
        "client.address": "10.0.0.7",
        "user_agent.original": "curl/8",
        "http.response.status_code": 200,
        "hive.request": True,
    }
    assert fetch["name"] == "POST"
    assert fetch["attributes"] == {
        "http.request.method": "POST",
        "url.full": "http://127.0.0.1:4001/graphql",
        "server.address": "127.0.0.1",
        "server.port": 4001,
        "http.response.status_code": 502,
    }
    assert operation["name"] == "mutation X"
    assert operation["attributes"] == {
        "graphql.operation.type": "mutation",
        "graphql.operation.name": "X",
        "hive.graphql": True,
    }
    assert unparsed["name"] == "GraphQL Operation"
    assert subgraph["name"] == "subgraph.execute (goals)" and "graphql.document" not in subgraph["attributes"]
