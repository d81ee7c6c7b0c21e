"""Transactional outbox: write events with the state change, publish them after commit."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError
from asyncpg.pool import PoolConnectionProxy
from opentelemetry import trace

from .db import database_unavailable
from .events import CloudEvent
from .tracing import (
    context_from_traceparent,
    current_traceparent,
    kafka_headers_from_current,
    kafka_send_attributes,
)

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


def _outage(exc: BaseException) -> bool:
    """The database or the broker is away (or too slow): wait and retry, do not crash."""
    return isinstance(exc, KafkaError) or database_unavailable(exc)


def _broker_away(exc: KafkaError) -> bool:
    """A send that failed because of the broker, not because of this row: stop sending the batch."""
    return exc.retriable or isinstance(exc, KafkaConnectionError | KafkaTimeoutError)


def _failed(future: asyncio.Future[Any]) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)


def _end_send_span(span: trace.Span, *, error: BaseException | None = None, metadata: Any = None) -> None:
    """End a relay's send span with what Kafka answered: the record's partition and offset, or the error."""
    if error is not None:
        span.set_attribute("error.type", type(error).__qualname__)
        span.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
    elif metadata is not None:
        span.set_attribute("messaging.destination.partition.id", str(metadata.partition))
        span.set_attribute("messaging.kafka.offset", metadata.offset)
    span.end()


def _end_on_acknowledgement(span: trace.Span, future: asyncio.Future[Any]) -> None:
    if future.cancelled():
        _end_send_span(span, error=asyncio.CancelledError())
    elif (error := future.exception()) is not None:
        span.record_exception(error)
        _end_send_span(span, error=error)
    else:
        _end_send_span(span, metadata=future.result())


class OutboxRelay:
    """Publishes unpublished outbox rows to Kafka, woken by ``LISTEN/NOTIFY``.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` and marked published only
    after Kafka acknowledged them, so a crash between the two republishes (at
    least once); consumers deduplicate by event id. Rows are never skipped the
    way an ``id > last_seen`` watermark would skip late-committing sequence values.

    Outages are waited out rather than raised. While the broker is away the producer keeps
    retrying what it was given (it is idempotent and never expires a batch); the relay waits up
    to ``delivery_timeout_s`` for the acknowledgements, marks what was acknowledged, and tries the
    rest again after a backoff, handing the producer only rows it does not still hold, so an
    outage does not multiply copies. While the database is away each attempt fails fast (bounded
    pool waits) and is retried after a backoff doubling up to ``max_backoff_s``. A LISTEN
    connection the server closed is opened again; until then the safety poll keeps publishing.
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
        delivery_timeout_s: float = 60.0,
        max_backoff_s: float = 5.0,
    ) -> None:
        self._pool = pool
        self._producer = producer
        self._channel = f"{schema}_outbox"
        self._batch_size = batch_size
        self._safety_poll_s = safety_poll_s
        self._delivery_timeout_s = delivery_timeout_s
        self._max_backoff_s = max_backoff_s
        self._wake = asyncio.Event()
        self.published_total = 0
        self.failed_attempts_total = 0
        self.listens_total = 0  # LISTEN established, the first time and after each lost connection
        # Published rows are kept a while for operations (what was sent, when), then pruned so
        # the outbox stays small; Kafka holds the events themselves.
        self._keep_published = keep_published
        self._prune_every_s = prune_every_s
        self._last_prune = 0.0
        self._listener: PoolConnectionProxy[Any] | None = None
        self._listener_lost = False
        self._listen_again_at = 0.0
        # Sends the producer still holds (or has acknowledged) for rows not yet marked published.
        self._in_flight: dict[uuid.UUID, asyncio.Future[Any]] = {}

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    def _on_listener_closed(self, *_: object) -> None:
        self._listener_lost = True
        self._wake.set()

    @property
    def listening(self) -> bool:
        """Whether the relay holds a live LISTEN connection (else it polls every ``safety_poll_s``)."""
        return self._listener is not None and not self._listener_lost

    async def run(self) -> None:
        """Publish until cancelled; only an unexpected error (a bug) ends it, for the supervisor."""
        failed = 0
        try:
            while True:
                self._wake.clear()
                await self._ensure_listening()
                try:
                    published = await self.publish_pending()
                    if published < self._batch_size and time.monotonic() - self._last_prune > self._prune_every_s:
                        await self.prune()
                except Exception as exc:
                    if not _outage(exc):
                        raise
                    failed += 1
                    self.failed_attempts_total += 1
                    delay = min(0.1 * 2 ** min(failed - 1, 10), self._max_backoff_s)
                    log.warning(
                        "outbox relay %s: %s: %s (attempt %d); retrying in %.1fs",
                        self._channel,
                        type(exc).__name__,
                        exc,
                        failed,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                if failed:
                    log.info("outbox relay %s: publishing again after %d failed attempts", self._channel, failed)
                    failed = 0
                if published >= self._batch_size:
                    continue
                # The timeout is a safety net for a lost notification, not the latency path. Not
                # asyncio.wait_for: on Python 3.11 it drops a cancel that arrives as the wait ends,
                # and the relay then never stops (a shutdown, or a pool close, hangs on it).
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._safety_poll_s):
                        await self._wake.wait()
        finally:
            await self._stop_listening()

    async def _ensure_listening(self) -> None:
        if self.listening:
            return
        await self._stop_listening()
        if time.monotonic() < self._listen_again_at:
            return
        try:
            conn = await self._pool.acquire()
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            self._listen_again_at = time.monotonic() + self._max_backoff_s
            return
        try:
            conn.add_termination_listener(self._on_listener_closed)
            await conn.add_listener(self._channel, self._on_notify)
        except BaseException as exc:
            # A cancel landing here must give the connection back too, or the pool never closes.
            with contextlib.suppress(Exception):
                await self._pool.release(conn)
            if not (isinstance(exc, Exception) and database_unavailable(exc)):
                raise
            self._listen_again_at = time.monotonic() + self._max_backoff_s
            return
        self._listener, self._listener_lost = conn, False
        self.listens_total += 1
        if self.listens_total > 1:
            # Rows committed while nobody listened are published by the attempt that follows.
            log.info("outbox relay: listening on %s again", self._channel)

    async def _stop_listening(self) -> None:
        conn, self._listener = self._listener, None
        if conn is None:
            return
        # A connection the server closed went back to the pool by itself; these calls then fail.
        try:
            with contextlib.suppress(Exception):
                conn.remove_termination_listener(self._on_listener_closed)
                await conn.remove_listener(self._channel, self._on_notify)
        finally:
            with contextlib.suppress(Exception):
                await self._pool.release(conn)

    async def prune(self) -> int:
        self._last_prune = time.monotonic()
        async with self._pool.acquire() as conn:
            status = await conn.execute(
                "DELETE FROM outbox WHERE published_at < now() - $1::interval", self._keep_published
            )
        return int(status.split()[-1])

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; return how many were newly marked published.

        Rows Kafka acknowledged are marked published even when others of the batch failed; the
        first failure is raised after that (the caller backs off and tries the rest again).
        """
        failure: BaseException | None = None
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                """SELECT id, topic, key, type, payload, traceparent FROM outbox
                   WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED""",
                self._batch_size,
            )
            self._forget_settled(rows)
            if not rows:
                return 0
            sent: list[tuple[uuid.UUID, asyncio.Future[Any]]] = []
            for row in rows:
                future = self._in_flight.get(row["id"])
                if future is None or _failed(future):
                    try:
                        future = await self._send(row)
                    except KafkaError as exc:
                        if _broker_away(exc):
                            failure = exc
                            break  # the rest would fail the same way; they stay pending
                        # This row cannot be sent (e.g. too large): it stays pending and visible.
                        log.error("outbox relay: event %s (%s) not sendable: %r", row["id"], row["type"], exc)
                        continue
                    self._in_flight[row["id"]] = future
                sent.append((row["id"], future))
            delivered, undelivered = await self._acknowledged(sent)
            failure = failure or undelivered
            if delivered:
                await conn.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])", delivered)
        for event_id in delivered:
            self._in_flight.pop(event_id, None)
        self.published_total += len(delivered)
        if failure is not None:
            raise failure
        return len(delivered)

    async def _send(self, row: asyncpg.Record) -> asyncio.Future[Any]:
        # The span covers the send until Kafka acknowledges it (or fails it), as a send span should,
        # and learns the partition and offset from the acknowledgement; it continues the trace of the
        # request that wrote the row, and its context goes into the record's headers for the consumer.
        span = tracer.start_span(
            f"send {row['topic']}",
            context=context_from_traceparent(row["traceparent"]),
            kind=trace.SpanKind.PRODUCER,
            attributes=kafka_send_attributes(
                topic=row["topic"], key=row["key"], message_id=str(row["id"]), event_type=row["type"]
            ),
        )
        try:
            with trace.use_span(span, end_on_exit=False):
                future: asyncio.Future[Any] = await self._producer.send(
                    row["topic"],
                    value=bytes(row["payload"]),
                    key=row["key"].encode(),
                    headers=kafka_headers_from_current({"content-type": "application/cloudevents+json"}),
                )
        except BaseException as exc:
            _end_send_span(span, error=exc)
            raise
        future.add_done_callback(functools.partial(_end_on_acknowledgement, span))
        return future

    async def _acknowledged(
        self, sent: list[tuple[uuid.UUID, asyncio.Future[Any]]]
    ) -> tuple[list[uuid.UUID], BaseException | None]:
        """Wait (bounded) for the acknowledgements: the ids acknowledged, and the first failure."""
        if not sent:
            return [], None
        await asyncio.wait([f for _, f in sent], timeout=self._delivery_timeout_s)
        delivered: list[uuid.UUID] = []
        failure: BaseException | None = None
        waiting = 0
        for event_id, future in sent:
            if not future.done():
                waiting += 1
            elif not _failed(future):
                delivered.append(event_id)
            elif failure is None:
                failure = KafkaError("send cancelled") if future.cancelled() else future.exception()
        if failure is None and waiting:
            failure = KafkaTimeoutError(
                f"{waiting} events not acknowledged within {self._delivery_timeout_s:.0f}s; the producer keeps them"
            )
        return delivered, failure

    def _forget_settled(self, rows: list[asyncpg.Record]) -> None:
        """Drop sends of rows no longer pending here (published by another replica, or pruned)."""
        if not self._in_flight:
            return
        pending = {row["id"] for row in rows}
        for event_id in [i for i, f in self._in_flight.items() if i not in pending and f.done()]:
            del self._in_flight[event_id]
