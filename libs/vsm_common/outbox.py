"""Transactional outbox: write events with the state change, publish them after commit."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import timedelta

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import trace

from .events import CloudEvent
from .tracing import context_from_traceparent, current_traceparent, kafka_headers_from_current

log = logging.getLogger(__name__)
tracer = trace.get_tracer("vsm.outbox")


async def enqueue(conn: asyncpg.Connection, topic: str, event: CloudEvent) -> None:
    """Store ``event`` in the outbox inside the caller's open transaction."""
    await conn.execute(
        "INSERT INTO outbox (id, topic, key, type, payload, traceparent) VALUES ($1, $2, $3, $4, $5, $6)",
        uuid.UUID(event.id),
        topic,
        event.subject,
        event.type,
        event.to_json(),
        current_traceparent(),
    )


async def enqueue_many(conn: asyncpg.Connection, topic: str, events: list[CloudEvent]) -> None:
    """Bulk variant of :func:`enqueue` for batch commands (one round trip)."""
    if not events:
        return
    tp = current_traceparent()
    await conn.copy_records_to_table(
        "outbox",
        records=[(uuid.UUID(e.id), topic, e.subject, e.type, e.to_json(), tp) for e in events],
        columns=["id", "topic", "key", "type", "payload", "traceparent"],
    )


class OutboxRelay:
    """Publishes unpublished outbox rows to Kafka, woken by ``LISTEN/NOTIFY``.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` and marked published only
    after Kafka acknowledged them, so a crash between the two republishes (at
    least once); consumers deduplicate by event id. Rows are never skipped the
    way an ``id > last_seen`` watermark would skip late-committing sequence values.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        schema: str,
        *,
        batch_size: int = 1000,
        safety_poll_s: float = 2.0,
        keep_published: timedelta = timedelta(days=7),
        prune_every_s: float = 600.0,
    ) -> None:
        self._pool = pool
        self._producer = producer
        self._channel = f"{schema}_outbox"
        self._batch_size = batch_size
        self._safety_poll_s = safety_poll_s
        self._wake = asyncio.Event()
        self.published_total = 0
        # Published rows are kept a while for operations (what was sent, when), then pruned so
        # the outbox stays small; Kafka holds the events themselves.
        self._keep_published = keep_published
        self._prune_every_s = prune_every_s
        self._last_prune = 0.0

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def run(self) -> None:
        listener: asyncpg.Connection = await self._pool.acquire()
        try:
            await listener.add_listener(self._channel, self._on_notify)
            while True:
                self._wake.clear()
                try:
                    published = await self.publish_pending()
                except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError) as exc:
                    log.warning("outbox relay: %s; retrying", type(exc).__name__)
                    await asyncio.sleep(1.0)
                    continue
                if published >= self._batch_size:
                    continue
                if time.monotonic() - self._last_prune > self._prune_every_s:
                    await self.prune()
                try:
                    # The timeout is a safety net for a lost notification, not the latency path.
                    await asyncio.wait_for(self._wake.wait(), timeout=self._safety_poll_s)
                except TimeoutError:
                    pass
        finally:
            try:
                await listener.remove_listener(self._channel, self._on_notify)
            finally:
                await self._pool.release(listener)

    async def prune(self) -> int:
        self._last_prune = time.monotonic()
        async with self._pool.acquire() as conn:
            status = await conn.execute(
                "DELETE FROM outbox WHERE published_at < now() - $1::interval", self._keep_published
            )
        return int(status.split()[-1])

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; return how many were published."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                """SELECT id, topic, key, type, payload, traceparent FROM outbox
                   WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED""",
                self._batch_size,
            )
            if not rows:
                return 0
            futures = []
            for row in rows:
                with tracer.start_as_current_span(
                    f"publish {row['type']}",
                    context=context_from_traceparent(row["traceparent"]),
                    kind=trace.SpanKind.PRODUCER,
                    attributes={
                        "messaging.system": "kafka",
                        "messaging.destination.name": row["topic"],
                        "messaging.message.id": str(row["id"]),
                        "cloudevents.event_type": row["type"],
                    },
                ):
                    futures.append(
                        await self._producer.send(
                            row["topic"],
                            value=bytes(row["payload"]),
                            key=row["key"].encode(),
                            headers=kafka_headers_from_current({"content-type": "application/cloudevents+json"}),
                        )
                    )
            await asyncio.gather(*futures)
            await conn.execute(
                "UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])", [r["id"] for r in rows]
            )
        self.published_total += len(rows)
        return len(rows)
