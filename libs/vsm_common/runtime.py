"""The live resources of one service process: pool, producer, relay and consumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError

from .consumer import InboxConsumer
from .db import create_pool
from .definition import ServiceDefinition
from .kafka import create_consumer, create_producer
from .outbox import OutboxRelay
from .settings import ServiceSettings, topic_name
from .uow import UnitOfWork

log = logging.getLogger(__name__)


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
        self._producer_ready = asyncio.Event()

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "runtime not opened"
        return self._pool

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.pool, self.topic, self.definition.source)

    async def open_database(self) -> None:
        self._pool = await create_pool(
            self.settings.database_url,
            self.definition.name,
            min_size=self.settings.db_pool_min,
            max_size=self.settings.db_pool_max,
        )

    async def start_messaging(self) -> None:
        """Start relay and consumers in the background; Kafka being down delays them, not the API."""
        self._tasks["relay"] = asyncio.create_task(self._supervise("relay", self._run_relay()))
        for spec in self.definition.consumers:
            self._tasks[spec.group] = asyncio.create_task(self._supervise(spec.group, self._run_consumer(spec)))

    async def _start_producer(self) -> AIOKafkaProducer:
        delay = 0.5
        while True:
            producer = create_producer(self.settings.kafka_bootstrap_servers, f"vsm-{self.definition.name}")
            try:
                await producer.start()
                return producer
            except KafkaConnectionError:
                await producer.stop()
                log.warning("kafka not reachable at %s; retrying", self.settings.kafka_bootstrap_servers)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)

    async def _run_relay(self) -> None:
        if self.producer is None:
            self.producer = await self._start_producer()
            self._producer_ready.set()
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
            handlers=spec.handlers,
            fault_exit_after_store=self.settings.fault_exit_after_store,
        )
        self.consumers.append(consumer)
        await consumer.run()

    async def _supervise(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        """Keep a background loop alive: log and restart after an unexpected crash."""
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background task %s crashed; the service is not ready", name)
            raise

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
            checks[name] = "ok" if not task.done() else "stopped"
        return checks

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.producer is not None:
            await self.producer.stop()
        if self._pool is not None:
            await self._pool.close()
