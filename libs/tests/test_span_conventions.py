"""vsm's own spans and span processing follow the OpenTelemetry semantic conventions (no stack needed).

tests/test_semconv_trace.py checks a real trace end to end; these pin the pieces: the opt-in, the
database span completion, the Kafka send and process spans and the GraphQL operation span.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import pytest
import strawberry
from aiokafka import ConsumerRecord
from graphql import GraphQLError, parse
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from vsm_common import consumer as consumer_module
from vsm_common import graphql as graphql_module
from vsm_common import outbox as outbox_module
from vsm_common.consumer import InboxConsumer
from vsm_common.events import CloudEvent
from vsm_common.graphql import OperationSpan, error_type, operation_span_details
from vsm_common.outbox import OutboxRelay
from vsm_common.telemetry import (
    ASYNCPG_SCOPE,
    DatabaseSpanConventions,
    db_operation_name,
    host_of,
    server_request_hook,
    stability_opt_in,
)
from vsm_common.tracing import kafka_process_attributes, kafka_send_attributes
from vsm_dev.semconv import installed_registry

CONVENTION_NAMESPACES = ("http.", "db.", "messaging.", "url.", "server.", "graphql.", "network.", "error.")


def assert_current_names(attributes: dict[str, Any]) -> None:
    registry = installed_registry()
    problems = [
        registry.problem(name) or registry.value_problem(name, value)
        for name, value in attributes.items()
        if name.startswith(CONVENTION_NAMESPACES)
    ]
    assert not [p for p in problems if p], problems
    # Where the conventions list the value vsm means, that value is used (not a custom spelling).
    for name in ("messaging.system", "messaging.operation.type", "db.system.name", "graphql.operation.type"):
        if name in attributes:
            assert registry.is_well_known(name, attributes[name]), (name, attributes[name])


@pytest.fixture
def spans() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(DatabaseSpanConventions())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


# -- opt-in ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (None, "http,database"),
        ("", "http,database"),
        ("http", "http,database"),
        ("database, http", "database,http"),
        ("gen_ai_latest_experimental", "gen_ai_latest_experimental,http,database"),
        # An operator's phased rollout (old and new names side by side) is kept, not overridden.
        ("http/dup", "http/dup,database"),
        ("database/dup,http", "database/dup,http"),
    ],
)
def test_stability_opt_in_adds_http_and_database(current: str | None, expected: str) -> None:
    assert stability_opt_in(current) == expected


# -- HTTP server spans ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authority", "host"),
    [
        ("127.0.0.1:4001", "127.0.0.1"),
        ("goals", "goals"),
        ("goals.vsm.svc:4001", "goals.vsm.svc"),
        ("[::1]:4001", "::1"),
        ("[::1]", "::1"),
        ("::1", "::1"),  # not valid in a Host header, but not mangled either
    ],
)
def test_host_of(authority: str, host: str) -> None:
    assert host_of(authority) == host


def test_server_request_hook_keeps_the_port_out_of_server_address(
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans
    with provider.get_tracer("test").start_as_current_span(
        "POST /graphql", attributes={"server.address": "127.0.0.1:4001", "server.port": 4001}
    ) as span:
        server_request_hook(span, {"type": "http", "headers": [(b"host", b"127.0.0.1:4001")]})
    [done] = exporter.get_finished_spans()
    assert (done.attributes or {})["server.address"] == "127.0.0.1"
    assert (done.attributes or {})["server.port"] == 4001


# -- database spans ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT 1", "SELECT"),
        ("BEGIN;", "BEGIN"),
        ("  insert into goals (id) values ($1)", "INSERT"),
        ("/* loader */ SELECT id FROM goals WHERE id = ANY($1::uuid[])", "SELECT"),
        ("-- why\nDELETE FROM outbox WHERE published_at < now() - $1::interval", "DELETE"),
        ('LISTEN "goals_outbox"', "LISTEN"),
        ("WITH moved AS (UPDATE goals SET x = $1 RETURNING id) SELECT count(*) FROM moved", "UPDATE"),
        ("WITH RECURSIVE tree AS (SELECT 1) SELECT * FROM tree", "SELECT"),
        ("", None),
        (None, None),
        ("  ;", None),
    ],
)
def test_db_operation_name_is_the_first_operation(query: str | None, expected: str | None) -> None:
    assert db_operation_name(query) == expected


def test_asyncpg_spans_get_the_operation_name_and_a_conventional_name(
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans
    stable: dict[str, Any] = {
        "db.system.name": "postgresql",
        "db.namespace": "vsm",
        "db.query.text": "COMMIT;",
        "server.address": "127.0.0.1",
        "server.port": 5433,
        "network.transport": "tcp",
    }
    with provider.get_tracer(ASYNCPG_SCOPE).start_as_current_span("COMMIT;", kind=SpanKind.CLIENT, attributes=stable):
        pass
    # Spans of other scopes are left alone, whatever their attributes.
    with provider.get_tracer("vsm.other").start_as_current_span("mine", attributes={"db.query.text": "SELECT 1"}):
        pass
    db_span, other = exporter.get_finished_spans()
    assert db_span.name == "COMMIT"
    assert dict(db_span.attributes or {}) == {**stable, "db.operation.name": "COMMIT"}
    assert_current_names(dict(db_span.attributes or {}))
    assert other.name == "mine" and "db.operation.name" not in (other.attributes or {})


# -- messaging spans ---------------------------------------------------------------------------------


def test_kafka_attributes_use_current_names() -> None:
    send = kafka_send_attributes(topic="vsm.goals.events", key=b"g-1", message_id="e-1", event_type="t.v1")
    process = kafka_process_attributes(
        topic="vsm.goals.events", partition=3, offset=12, key=None, group="followup.x", message_id="e-1", event_type="t"
    )
    assert send["messaging.operation.type"] == "send" and send["messaging.kafka.message.key"] == "g-1"
    assert process["messaging.operation.type"] == "process"
    assert process["messaging.destination.partition.id"] == "3"
    assert "messaging.kafka.message.key" not in process  # a record without key: the attribute is not set
    assert_current_names(send)
    assert_current_names(process)


class _Producer:
    def __init__(self) -> None:
        self.futures: list[asyncio.Future[Any]] = []
        self.headers: list[list[tuple[str, bytes]]] = []

    async def send(self, topic: str, *, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> Any:
        self.headers.append(headers)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.futures.append(future)
        return future


def _row(topic: str = "vsm.goals.events") -> Any:
    return {
        "id": uuid.uuid4(),
        "topic": topic,
        "key": "0b7c",
        "type": "vsm.goals.goal.created.v1",
        "payload": b"{}",
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    }


async def test_relay_send_span_lasts_until_kafka_acknowledges(
    spans: tuple[TracerProvider, InMemorySpanExporter], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider, exporter = spans
    monkeypatch.setattr(outbox_module, "tracer", provider.get_tracer("vsm.outbox"))
    producer = _Producer()
    relay = OutboxRelay(cast(Any, None), cast(Any, producer), "goals")
    row = _row()
    ok = await relay._send(row)
    failing = await relay._send(_row())
    assert exporter.get_finished_spans() == (), "a send span ends with the acknowledgement, not before"

    ok.set_result(SimpleNamespace(partition=2, offset=41))
    failing.set_exception(outbox_module.KafkaTimeoutError("no leader"))
    await asyncio.sleep(0)  # done callbacks run on the loop
    sent, failed = cast(tuple[ReadableSpan, ReadableSpan], exporter.get_finished_spans())

    assert sent.name == "send vsm.goals.events" and sent.kind is SpanKind.PRODUCER
    attributes = dict(sent.attributes or {})
    assert attributes["messaging.destination.partition.id"] == "2"
    assert attributes["messaging.kafka.offset"] == 41
    assert attributes["messaging.message.id"] == str(row["id"])
    assert_current_names(attributes)
    # The send continues the request's trace, and the record carries the send span's context.
    assert f"{sent.context.trace_id:032x}" == "0af7651916cd43dd8448eb211c80319c"
    assert ("traceparent", f"00-{sent.context.trace_id:032x}-{sent.context.span_id:016x}-01".encode()) in (
        producer.headers[0]
    )
    assert failed.status.status_code is StatusCode.ERROR
    assert (failed.attributes or {})["error.type"] == "KafkaTimeoutError"
    assert "messaging.destination.partition.id" not in (failed.attributes or {})


async def test_relay_send_span_ends_when_the_send_itself_fails(
    spans: tuple[TracerProvider, InMemorySpanExporter], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider, exporter = spans
    monkeypatch.setattr(outbox_module, "tracer", provider.get_tracer("vsm.outbox"))

    class Refusing(_Producer):
        async def send(self, topic: str, *, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> Any:
            raise outbox_module.KafkaConnectionError("broker away")

    relay = OutboxRelay(cast(Any, None), cast(Any, Refusing()), "goals")
    with pytest.raises(outbox_module.KafkaConnectionError):
        await relay._send(_row())
    [span] = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "KafkaConnectionError"


async def test_consumer_process_span(
    spans: tuple[TracerProvider, InMemorySpanExporter], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider, exporter = spans
    monkeypatch.setattr(consumer_module, "tracer", provider.get_tracer("vsm.consumer"))

    async def handler(uow: Any, event: CloudEvent) -> None:
        return None

    consumer = InboxConsumer(
        name="followup.goal-projection",
        pool=cast(Any, None),
        consumer=cast(Any, None),
        dlq_producer=cast(Any, None),
        handlers={"vsm.goals.goal.created.v1": handler},
        open_unit=cast(Any, None),
    )

    async def apply(event: CloudEvent) -> bool:
        return True

    monkeypatch.setattr(consumer.inbox, "apply", apply)
    event = CloudEvent(type="vsm.goals.goal.created.v1", source="/vsm/goals", subject="g-1", data={})
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    record = ConsumerRecord(
        topic="vsm.goals.events",
        partition=1,
        offset=9,
        timestamp=0,
        timestamp_type=0,
        key=b"g-1",
        value=event.to_json(),
        checksum=None,
        serialized_key_size=3,
        serialized_value_size=0,
        headers=[("traceparent", f"00-{trace_id}-00f067aa0ba902b7-01".encode())],
    )
    assert await consumer.process(cast(Any, record)) is None
    [span] = exporter.get_finished_spans()
    assert span.name == "process vsm.goals.events" and span.kind is SpanKind.CONSUMER
    assert span.parent is not None and f"{span.parent.span_id:016x}" == "00f067aa0ba902b7"
    attributes = dict(span.attributes or {})
    assert attributes["messaging.consumer.group.name"] == "followup.goal-projection"
    assert attributes["messaging.destination.partition.id"] == "1"
    assert attributes["messaging.kafka.message.key"] == "g-1"
    assert_current_names(attributes)


# -- GraphQL spans -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "operation_name", "name", "attributes"),
    [
        ("query Dashboard { a }", None, "query Dashboard", {"graphql.operation.name": "Dashboard"}),
        ("mutation { a }", None, "mutation", {}),
        ("query A { a } mutation B { a }", "B", "mutation B", {"graphql.operation.name": "B"}),
        ("query A { a } query B { a }", None, "GraphQL Operation", None),  # which one is not known
        (None, None, "GraphQL Operation", None),  # the document did not parse
        ("query " + "N" * 65 + " { a }", None, "query", {"graphql.operation.name": "N" * 65}),
    ],
)
def test_operation_span_details(
    document: str | None, operation_name: str | None, name: str, attributes: dict[str, str] | None
) -> None:
    got_name, got = operation_span_details(parse(document) if document else None, operation_name)
    assert got_name == name
    if attributes is None:
        assert got == {}
    else:
        assert got == {"graphql.operation.type": name.split()[0], **attributes}
        assert_current_names(got)


def test_error_type_prefers_the_service_s_own_failures() -> None:
    def err(code: str | None) -> GraphQLError:
        return GraphQLError("x", extensions={"code": code} if code else None)

    assert error_type([]) == (None, False)
    assert error_type([err("BAD_USER_INPUT")]) == ("BAD_USER_INPUT", False)
    assert error_type([err("FORBIDDEN"), err("INTERNAL")]) == ("INTERNAL", True)
    assert error_type([err(None)]) == ("_OTHER", False)


def test_operation_span_of_a_schema(
    spans: tuple[TracerProvider, InMemorySpanExporter], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider, exporter = spans
    monkeypatch.setattr(graphql_module, "tracer", provider.get_tracer("vsm.graphql"))

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self, name: str) -> str:
            raise RuntimeError("boom")

    schema = strawberry.Schema(query=Query, extensions=[OperationSpan, graphql_module.DomainErrors])
    result = schema.execute_sync('query Greeting { hello(name: "Anna Andersson") }')
    assert result.errors
    [span] = exporter.get_finished_spans()
    assert span.name == "query Greeting"
    attributes = dict(span.attributes or {})
    assert attributes["graphql.operation.type"] == "query"
    assert attributes["graphql.operation.name"] == "Greeting"
    assert attributes["error.type"] == "INTERNAL" and span.status.status_code is StatusCode.ERROR
    assert "graphql.document" not in attributes
    assert "Anna" not in str(attributes), "no argument value reaches the span"
    assert_current_names(attributes)
