"""Prometheus metrics of a service, served at ``GET /metrics`` with ``prometheus-client``.

What operations watch: GraphQL requests, errors and latency per operation; the database pool;
the outbox backlog; per consumer group and partition the lag and the age of the last applied
event; dead letters; process memory and garbage collection. Every service gets all of it from
the shared wiring (the runtime, the standard GraphQL extensions and the health router).

Labels carry operation names, error codes, consumer groups, topics and partitions only, never
anything from a request's variables or a token, so no personal data reaches the metrics.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from aiokafka import TopicPartition
from aiokafka.errors import IllegalStateError
from fastapi import APIRouter, Request, Response
from graphql import DocumentNode, FieldNode, GraphQLError, get_operation_ast
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.execution import PreExecutionError

if TYPE_CHECKING:
    import asyncpg

    from .consumer import InboxConsumer
    from .runtime import Runtime

log = logging.getLogger(__name__)

# Operation names come from clients: only names that look like GraphQL names and are not too long
# become label values, and only the first MAX_OPERATION_NAMES distinct ones, so a client sending a
# new name with every request cannot grow the series without bound.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_LABEL_LENGTH = 64
MAX_OPERATION_NAMES = 500
OTHER = "other"
ANONYMOUS = "anonymous"
# Federation's own root fields: the gateway's entity fetches and its schema query.
FEDERATION_FIELDS = frozenset({"_entities", "_service"})

# GraphQL latency: a single lookup takes milliseconds, a 10,000-row bulk or a roll-up seconds.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

# Bounds of the reads made while a scrape waits: a slow database or consumer must not stall /metrics
# (Prometheus times a scrape out after 10 s by default); what could not be read is left out.
OUTBOX_TIMEOUT_S = 1.0
POSITION_TIMEOUT_S = 0.5

# clock_timestamp(), not now(): the age at this moment, not at the start of a transaction.
OUTBOX_BACKLOG_SQL = """
SELECT count(*) AS unpublished,
       coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8 AS oldest_age
  FROM outbox WHERE published_at IS NULL
"""


def bounded_name(name: str | None) -> str:
    """A label value for a client-chosen name: itself if a short GraphQL name, else ``other``."""
    if name is None:
        return ANONYMOUS
    if len(name) > MAX_LABEL_LENGTH or not _NAME.fullmatch(name):
        return OTHER
    return name


def root_fields(document: DocumentNode | None, operation_name: str | None) -> tuple[str, ...]:
    """The root fields the operation selects (``__typename`` aside); empty when it cannot be told."""
    if document is None:
        return ()
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return ()
    names = (s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode))
    return tuple(n for n in names if n != "__typename")


def operation_label(name: str | None, fields: Sequence[str]) -> str:
    """The ``operation`` label: the bounded operation name, or ``_entities`` / ``_service``.

    The gateway's entity fetches and schema queries are told apart from client operations whatever
    they are named, so a dashboard shows how much of a subgraph's work is serving other subgraphs.
    """
    if len(set(fields)) == 1 and fields[0] in FEDERATION_FIELDS:  # the gateway batches aliased _entities
        return fields[0]
    return bounded_name(name)


def error_code(error: GraphQLError, uncoded: str) -> str:
    """The ``code`` label of an error: its ``extensions.code`` (bounded), else ``uncoded``."""
    code = (error.extensions or {}).get("code")
    if not isinstance(code, str):
        return uncoded
    return code if len(code) <= MAX_LABEL_LENGTH and _NAME.fullmatch(code) else OTHER


def uncoded_error(ec: ExecutionContext) -> str:
    """What an error without a code is: the document did not parse, did not validate, or neither.

    The names are the ones Apollo Server gives such errors, which dashboards often know already.
    """
    if ec.graphql_document is None:
        return "GRAPHQL_PARSE_FAILED"
    if isinstance(ec.result, PreExecutionError):
        return "GRAPHQL_VALIDATION_FAILED"
    return "UNKNOWN"


class _PoolCollector:
    """``vsm_db_pool_connections``, read from the asyncpg pool when scraped (cheap, no I/O)."""

    def __init__(self, service: str, pool: Callable[[], asyncpg.Pool | None]) -> None:
        self._service = service
        self._pool = pool

    def collect(self) -> Iterator[Metric]:
        pool = self._pool()
        if pool is None:  # not opened yet, or a one-shot command without a pool
            return
        family = GaugeMetricFamily(
            "vsm_db_pool_connections",
            "Connections of the service's database pool: in use, idle, and the most it may open.",
            labels=["service", "state"],
        )
        size, idle = pool.get_size(), pool.get_idle_size()
        family.add_metric([self._service, "in_use"], size - idle)
        family.add_metric([self._service, "idle"], idle)
        family.add_metric([self._service, "max"], pool.get_max_size())
        yield family


class _Scrape:
    """The registry's metrics followed by those read asynchronously for this one scrape."""

    def __init__(self, registry: CollectorRegistry, extra: Sequence[Metric]) -> None:
        self._registry = registry
        self._extra = extra

    def collect(self) -> Iterable[Metric]:
        yield from self._registry.collect()
        yield from self._extra


class ServiceMetrics:
    """The metrics of one service process, in a registry of its own.

    A registry per runtime, not prometheus-client's global one, so tests may build several
    runtimes in one process; the process, platform and GC collectors are the library's own.
    """

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self.service = runtime.definition.name
        self.registry = CollectorRegistry()
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        self.requests = Counter(
            "vsm_graphql_requests_total",
            "GraphQL operations answered, by operation and outcome (error: the answer carried errors).",
            ["service", "operation", "operation_type", "outcome"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "vsm_graphql_request_duration_seconds",
            "Time to answer a GraphQL operation: parsing, validation, authorization and execution.",
            ["service", "operation", "operation_type"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "vsm_graphql_errors_total",
            "Errors in GraphQL answers, by operation and error code.",
            ["service", "operation", "code"],
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "vsm_dead_letters_total",
            "Records a consumer group could not apply and parked on the dead-letter topic, by source topic.",
            ["service", "group", "topic"],
            registry=self.registry,
        )
        self.token_checks = Counter(
            "vsm_gateway_token_checks_total",
            "Tokens the router asked this service about (its coprocessor, only for a token whose payload shows"
            " what the router cannot check: nbf, iat, sub, ...), by answer: refused or passed.",
            ["service", "answer"],
            registry=self.registry,
        )
        self.registry.register(_PoolCollector(self.service, runtime.pool_if_open))
        self._operations: set[str] = set()

    # ------------------------------------------------------------------ GraphQL
    def _operation(self, label: str) -> str:
        if label in self._operations or label in (ANONYMOUS, OTHER) or label in FEDERATION_FIELDS:
            return label
        if len(self._operations) >= MAX_OPERATION_NAMES:
            return OTHER
        self._operations.add(label)
        return label

    def observe_operation(
        self,
        *,
        operation: str,
        operation_type: str,
        seconds: float,
        codes: Sequence[str],
    ) -> None:
        """Count one answered operation; ``codes`` holds one code per error of the answer."""
        operation = self._operation(operation)
        outcome = "error" if codes else "ok"
        self.requests.labels(self.service, operation, operation_type, outcome).inc()
        self.duration.labels(self.service, operation, operation_type).observe(seconds)
        for code, count in collections.Counter(codes).items():
            self.errors.labels(self.service, operation, code).inc(count)

    def count_token_check(self, answer: str) -> None:
        """One answer of the front door's token check (vsm_common.front_door): ``refused`` or ``passed``."""
        self.token_checks.labels(self.service, answer).inc()

    # ---------------------------------------------------------------- consumers
    def dead_letter_counter(self, group: str, topics: Iterable[str]) -> Callable[[str], None]:
        """What a consumer group calls with the source topic of each record it dead-letters.

        The group's series start at 0, so ``increase()`` and a "dead letters > 0" alert see the first one.
        """
        for topic in topics:
            self.dead_letters.labels(self.service, group, topic)

        def dead_lettered(topic: str) -> None:
            self.dead_letters.labels(self.service, group, topic).inc()

        return dead_lettered

    async def _consumer_families(self) -> list[Metric]:
        lag = GaugeMetricFamily(
            "vsm_consumer_lag_records",
            "Records of a partition not yet applied by the consumer group (highwater minus next record).",
            labels=["service", "group", "topic", "partition"],
        )
        age = GaugeMetricFamily(
            "vsm_consumer_last_applied_age_seconds",
            "Seconds since this process last applied a record of the partition for the group (none yet: no sample).",
            labels=["service", "group", "topic", "partition"],
        )
        for consumer in list(self._runtime.consumers):
            partitions = sorted(consumer.kafka.assignment())
            # Concurrently: each may wait up to POSITION_TIMEOUT_S for a position being fetched.
            next_offsets = await asyncio.gather(*(_next_offset(consumer, tp) for tp in partitions))
            now = time.monotonic()
            still_assigned = consumer.kafka.assignment()  # a rebalance may have revoked some meanwhile
            for tp, next_offset in zip(partitions, next_offsets, strict=True):
                if tp not in still_assigned:
                    continue
                labels = [self.service, consumer.name, tp.topic, str(tp.partition)]
                # The partition's end as of the last fetch response (None before the first one).
                highwater = consumer.kafka.highwater(tp)
                if highwater is not None and next_offset is not None:
                    lag.add_metric(labels, max(highwater - next_offset, 0))
                applied_at = consumer.last_applied_at.get(tp)
                if applied_at is not None:
                    age.add_metric(labels, now - applied_at)
        return [lag, age]

    # ------------------------------------------------------------------- outbox
    async def _outbox_families(self) -> list[Metric]:
        pool = self._runtime.pool_if_open()
        if pool is None:
            return []
        try:
            async with pool.acquire(timeout=OUTBOX_TIMEOUT_S) as conn:
                row = await conn.fetchrow(OUTBOX_BACKLOG_SQL, timeout=OUTBOX_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - a scrape reports what it can; readiness reports the database
            log.debug("metrics: outbox backlog not read: %s: %s", type(exc).__name__, exc)
            return []
        unpublished = GaugeMetricFamily(
            "vsm_outbox_unpublished_events",
            "Events committed to the outbox and not yet published to Kafka.",
            labels=["service"],
        )
        unpublished.add_metric([self.service], row["unpublished"])
        oldest = GaugeMetricFamily(
            "vsm_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished outbox event; 0 when every event is published.",
            labels=["service"],
        )
        oldest.add_metric([self.service], row["oldest_age"])
        return [unpublished, oldest]

    # --------------------------------------------------------------- exposition
    async def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The scrape's body and content type (Prometheus text, or OpenMetrics when asked for).

        prometheus-client collectors are synchronous, so what needs I/O (the outbox query, the
        consumers' positions) is read here, on the event loop, before the text is generated.
        """
        outbox, consumers = await asyncio.gather(self._outbox_families(), self._consumer_families())
        encoder, content_type = choose_encoder(accept)
        return encoder(_Scrape(self.registry, [*outbox, *consumers])), content_type


async def _next_offset(consumer: InboxConsumer, tp: TopicPartition) -> int | None:
    """The partition's next record to apply: the consumer's own mark while it applies a batch.

    aiokafka's position is already past a batch when ``getmany`` returns it, so a group stuck on a
    record would show no lag if the position were used then.
    """
    pending = consumer.unapplied.get(tp)
    if pending is not None:
        return pending
    try:
        # Waits only while the position is being fetched (just after an assignment). Not
        # asyncio.wait_for, which on Python 3.11 can drop a cancel arriving as the wait ends.
        async with asyncio.timeout(POSITION_TIMEOUT_S):
            return int(await consumer.kafka.position(tp))
    except (TimeoutError, IllegalStateError):  # not known yet, or the partition was just revoked
        return None


class GraphQLMetrics(SchemaExtension):
    """Counts and times every GraphQL operation for :class:`ServiceMetrics`, and counts its errors.

    It implements only ``on_operation`` (a resolve hook would cost more than the resolvers) and,
    first among the standard extensions, sees the errors as the client gets them (with codes).
    """

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        raised = False
        try:
            yield
        except Exception:
            raised = True  # strawberry answers it as an error after the extensions
            raise
        finally:
            metrics = _metrics_of(self.execution_context.context)
            if metrics is not None:
                self._record(metrics, time.perf_counter() - started, raised)

    def _record(self, metrics: ServiceMetrics, seconds: float, raised: bool) -> None:
        ec = self.execution_context
        try:
            operation_type = ec.operation_type.value
        except Exception:  # noqa: BLE001 - no document, or no operation of that name
            operation_type = "unknown"
        uncoded = uncoded_error(ec)
        codes = [error_code(e, uncoded) for e in getattr(ec.result, "errors", None) or ()]
        if raised and not codes:
            codes = ["INTERNAL"]
        metrics.observe_operation(
            operation=operation_label(ec.operation_name, root_fields(ec.graphql_document, ec.operation_name)),
            operation_type=operation_type,
            seconds=seconds,
            codes=codes,
        )


def _metrics_of(context: Any) -> ServiceMetrics | None:
    # Every service's context holds its runtime; a schema executed without one (a unit test) is not measured.
    metrics = getattr(getattr(context, "runtime", None), "metrics", None)
    return metrics if isinstance(metrics, ServiceMetrics) else None


def metrics_router(runtime: Runtime) -> APIRouter:
    """``GET /metrics`` for Prometheus.

    Like ``/health`` it needs neither the gateway secret nor a token (both guard ``/graphql`` only):
    it is for the operations network, and it carries no personal data. Keep the port reachable
    only from there (deploy/ NetworkPolicies), as the subgraphs themselves are.
    """
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        body, content_type = await runtime.metrics.exposition(request.headers.get("accept", ""))
        return Response(content=body, media_type=content_type)

    return router
