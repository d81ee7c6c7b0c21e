"""The live resources of one service process: pool, producer, relay and consumers."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from .consumer import InboxConsumer
from .cursors import CursorCodec
from .db import create_pool
from .definition import ServiceDefinition
from .kafka import create_consumer, create_producer, start_client, stop_client
from .metrics import ServiceMetrics
from .outbox import OutboxRelay
from .settings import ServiceSettings, topic_name
from .uow import SqlUnitOfWork

log = logging.getLogger(__name__)

# Restart backoff of a crashed background loop (see Runtime._supervise).
SUPERVISE_FIRST_DELAY_S = 0.5
SUPERVISE_MAX_DELAY_S = 30.0
SUPERVISE_HEALTHY_S = 60.0


class Runtime:
    def __init__(self, definition: ServiceDefinition, settings: ServiceSettings) -> None:
        self.definition = definition
        self.settings = settings
        self.topic = topic_name(settings.topic_prefix, definition.name)
        self._pool: asyncpg.Pool | None = None
        self.producer: AIOKafkaProducer | None = None
        self.relay: OutboxRelay | None = None
        self.consumers: list[InboxConsumer] = []
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._loop_state: dict[str, str] = {}
        self.restarts: dict[str, int] = {}  # how often each background loop was restarted
        self._producer_ready = asyncio.Event()
        self.metrics = ServiceMetrics(self)  # served at /metrics (health router); reads this runtime when scraped

    @functools.cached_property
    def cursors(self) -> CursorCodec:
        """Signs the Relay cursors of this service's connections (vsm_common.cursors).

        Keyed by the gateway secret: every instance of the service has it (create_app refuses to
        start without it), so a cursor one instance gave out is good at any other.
        """
        if not self.settings.gateway_secret:
            raise RuntimeError("VSM_GATEWAY_SECRET must be set: cursors are signed with a key derived from it")
        return CursorCodec(self.settings.gateway_secret)

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "runtime not opened"
        return self._pool

    def pool_if_open(self) -> asyncpg.Pool | None:
        """The pool, or None before ``open_database`` (for metrics, which must not fail a scrape)."""
        return self._pool

    def unit_of_work(self) -> SqlUnitOfWork:
        """A new unit of work of the service (its repositories included), for ``async with``."""
        return self.definition.unit_of_work(self.pool, self.topic, self.definition.source)

    def joining(self, conn: asyncpg.Connection) -> SqlUnitOfWork:
        """The service's unit of work inside the transaction on ``conn`` (an event handler's inbox)."""
        return self.definition.unit_of_work.joining(conn, self.topic, self.definition.source)

    async def open_database(self) -> None:
        self._pool = await create_pool(
            self.settings.database_url,
            self.definition.name,
            min_size=self.settings.db_pool_min,
            max_size=self.settings.db_pool_max,
        )

    async def start_messaging(self) -> None:
        """Start relay and consumers in the background; Kafka being down delays them, not the API."""
        self._tasks["relay"] = asyncio.create_task(self._supervise("relay", self._run_relay))
        for spec in self.definition.consumers:
            self._tasks[spec.group] = asyncio.create_task(
                self._supervise(spec.group, functools.partial(self._run_consumer, spec))
            )

    async def _start_producer(self) -> AIOKafkaProducer:
        delay = 0.5
        while True:
            producer = create_producer(self.settings.kafka_bootstrap_servers, f"vsm-{self.definition.name}")
            try:
                await start_client(producer)  # stops it again when the start fails
                return producer
            except KafkaError as exc:
                servers = self.settings.kafka_bootstrap_servers
                log.warning("kafka not reachable at %s (%s); retrying", servers, type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)

    async def _run_relay(self) -> None:
        if self.producer is None:
            self.producer = await self._start_producer()
            self._producer_ready.set()
        if self.relay is None:
            self.relay = OutboxRelay(self.pool, self.producer, self.definition.name)
        await self.relay.run()

    async def _run_consumer(self, spec: Any) -> None:
        await self._producer_ready.wait()  # the dead-letter producer is the relay's
        assert self.producer is not None
        topics = [topic_name(self.settings.topic_prefix, s) for s in spec.sources]
        consumer = InboxConsumer(
            name=spec.group,
            pool=self.pool,
            consumer=create_consumer(self.settings.kafka_bootstrap_servers, spec.group, topics),
            dlq_producer=self.producer,
            handlers=spec.handlers_by_name,
            open_unit=self.joining,
            fault_exit_after_store=self.settings.fault_exit_after_store,
            on_dead_letter=self.metrics.dead_letter_counter(spec.group, topics),
        )
        # A restarted loop replaces its predecessor (same group), it does not add to the list.
        self.consumers = [c for c in self.consumers if c.name != spec.group] + [consumer]
        await consumer.run()

    async def _supervise(self, name: str, start: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run the background loop ``start()`` for the life of the process, restarting it when it ends.

        A loop that crashes (or returns, which none should) is logged with its traceback and
        started again, after a backoff that doubles from ``SUPERVISE_FIRST_DELAY_S`` up to
        ``SUPERVISE_MAX_DELAY_S`` and starts over once a run has lasted ``SUPERVISE_HEALTHY_S``.
        While it waits to be restarted, readiness reports the loop as ``restarting``. Only
        cancellation (shutdown) ends the supervision.
        """
        crashes = 0
        while True:
            self._loop_state[name] = "ok"
            started = time.monotonic()
            try:
                await start()
                log.error("background task %s returned; restarting it", name)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background task %s crashed; restarting it", name)
            if time.monotonic() - started >= SUPERVISE_HEALTHY_S:
                crashes = 0
            crashes += 1
            self.restarts[name] = self.restarts.get(name, 0) + 1
            delay = min(SUPERVISE_FIRST_DELAY_S * 2 ** min(crashes - 1, 10), SUPERVISE_MAX_DELAY_S)
            self._loop_state[name] = "restarting"
            await asyncio.sleep(delay)

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with self.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - report, don't raise, from a probe
            checks["database"] = f"error: {type(exc).__name__}"
        checks["kafka"] = "ok" if self.producer is not None else "connecting"
        for name, task in self._tasks.items():
            checks[name] = "stopped" if task.done() else self._loop_state.get(name, "ok")
        return checks

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.producer is not None:
            await stop_client(self.producer)
        if self._pool is not None:
            await self._pool.close()
