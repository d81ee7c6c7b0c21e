"""The metrics of a service (vsm_common.metrics): label bounds, collectors, the GraphQL extension."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from types import SimpleNamespace
from typing import Any, cast

import pytest
import strawberry
from aiokafka import ConsumerRecord, TopicPartition
from graphql import parse
from prometheus_client.parser import text_string_to_metric_families

from vsm_common.consumer import InboxConsumer
from vsm_common.errors import DomainError
from vsm_common.events import CloudEvent
from vsm_common.failures import Failure, FailureKind
from vsm_common.graphql import DomainErrors
from vsm_common.metrics import (
    MAX_OPERATION_NAMES,
    GraphQLMetrics,
    ServiceMetrics,
    bounded_name,
    operation_label,
    root_fields,
)

# ------------------------------------------------------------------ label bounds


def test_operation_names_become_bounded_labels() -> None:
    assert bounded_name("GoalDashboard") == "GoalDashboard"
    assert bounded_name("_private_1") == "_private_1"
    assert bounded_name("a" * 64) == "a" * 64
    assert bounded_name(None) == "anonymous"
    for wild in ("a" * 65, "1st", "goal-list", "Goal List", "", "Målen", 'x"}'):
        assert bounded_name(wild) == "other", wild


def test_federation_queries_are_labelled_as_such() -> None:
    entities = parse("query($r: [_Any!]!) { _entities(representations: $r) { __typename } }")
    assert root_fields(entities, None) == ("_entities",)
    assert operation_label(None, root_fields(entities, None)) == "_entities"
    named = parse("query Dashboard__planning__1($r: [_Any!]!) { _entities(representations: $r) { __typename } }")
    assert operation_label("Dashboard__planning__1", root_fields(named, "Dashboard__planning__1")) == "_entities"
    service = parse("{ __typename _service { sdl } }")
    assert operation_label(None, root_fields(service, None)) == "_service"
    both = parse("{ goals { id } _service { sdl } }")
    assert operation_label("Mixed", root_fields(both, "Mixed")) == "Mixed"
    two = parse("query A { goals { id } } query B { _service { sdl } }")
    assert operation_label("B", root_fields(two, "B")) == "_service"
    assert operation_label("A", root_fields(two, "A")) == "A"
    assert root_fields(None, None) == ()
    assert root_fields(two, "Missing") == ()


# ------------------------------------------------------------------ fakes


class FakePool:
    """The part of asyncpg's pool the metrics read: sizes, and a connection for the outbox query."""

    def __init__(self, size: int = 3, idle: int = 1, maximum: int = 10, row: dict[str, Any] | None = None) -> None:
        self.size, self.idle, self.maximum = size, idle, maximum
        self.row = row if row is not None else {"unpublished": 0, "oldest_age": 0.0}
        self.fail: BaseException | None = None
        self.queries: list[str] = []

    def get_size(self) -> int:
        return self.size

    def get_idle_size(self) -> int:
        return self.idle

    def get_max_size(self) -> int:
        return self.maximum

    @contextlib.asynccontextmanager
    async def acquire(self, *, timeout: float | None = None) -> AsyncIterator[FakePool]:
        assert timeout is not None and timeout <= 5, "a scrape's database wait must be short"
        if self.fail is not None:
            raise self.fail
        yield self

    async def fetchrow(self, sql: str, *, timeout: float | None = None) -> dict[str, Any]:
        assert timeout is not None
        self.queries.append(sql)
        return self.row


class FakeKafka:
    """aiokafka's consumer as the lag metrics and the consume loop use it."""

    def __init__(self, highwater: dict[TopicPartition, int | None], position: dict[TopicPartition, int]) -> None:
        self._highwater = highwater
        self._position = position
        self.batches: list[dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]] = []
        self.commits: list[dict[TopicPartition, int]] = []

    def assignment(self) -> set[TopicPartition]:
        return set(self._highwater)

    def highwater(self, tp: TopicPartition) -> int | None:
        return self._highwater[tp]

    async def position(self, tp: TopicPartition) -> int:
        if tp not in self._position:
            await asyncio.sleep(3600)  # aiokafka waits while it fetches the committed offset
        return self._position[tp]

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def getmany(self, timeout_ms: int) -> dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]:
        if self.batches:
            batch = self.batches.pop(0)
            for tp, records in batch.items():
                self._position[tp] = records[-1].offset + 1  # aiokafka moves past a batch when returning it
            return batch
        await asyncio.sleep(timeout_ms / 1000)
        return {}

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.commits.append(offsets)


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None]] = []

    async def send_and_wait(self, topic: str, value: bytes | None = None, **_: Any) -> None:
        self.sent.append((topic, value))


class FakeRuntime:
    def __init__(self, pool: FakePool | None = None, consumers: list[InboxConsumer] | None = None) -> None:
        self.definition = SimpleNamespace(name="goals")
        self._pool = pool
        self.consumers = consumers or []
        self.metrics = ServiceMetrics(cast(Any, self))

    def pool_if_open(self) -> FakePool | None:
        return self._pool


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def record(topic: str, partition: int, offset: int, event_type: str = "vsm.test.thing.happened.v1") -> Any:
    event = CloudEvent(type=event_type, source="/vsm/test", subject="s", data={})
    return ConsumerRecord(
        topic=topic,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"s",
        value=event.to_json(),
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=1,
        headers=[],
    )


def consumer_of(kafka: FakeKafka, producer: FakeProducer | None = None, runtime: FakeRuntime | None = None) -> Any:
    group, topics = "goals.planning-saga", ["vsm.planning.events"]
    on_dead_letter = runtime.metrics.dead_letter_counter(group, topics) if runtime is not None else None
    return InboxConsumer(
        name=group,
        pool=cast(Any, None),
        consumer=cast(Any, kafka),
        dlq_producer=cast(Any, producer or FakeProducer()),
        handlers={},
        open_unit=cast(Any, None),
        on_dead_letter=on_dead_letter,
    )


async def scrape(runtime: FakeRuntime, accept: str = "") -> dict[str, Any]:
    body, content_type = await runtime.metrics.exposition(accept)
    assert content_type.startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(body.decode())}


def samples(families: dict[str, Any], name: str, family: str | None = None) -> dict[tuple[tuple[str, str], ...], float]:
    found = families[family or name]
    return {tuple(sorted(s.labels.items())): s.value for s in found.samples if s.name == name}


# ------------------------------------------------------------------ collectors


async def test_pool_outbox_process_and_gc_are_in_a_scrape() -> None:
    pool = FakePool(size=4, idle=1, maximum=10, row={"unpublished": 7, "oldest_age": 12.5})
    runtime = FakeRuntime(pool)
    families = await scrape(runtime)
    pool_samples = samples(families, "vsm_db_pool_connections")
    assert pool_samples == {
        (("service", "goals"), ("state", "in_use")): 3,
        (("service", "goals"), ("state", "idle")): 1,
        (("service", "goals"), ("state", "max")): 10,
    }
    assert samples(families, "vsm_outbox_unpublished_events") == {(("service", "goals"),): 7}
    assert samples(families, "vsm_outbox_oldest_unpublished_age_seconds") == {(("service", "goals"),): 12.5}
    assert "published_at IS NULL" in pool.queries[0]
    assert families["process_resident_memory_bytes"].samples[0].value > 0
    assert "python_gc_objects_collected" in families
    assert "python_info" in families


async def test_a_scrape_leaves_out_what_it_cannot_read() -> None:
    assert "vsm_db_pool_connections" not in await scrape(FakeRuntime(None))  # before the pool is opened
    pool = FakePool()
    pool.fail = TimeoutError()
    families = await scrape(FakeRuntime(pool))
    assert "vsm_outbox_unpublished_events" not in families
    assert "vsm_db_pool_connections" in families


async def test_openmetrics_when_prometheus_asks_for_it() -> None:
    runtime = FakeRuntime(FakePool())
    body, content_type = await runtime.metrics.exposition("application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text")
    assert body.rstrip().endswith(b"# EOF")


async def test_consumer_lag_and_last_applied_age_per_partition() -> None:
    tp0, tp1, tp2 = (TopicPartition("vsm.planning.events", p) for p in (0, 1, 2))
    kafka = FakeKafka(highwater={tp0: 10, tp1: 5, tp2: None}, position={tp0: 4, tp1: 5})
    runtime = FakeRuntime(FakePool())
    consumer = consumer_of(kafka, runtime=runtime)
    runtime.consumers.append(consumer)
    consumer.last_applied_at[tp0] = time.monotonic() - 2.0
    families = await scrape(runtime)
    labels = (("group", "goals.planning-saga"), ("service", "goals"), ("topic", "vsm.planning.events"))
    lag = samples(families, "vsm_consumer_lag_records")
    # tp2 has no highwater yet (nothing fetched): no sample rather than a made-up one.
    assert lag == {(*labels[:1], ("partition", "0"), *labels[1:]): 6, (*labels[:1], ("partition", "1"), *labels[1:]): 0}
    age = samples(families, "vsm_consumer_last_applied_age_seconds")
    assert list(age) == [(*labels[:1], ("partition", "0"), *labels[1:])]
    assert 2.0 <= next(iter(age.values())) < 60


async def test_lag_counts_the_records_of_a_batch_not_yet_applied() -> None:
    """aiokafka's position is past a batch as soon as it is returned; a stuck record must still show as lag."""
    tp = TopicPartition("vsm.planning.events", 0)
    kafka = FakeKafka(highwater={tp: 3}, position={tp: 0})
    kafka.batches.append({tp: [record(tp.topic, 0, n) for n in range(3)]})
    runtime = FakeRuntime(FakePool())
    consumer = consumer_of(kafka, runtime=runtime)
    runtime.consumers.append(consumer)
    second_started, release = asyncio.Event(), asyncio.Event()

    async def process(rec: Any) -> None:
        if rec.offset == 1:
            second_started.set()
            await release.wait()  # the database is away, say: the record is retried in place

    consumer.process = process
    task = asyncio.create_task(consumer.run())
    try:
        await asyncio.wait_for(second_started.wait(), 5)
        lag = samples(await scrape(runtime), "vsm_consumer_lag_records")
        assert list(lag.values()) == [2]  # offsets 1 and 2, though the position is already 3
        assert tp in consumer.last_applied_at  # offset 0 was applied
        release.set()

        await eventually(lambda: kafka.commits == [{tp: 3}])
        assert consumer.unapplied == {}
        assert list(samples(await scrape(runtime), "vsm_consumer_lag_records").values()) == [0]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_position_not_known_yet_leaves_the_partition_out() -> None:
    tp = TopicPartition("vsm.planning.events", 0)
    runtime = FakeRuntime(FakePool())
    runtime.consumers.append(consumer_of(FakeKafka(highwater={tp: 3}, position={}), runtime=runtime))
    families = await scrape(runtime)
    assert samples(families, "vsm_consumer_lag_records") == {}


async def test_dead_letters_count_per_group_and_topic_from_zero() -> None:
    runtime = FakeRuntime(FakePool())
    producer = FakeProducer()
    tp = TopicPartition("vsm.planning.events", 0)
    consumer = consumer_of(FakeKafka(highwater={tp: 1}, position={tp: 1}), producer, runtime)
    key = (("group", "goals.planning-saga"), ("service", "goals"), ("topic", "vsm.planning.events"))
    assert samples(await scrape(runtime), "vsm_dead_letters_total", "vsm_dead_letters") == {key: 0}
    failure = Failure(FailureKind.PERMANENT, "refused", "no such goal", "goal.exists")
    assert await consumer._dead_letter_or_retry(record(tp.topic, 0, 0), "refused", failure)
    assert [topic for topic, _ in producer.sent] == ["vsm.planning.events.dlq"]
    assert samples(await scrape(runtime), "vsm_dead_letters_total", "vsm_dead_letters") == {key: 1}


async def test_a_record_for_another_group_counts_as_applied() -> None:
    tp = TopicPartition("vsm.planning.events", 2)
    consumer = consumer_of(FakeKafka(highwater={tp: 1}, position={tp: 1}))
    await consumer._process_with_retry(record(tp.topic, 2, 0, "vsm.other.thing.v1"))
    assert set(consumer.last_applied_at) == {tp}


# ------------------------------------------------------------------ the GraphQL extension


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hej"

    @strawberry.field
    def refused(self) -> str | None:
        raise DomainError("not allowed here", rule="test.rule")

    @strawberry.field
    def broken(self) -> str | None:
        raise RuntimeError("a bug")


@strawberry.type
class Mutation:
    @strawberry.mutation
    def touch(self) -> bool:
        return True


@pytest.fixture
def measured() -> Iterator[tuple[strawberry.Schema, FakeRuntime]]:
    runtime = FakeRuntime(FakePool())
    yield strawberry.Schema(query=Query, mutation=Mutation, extensions=[GraphQLMetrics, DomainErrors]), runtime


def value(runtime: FakeRuntime, name: str, **labels: str) -> float:
    found = runtime.metrics.registry.get_sample_value(name, {"service": "goals", **labels})
    return found or 0.0


async def test_operations_are_counted_timed_and_their_errors_coded(
    measured: tuple[strawberry.Schema, FakeRuntime],
) -> None:
    schema, runtime = measured
    context = SimpleNamespace(runtime=runtime)
    ok = {"operation": "Hello", "operation_type": "query"}

    assert not (await schema.execute("query Hello { hello }", context_value=context)).errors
    await schema.execute("query Hello { hello }", context_value=context)
    assert value(runtime, "vsm_graphql_requests_total", **ok, outcome="ok") == 2
    assert value(runtime, "vsm_graphql_request_duration_seconds_count", **ok) == 2
    assert value(runtime, "vsm_graphql_request_duration_seconds_sum", **ok) > 0

    await schema.execute("mutation { touch }", context_value=context)
    assert value(runtime, "vsm_graphql_requests_total", operation="anonymous", operation_type="mutation", outcome="ok")

    result = await schema.execute("query Mixed { hello refused broken }", context_value=context)
    assert {(e.extensions or {})["code"] for e in result.errors or []} == {"BAD_USER_INPUT", "INTERNAL"}
    assert value(runtime, "vsm_graphql_requests_total", operation="Mixed", operation_type="query", outcome="error") == 1
    assert value(runtime, "vsm_graphql_errors_total", operation="Mixed", code="INTERNAL") == 1
    assert value(runtime, "vsm_graphql_errors_total", operation="Mixed", code="BAD_USER_INPUT") == 1

    await schema.execute("query Broken { hello", context_value=context)  # no document, so no name either
    assert value(runtime, "vsm_graphql_errors_total", operation="anonymous", code="GRAPHQL_PARSE_FAILED") == 1
    await schema.execute("query Unknown { nothing }", context_value=context)
    assert value(runtime, "vsm_graphql_errors_total", operation="Unknown", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert value(runtime, "vsm_graphql_requests_total", operation="Unknown", operation_type="query", outcome="error")

    long_name = "Q" + "x" * 80
    await schema.execute(f"query {long_name} {{ hello }}", context_value=context)
    assert value(runtime, "vsm_graphql_requests_total", operation="other", operation_type="query", outcome="ok") == 1


async def test_distinct_operation_names_are_capped(measured: tuple[strawberry.Schema, FakeRuntime]) -> None:
    _, runtime = measured
    for n in range(MAX_OPERATION_NAMES + 5):
        runtime.metrics.observe_operation(operation=f"Op{n}", operation_type="query", seconds=0.001, codes=())
    names = {s.labels["operation"] for family in runtime.metrics.requests.collect() for s in family.samples}
    assert len(names) == MAX_OPERATION_NAMES + 1
    assert "other" in names
    assert value(runtime, "vsm_graphql_requests_total", operation="Op0", operation_type="query", outcome="ok") == 1


async def test_a_schema_run_without_a_runtime_is_not_measured() -> None:
    schema = strawberry.Schema(query=Query, extensions=[GraphQLMetrics])
    assert not (await schema.execute("{ hello }", context_value=SimpleNamespace())).errors
