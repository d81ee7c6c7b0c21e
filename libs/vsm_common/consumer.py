"""Idempotent Kafka consumer: inbox-deduplicated effects, manual commits, retries, dead letters."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from opentelemetry import trace

from .events import CloudEvent
from .failures import Failure, RetryPolicy, classify
from .kafka import start_client, stop_client
from .settings import dead_letter_topic
from .tracing import context_from_kafka_headers, kafka_process_attributes
from .uow import UnitOfWork

log = logging.getLogger(__name__)
tracer = trace.get_tracer("vsm.consumer")

Handler = Callable[[Any, CloudEvent], Awaitable[None]]
"""Applies one event's effect through the unit of work it is given, which joins the inbox transaction.

The first parameter is the service's own unit of work (a ``SqlUnitOfWork`` subclass with its
repositories), hence ``Any``: a callable taking the subclass is not a callable taking the base.
"""

OpenUnit = Callable[[asyncpg.Connection], UnitOfWork]
"""Makes the service's unit of work joining the inbox transaction on the given connection."""


class Inbox:
    """Applies events once per consumer group: the inbox row and the effect commit together.

    Used by the Kafka loop below and by ``dlq replay``, so a replayed dead letter goes through
    exactly the same deduplication as a live record.
    """

    def __init__(self, name: str, pool: asyncpg.Pool, handlers: Mapping[str, Handler], open_unit: OpenUnit) -> None:
        self.name = name
        self._pool = pool
        self._handlers = dict(handlers)
        self._open_unit = open_unit

    def handles(self, event_type: str) -> bool:
        return event_type in self._handlers

    async def apply(self, event: CloudEvent) -> bool:
        """Apply ``event`` unless this group already has; return whether it was new.

        Raises what the handler raised, with nothing of the effect or the inbox row stored.
        """
        handler = self._handlers[event.type]
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
                await handler(self._open_unit(conn), event)
        return bool(fresh)

    async def applied(self, source: str, event_id: str) -> bool:
        async with self._pool.acquire() as conn:
            found = await conn.fetchval(
                "SELECT true FROM inbox WHERE consumer = $1 AND source = $2 AND id = $3", self.name, source, event_id
            )
        return bool(found)


class InboxConsumer:
    """Consumes CloudEvents and applies each at most once, whatever Kafka redelivers.

    For each record, in partition order: apply it through the :class:`Inbox` (one transaction
    for the inbox row and the effect). A transient failure (database or broker away, a row the
    event needs not there yet, a deadlock) is retried in place with a bounded backoff, so the
    partition waits and order is kept; a permanent one (the event cannot be read, or a rule
    refuses it) goes to ``<topic>.dlq`` with the reason in headers and the partition moves on.
    After a partition's batch, the Kafka offset is committed; a crash or a failed commit between
    the two redelivers records, and the inbox turns each redelivery into a no-op. Event types
    without a handler are acknowledged and ignored (forward compatible).
    """

    def __init__(
        self,
        *,
        name: str,
        pool: asyncpg.Pool,
        consumer: AIOKafkaConsumer,
        dlq_producer: AIOKafkaProducer,
        handlers: Mapping[str, Handler],
        open_unit: OpenUnit,
        fault_exit_after_store: bool = False,
        retry: RetryPolicy | None = None,
        on_dead_letter: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self.inbox = Inbox(name, pool, handlers, open_unit)
        self._consumer = consumer
        self._dlq = dlq_producer
        self._fault_exit_after_store = fault_exit_after_store
        self._retry = retry or RetryPolicy()
        self.applied_total = 0
        self.duplicates_total = 0
        self.dead_lettered_total = 0
        self.retries_total = 0
        self._on_dead_letter = on_dead_letter  # called with the source topic (the dead-letter metric)
        # For the lag metrics (vsm_common.metrics): per partition, when the last record was applied
        # (time.monotonic()), and, while a batch is applied, the next record of it not yet applied.
        self.last_applied_at: dict[TopicPartition, float] = {}
        self.unapplied: dict[TopicPartition, int] = {}

    @property
    def kafka(self) -> AIOKafkaConsumer:
        """The Kafka client, for the lag metrics (assignment, highwater, position)."""
        return self._consumer

    async def run(self) -> None:
        await start_client(self._consumer)  # a stuck start raises, and the supervisor restarts the loop
        try:
            while True:
                try:
                    batches = await self._consumer.getmany(timeout_ms=1000)
                except KafkaError as exc:
                    log.warning("consumer %s: fetch failed (%s); retrying", self.name, type(exc).__name__)
                    await asyncio.sleep(self._retry.max_delay_s)
                    continue
                self.unapplied = {tp: records[0].offset for tp, records in batches.items() if records}
                for tp, records in batches.items():
                    for record in records:
                        await self._process_with_retry(record)
                        self.unapplied[tp] = record.offset + 1
                        if self._fault_exit_after_store:
                            log.error("fault injection: exiting after store, before offset commit")
                            os._exit(70)
                    await self._commit(TopicPartition(tp.topic, tp.partition), records[-1].offset + 1)
                self.unapplied = {}  # all applied: the consumer's position says where each partition is
        finally:
            await stop_client(self._consumer)

    async def _commit(self, tp: TopicPartition, offset: int) -> None:
        # A failed commit (broker away, group rebalancing) only means these records come again,
        # and the inbox makes that harmless; the next batch's commit covers them.
        try:
            await self._consumer.commit({tp: offset})
        except KafkaError as exc:
            log.warning("consumer %s: offset commit failed (%s); records may be redelivered", self.name, exc)

    async def _process_with_retry(self, record: ConsumerRecord[bytes, bytes]) -> None:
        attempt = 0
        while True:
            failure = await self.process(record)
            if failure is None:
                self.last_applied_at[TopicPartition(record.topic, record.partition)] = time.monotonic()
                return
            attempt += 1
            if self._retry.gives_up(failure, attempt):
                reason = "retries_exhausted" if failure.transient else failure.reason
                if await self._dead_letter_or_retry(record, reason, failure):
                    return
                continue
            delay = self._retry.delay(attempt)
            self.retries_total += 1
            log.warning(
                "consumer %s: offset %s of %s: transient %s (%s, attempt %d); retrying in %.1fs",
                self.name,
                record.offset,
                record.topic,
                failure.reason,
                failure.kind,
                attempt,
                delay,
            )
            await asyncio.sleep(delay)

    async def process(self, record: ConsumerRecord[bytes, bytes]) -> Failure | None:
        """Apply one record; return the failure, or None when it is applied, a duplicate or ignored."""
        parent = context_from_kafka_headers(record.headers)
        try:
            event = CloudEvent.from_json(record.value)
        except Exception as exc:  # noqa: BLE001 - an unreadable record is a failure to report, not to raise
            return classify(exc)
        if not self.inbox.handles(event.type):
            return None
        # A child of the relay's send span (its context came in the record's headers), so one trace
        # runs from the request through Kafka into every consumer's SQL.
        with tracer.start_as_current_span(
            f"process {record.topic}",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            attributes=kafka_process_attributes(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                group=self.name,
                message_id=event.id,
                event_type=event.type,
            ),
        ) as span:
            try:
                fresh = await self.inbox.apply(event)
            except Exception as exc:  # noqa: BLE001 - classified: retried or dead-lettered by the caller
                failure = classify(exc)
                span.set_attribute("vsm.consumer.failure", failure.reason)
                # This attempt failed (a transient one is retried in a span of its own); the reason is
                # a stable, low-cardinality id, as error.type must be.
                span.set_attribute("error.type", failure.reason)
                span.set_status(trace.Status(trace.StatusCode.ERROR, failure.kind.value))
                if failure.transient:
                    return failure
                span.record_exception(exc)
                log.error(
                    "consumer %s: event %s (%s) cannot be applied: %s", self.name, event.id, event.type, failure.detail
                )
                return failure
            span.set_attribute("vsm.inbox.duplicate", not fresh)
            if fresh:
                self.applied_total += 1
            else:
                self.duplicates_total += 1
            return None

    async def _dead_letter_or_retry(self, record: ConsumerRecord[bytes, bytes], reason: str, failure: Failure) -> bool:
        """Park the record on the dead-letter topic; False when the broker could not take it."""
        headers = list(record.headers or ())
        headers += [
            ("dlq-reason", reason.encode()),
            ("dlq-failure", failure.reason.encode()),
            ("dlq-detail", failure.detail[:1000].encode()),
            ("dlq-consumer", self.name.encode()),
            ("dlq-original-topic", record.topic.encode()),
            ("dlq-original-partition", str(record.partition).encode()),
            ("dlq-original-offset", str(record.offset).encode()),
        ]
        if failure.rule:
            headers.append(("dlq-rule", failure.rule.encode()))
        try:
            await self._dlq.send_and_wait(
                dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
            )
        except KafkaError as exc:
            # The offset must not move past a record that is neither applied nor parked.
            log.warning("consumer %s: dead-lettering failed (%s); retrying", self.name, type(exc).__name__)
            await asyncio.sleep(self._retry.max_delay_s)
            return False
        self.dead_lettered_total += 1
        if self._on_dead_letter is not None:
            self._on_dead_letter(record.topic)
        log.warning("consumer %s: dead-lettered offset %s of %s: %s", self.name, record.offset, record.topic, reason)
        return True
