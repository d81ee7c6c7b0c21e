"""The shared outbox relay and inbox consumer against the real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer

from tests.support import eventually
from vsm_common.consumer import InboxConsumer
from vsm_common.contracts import EventType
from vsm_common.db import create_pool
from vsm_common.events import CloudEvent
from vsm_common.kafka import create_consumer, create_producer, start_fresh, stop_client
from vsm_common.migrations import COMMON_MIGRATIONS, apply_migrations
from vsm_common.outbox import OutboxRelay
from vsm_common.uow import SqlUnitOfWork
from vsm_dev.kafka import TopicSpec, ensure_topics
from vsm_dev.stack import Stack

# Event types of this test only, not published by any service (so not in vsm_common.contracts).
ROLLED_BACK = EventType("itest", "change", "rolled_back", 1, dict[str, Any])
COMMITTED = EventType("itest", "change", "committed", 1, dict[str, Any])
OLD = EventType("itest", "change", "old", 1, dict[str, Any])
PENDING = EventType("itest", "change", "pending", 1, dict[str, Any])
WAKE = EventType("itest", "change", "wake", 1, dict[str, Any])

pytestmark = pytest.mark.integration

SCHEMA = "itest"


@pytest.fixture(scope="module")
async def pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    assert stack.database_url
    await apply_migrations(stack.database_url, SCHEMA, [COMMON_MIGRATIONS])
    p = await create_pool(stack.database_url, SCHEMA)
    async with p.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS effects (event_id text, n int)")
    yield p
    # A connection never given back (a relay that did not stop) fails here instead of hanging the run.
    try:
        async with asyncio.timeout(30):
            await p.close()
    except TimeoutError:
        p.terminate()
        raise AssertionError("a connection was not given back to the pool within 30 s") from None


async def fresh_topic(stack: Stack) -> str:
    assert stack.kafka_bootstrap
    topic = f"itest.{uuid.uuid4().hex[:8]}.events"
    await ensure_topics(
        stack.kafka_bootstrap, [TopicSpec(topic, partitions=1), TopicSpec(f"{topic}.dlq", partitions=1)]
    )
    return topic


async def read_all(bootstrap: str, topic: str, expected: int) -> list[tuple[bytes | None, dict[str, bytes]]]:
    got: list[tuple[bytes | None, dict[str, bytes]]] = []
    consumer = await start_fresh(
        lambda: AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
        )
    )
    try:
        async with asyncio.timeout(20):
            while len(got) < expected:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    got += [(r.value, dict(r.headers)) for r in records]
    finally:
        await stop_client(consumer)
    return got


async def test_outbox_publishes_committed_events_only(stack: Stack, pool: asyncpg.Pool) -> None:
    assert stack.kafka_bootstrap
    topic = await fresh_topic(stack)
    producer = await start_fresh(lambda: create_producer(stack.kafka_bootstrap, "itest"))
    relay = OutboxRelay(pool, producer, SCHEMA)
    task = asyncio.create_task(relay.run())
    try:
        with contextlib.suppress(RuntimeError):
            async with SqlUnitOfWork(pool, topic, "/itest") as uow:
                await uow.emit(ROLLED_BACK, "a", {"n": 1})
                raise RuntimeError("the state change failed")
        async with SqlUnitOfWork(pool, topic, "/itest") as uow:
            committed = await uow.emit(COMMITTED, "b", {"n": 2})

        [(value, headers)] = await read_all(stack.kafka_bootstrap, topic, 1)
        event = CloudEvent.from_json(value)
        assert (event.id, event.type, event.data) == (committed.id, COMMITTED.name, {"n": 2})
        assert headers["content-type"] == b"application/cloudevents+json"
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM outbox WHERE type = $1", ROLLED_BACK.name) == 0
            await eventually(
                lambda: conn.fetchval("SELECT published_at IS NOT NULL FROM outbox WHERE id = $1::uuid", committed.id),
                what="the row to be marked published",
            )
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await stop_client(producer)


async def test_relay_stops_when_cancelled_as_a_notification_wakes_it(stack: Stack, pool: asyncpg.Pool) -> None:
    """A shutdown's cancel that lands as the relay wakes up still stops it, and the relay gives its connection back.

    The cancel is sent 0 to 3 loop turns after the wake-up, which covers the moment asyncio.wait_for
    on Python 3.11 drops it (stress run of 2026-12-06: the relay kept polling and the pool never closed).
    """
    assert stack.kafka_bootstrap
    topic = await fresh_topic(stack)
    producer = await start_fresh(lambda: create_producer(stack.kafka_bootstrap, "itest-stop"))
    try:
        for turns in range(4):
            # No pruning, so nothing is awaited between counting the publish and waiting for a wake-up.
            relay = OutboxRelay(pool, producer, SCHEMA, safety_poll_s=60, prune_every_s=float("inf"))
            task = asyncio.create_task(relay.run())
            async with SqlUnitOfWork(pool, topic, "/itest") as uow:
                await uow.emit(WAKE, "w", {"turns": turns})
            await eventually(lambda r=relay: asyncio.sleep(0, r.published_total >= 1), what="the relay to publish")
            relay._on_notify()  # what asyncpg calls on a NOTIFY
            for _ in range(turns):
                await asyncio.sleep(0)
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=10)
            assert done == {task} and task.cancelled(), f"the relay did not stop ({turns} turns after the wake-up)"
            assert not relay.listening
        async with asyncio.timeout(10), pool.acquire() as conn:
            await conn.execute("DELETE FROM outbox WHERE type = $1", WAKE.name)
    finally:
        await stop_client(producer)


async def test_consumer_applies_duplicates_once_and_dead_letters_poison(stack: Stack, pool: asyncpg.Pool) -> None:
    assert stack.kafka_bootstrap
    topic = await fresh_topic(stack)
    producer = await start_fresh(lambda: create_producer(stack.kafka_bootstrap, "itest-sender"))

    async def handler(uow: SqlUnitOfWork, event: CloudEvent) -> None:
        if event.data.get("explode"):
            raise ValueError("this event cannot be applied")
        await uow.conn.execute("INSERT INTO effects (event_id, n) VALUES ($1, $2)", event.id, event.data["n"])

    event = CloudEvent(type="itest.thing.v1", source="/itest", subject="s", data={"n": 7})
    poison = CloudEvent(type="itest.thing.v1", source="/itest", subject="s", data={"explode": True})
    for value in (event.to_json(), event.to_json(), b"{not json", poison.to_json()):
        await producer.send_and_wait(topic, value=value, key=b"s")

    consumer = InboxConsumer(
        name=f"itest-{topic}",
        pool=pool,
        consumer=create_consumer(stack.kafka_bootstrap, f"itest-{topic}", [topic]),
        dlq_producer=producer,
        handlers={"itest.thing.v1": handler},
        open_unit=lambda conn: SqlUnitOfWork.joining(conn, topic, "/itest"),
    )
    task = asyncio.create_task(consumer.run())
    try:
        dead = await read_all(stack.kafka_bootstrap, f"{topic}.dlq", 2)
        reasons = sorted(h["dlq-reason"] for _, h in dead)
        assert reasons == [b"handler_failed", b"malformed"]
        assert all(h["dlq-original-topic"] == topic.encode() for _, h in dead)
        await eventually(lambda: asyncio.sleep(0, consumer.applied_total + consumer.duplicates_total >= 2))
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM effects WHERE event_id = $1", event.id) == 1
            # The poison event's effect was rolled back with its inbox row.
            assert await conn.fetchval("SELECT count(*) FROM inbox WHERE id = $1", poison.id) == 0
        assert (consumer.applied_total, consumer.duplicates_total, consumer.dead_lettered_total) == (1, 1, 2)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await stop_client(producer)


async def test_relay_prunes_old_published_rows_only(stack: Stack, pool: asyncpg.Pool) -> None:
    assert stack.kafka_bootstrap
    topic = await fresh_topic(stack)
    async with SqlUnitOfWork(pool, topic, "/itest") as uow:
        old = await uow.emit(OLD, "o", {})
        pending = await uow.emit(PENDING, "p", {})
    async with pool.acquire() as conn:
        await conn.execute("UPDATE outbox SET published_at = now() - interval '8 days' WHERE id = $1::uuid", old.id)
        # A relay that never started publishing: only its pruning is exercised here.
        relay = OutboxRelay(pool, producer=None, schema=SCHEMA)  # type: ignore[arg-type]
        assert await relay.prune() >= 1
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE id = $1::uuid", old.id) == 0
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE id = $1::uuid", pending.id) == 1
        await conn.execute("DELETE FROM outbox WHERE id = $1::uuid", pending.id)
