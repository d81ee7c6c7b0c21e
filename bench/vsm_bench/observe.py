"""Read-only looks at the stack: outbox and inbox rows, consumer-group progress, spans, processes.

The harness never writes another service's tables; it reads them only to measure (scenario 4 and 5)
and to wait until the asynchronous parts have caught up before the next generation step.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from vsm_common.kafka import start_fresh, stop_client

SERVICES = ("goals", "planning", "followup")


class Observer:
    def __init__(self, database_url: str, kafka_bootstrap: str, topic_prefix: str = "vsm") -> None:
        self.database_url = database_url
        self.kafka_bootstrap = kafka_bootstrap
        self.topics = [f"{topic_prefix}.{s}.events" for s in SERVICES]
        self._pool: asyncpg.Pool | None = None
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._partitions: list[TopicPartition] = []

    async def __aenter__(self) -> Observer:
        self._pool = await asyncpg.create_pool(self.database_url, min_size=1, max_size=2)
        bootstrap = self.kafka_bootstrap
        self._admin = await start_fresh(lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap))
        self._consumer = await start_fresh(
            lambda: AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        )
        for described in await self._admin.describe_topics(self.topics):
            for p in described["partitions"]:
                self._partitions.append(TopicPartition(described["topic"], p["partition"]))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._consumer is not None:
            await stop_client(self._consumer)
        if self._admin is not None:
            await stop_client(self._admin)
        if self._pool is not None:
            await self._pool.close()

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None
        return self._pool

    async def unpublished(self) -> int:
        """Outbox rows of all services not yet published to Kafka."""
        total = 0
        async with self.pool.acquire() as conn:
            for schema in SERVICES:
                total += await conn.fetchval(f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL")
        return int(total)

    async def lag(self) -> dict[str, int]:
        """Per consumer group of the services: messages not yet processed on the topics it reads."""
        assert self._admin is not None and self._consumer is not None
        ends = await self._consumer.end_offsets(self._partitions)
        groups = [g[0] for g in await self._admin.list_consumer_groups()]
        out: dict[str, int] = {}
        for group in groups:
            if not group.startswith(tuple(f"{s}." for s in SERVICES)):
                continue
            committed = await self._admin.list_consumer_group_offsets(group)
            topics = {tp.topic for tp in committed}
            lag = 0
            for tp in self._partitions:
                if tp.topic in topics:
                    done = committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0
                    lag += max(0, ends[tp] - done)
            out[group] = lag
        return out

    async def settle(self, limit_s: float = 600, what: str = "the services to catch up") -> float:
        """Wait until every outbox is published and every consumer group has caught up, twice in a row."""
        t0 = time.monotonic()
        quiet = 0
        while True:
            pending = await self.unpublished()
            lag = await self.lag() if pending == 0 else {}
            if pending == 0 and not any(lag.values()):
                quiet += 1
                if quiet >= 2:
                    return time.monotonic() - t0
                await asyncio.sleep(0.15)
                continue
            quiet = 0
            if time.monotonic() - t0 > limit_s:
                raise TimeoutError(f"waiting for {what}: {pending} unpublished outbox rows, lag {lag}")
            await asyncio.sleep(0.25)

    async def end_offsets(self) -> dict[TopicPartition, int]:
        assert self._consumer is not None
        return dict(await self._consumer.end_offsets(self._partitions))

    async def groups_reached(self, targets: dict[TopicPartition, int], topic: str) -> dict[str, bool]:
        """Whether each service consumer group reading ``topic`` has committed past ``targets``."""
        assert self._admin is not None
        groups = [g[0] for g in await self._admin.list_consumer_groups()]
        out: dict[str, bool] = {}
        for group in groups:
            if not group.startswith(tuple(f"{s}." for s in SERVICES)):
                continue
            committed = await self._admin.list_consumer_group_offsets(group)
            if not any(tp.topic == topic for tp in committed):
                continue
            out[group] = all(
                tp in committed and committed[tp].offset >= end
                for tp, end in targets.items()
                if tp.topic == topic and end > 0
            )
        return out


class SpanLog:
    """Reads the stack's span file incrementally (it grows to hundreds of MB during generation)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._offset = 0
        self._spans: list[dict[str, Any]] = []

    def mark(self) -> None:
        """Forget what came before: later reads see only spans written from now on."""
        self._spans = []
        self._offset = self.path.stat().st_size if self.path and self.path.exists() else 0

    def read_new(self) -> list[dict[str, Any]]:
        if self.path is None or not self.path.exists():
            return self._spans
        with self.path.open("rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1  # a half-written last line waits for the next read
        for line in data[:end].splitlines():
            if line.strip():
                self._spans.append(json.loads(line))
        self._offset += end
        return self._spans

    async def wait_for(
        self, trace_ids: Iterable[str], required: dict[str, str], limit_s: float = 15.0
    ) -> dict[str, list[dict[str, Any]]]:
        """The spans of each trace, once each service in ``required`` has reported its span of the given kind.

        Exporters send spans in batches as they end; the SERVER (or CONSUMER) span of a request ends
        after everything below it, so once it is here the rest of that process's spans are too."""
        wanted = set(trace_ids)
        deadline = time.monotonic() + limit_s
        while True:
            by_trace: dict[str, list[dict[str, Any]]] = {t: [] for t in wanted}
            for s in self.read_new():
                if s["trace_id"] in by_trace:
                    by_trace[s["trace_id"]].append(s)
            missing = {
                t: [
                    svc
                    for svc, kind in required.items()
                    if not any(s["service"] == svc and s["kind"] == kind for s in sp)
                ]
                for t, sp in by_trace.items()
            }
            if not any(missing.values()):
                return by_trace
            if time.monotonic() > deadline:
                raise TimeoutError(f"spans missing after {limit_s}s: {[m for m in missing.items() if m[1]][:3]}")
            await asyncio.sleep(0.2)
