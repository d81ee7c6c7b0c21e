"""Idempotent Kafka consumer: inbox-deduplicated effects, manual commits, dead letters."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from opentelemetry import trace

from .events import CloudEvent, MalformedEvent
from .settings import dead_letter_topic
from .tracing import context_from_kafka_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer("vsm.consumer")

Handler = Callable[[asyncpg.Connection, CloudEvent], Awaitable[None]]
"""Applies one event's effect using the given connection, inside the inbox transaction."""

# Errors that say the database is unreachable right now: retry the same record
# rather than dead-lettering an event that is fine.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)


class InboxConsumer:
    """Consumes CloudEvents and applies each at most once, whatever Kafka redelivers.

    For each record: open a transaction, insert the event's (source, id) into the
    inbox, and apply the handler only if the insert was new; commit. After a
    partition's batch, commit the Kafka offset. A crash between the two commits
    redelivers records, and the inbox turns each redelivery into a no-op. Records that cannot be processed
    go to ``<topic>.dlq`` with the reason in headers, so a partition never blocks.
    Event types without a handler are acknowledged and ignored (forward compatible).
    """

    def __init__(
        self,
        *,
        name: str,
        pool: asyncpg.Pool,
        consumer: AIOKafkaConsumer,
        dlq_producer: AIOKafkaProducer,
        handlers: Mapping[str, Handler],
        fault_exit_after_store: bool = False,
    ) -> None:
        self.name = name
        self._pool = pool
        self._consumer = consumer
        self._dlq = dlq_producer
        self._handlers = dict(handlers)
        self._fault_exit_after_store = fault_exit_after_store
        self.applied_total = 0
        self.duplicates_total = 0
        self.dead_lettered_total = 0

    async def run(self) -> None:
        await self._consumer.start()
        try:
            while True:
                batches = await self._consumer.getmany(timeout_ms=1000)
                for tp, records in batches.items():
                    for record in records:
                        await self._process_with_retry(record)
                        if self._fault_exit_after_store:
                            log.error("fault injection: exiting after store, before offset commit")
                            os._exit(70)
                    # One commit per partition batch: a crash before it redelivers the batch, and the
                    # inbox turns every redelivered record that was already applied into a no-op.
                    await self._consumer.commit({TopicPartition(tp.topic, tp.partition): records[-1].offset + 1})
        finally:
            await self._consumer.stop()

    async def _process_with_retry(self, record: ConsumerRecord[bytes, bytes]) -> None:
        delay = 0.2
        while True:
            try:
                await self.process(record)
                return
            except TRANSIENT_ERRORS as exc:
                log.warning("consumer %s: transient %s; retrying in %.1fs", self.name, type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def process(self, record: ConsumerRecord[bytes, bytes]) -> None:
        parent = context_from_kafka_headers(record.headers)
        try:
            event = CloudEvent.from_json(record.value)
        except MalformedEvent as exc:
            await self._dead_letter(record, "malformed", str(exc))
            return
        handler = self._handlers.get(event.type)
        if handler is None:
            return
        with tracer.start_as_current_span(
            f"process {event.type}",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": record.topic,
                "messaging.consumer.group.name": self.name,
                "messaging.message.id": event.id,
                "messaging.kafka.offset": record.offset,
                "cloudevents.event_type": event.type,
            },
        ) as span:
            try:
                async with self._pool.acquire() as conn, conn.transaction():
                    fresh = await conn.fetchval(
                        """INSERT INTO inbox (consumer, source, id, type) VALUES ($1, $2, $3, $4)
                           ON CONFLICT DO NOTHING RETURNING true""",
                        self.name,
                        event.source,
                        event.id,
                        event.type,
                    )
                    if fresh:
                        await handler(conn, event)
            except TRANSIENT_ERRORS:
                raise
            except Exception as exc:
                span.record_exception(exc)
                log.exception("consumer %s: event %s (%s) failed", self.name, event.id, event.type)
                await self._dead_letter(record, "handler_failed", f"{type(exc).__name__}: {exc}")
                return
            span.set_attribute("vsm.inbox.duplicate", not fresh)
            if fresh:
                self.applied_total += 1
            else:
                self.duplicates_total += 1

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str, detail: str) -> None:
        headers = list(record.headers or ())
        headers += [
            ("dlq-reason", reason.encode()),
            ("dlq-detail", detail[:1000].encode()),
            ("dlq-consumer", self.name.encode()),
            ("dlq-original-topic", record.topic.encode()),
            ("dlq-original-partition", str(record.partition).encode()),
            ("dlq-original-offset", str(record.offset).encode()),
        ]
        await self._dlq.send_and_wait(
            dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
        )
        self.dead_lettered_total += 1
        log.warning("consumer %s: dead-lettered offset %s of %s: %s", self.name, record.offset, record.topic, reason)
