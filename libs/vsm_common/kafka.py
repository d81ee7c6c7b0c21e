"""Durable Kafka client settings, and bounded start and stop of every aiokafka client.

aiokafka's defaults are not durable (see engineering notes), and its ``start()`` can wait for
cluster metadata for ever once a broker it knew has gone and come back (aio-libs/aiokafka#712):
a stress run hung for good that way after the fault tests had restarted the broker. So no client
here is started or stopped without a time bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaTimeoutError

log = logging.getLogger(__name__)

# Bootstrapping takes well under a second on a live cluster; 30 s outlasts a leader election and
# a loaded machine, and is still short enough that a stuck start is retried instead of waited on.
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0

# Between retries of a failed request or connection (aiokafka's 100 ms makes a stopped broker
# cost a warning and a connection attempt ten times a second per client).
RETRY_BACKOFF_MS = 250


def create_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """An idempotent producer that waits for all in-sync replicas.

    Idempotence makes the producer retry a batch until the broker takes it, in order and without
    duplicates; aiokafka expires a batch only while its partition has no leader at all, after
    ``request_timeout_ms``. 30 s outlasts a leader election after a broker of a cluster dies
    (the controller fences it after ``broker.session.timeout.ms``, 9 s), so a failover delays
    sends instead of failing them.
    """
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=30000,
        retry_backoff_ms=RETRY_BACKOFF_MS,
    )


def create_consumer(bootstrap_servers: str, group_id: str, topics: list[str]) -> AIOKafkaConsumer:
    """A consumer that commits offsets only after the work is stored, from the beginning."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=500,
        retry_backoff_ms=RETRY_BACKOFF_MS,
    )


class KafkaClient(Protocol):
    """What a producer, consumer and admin client share: an async ``start()``."""

    async def start(self) -> None: ...


ClientT = TypeVar("ClientT", bound=KafkaClient)


async def start_client(client: KafkaClient, timeout_s: float = START_TIMEOUT_S) -> None:
    """Start ``client``, or stop it and raise :class:`KafkaTimeoutError` after ``timeout_s``.

    The error is a ``KafkaError``, so a caller that already retries an unreachable broker retries
    a stuck start the same way. A stopped aiokafka client cannot be started again: retry with a
    new one (:func:`start_fresh`).
    """
    try:
        async with asyncio.timeout(timeout_s):
            await client.start()
    except TimeoutError:
        await stop_client(client)
        raise KafkaTimeoutError(f"{type(client).__name__} did not start within {timeout_s:.0f} s") from None
    except BaseException:
        await stop_client(client)
        raise


async def stop_client(client: KafkaClient, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Stop (a producer or consumer) or close (an admin client) ``client``, waiting at most ``timeout_s``.

    A client that will not stop in time is abandoned with a warning: it holds only sockets, and
    a shutdown that hangs on it would hold everything else.
    """
    # The admin client names it close(); the producer and consumer stop().
    stop: Callable[[], Awaitable[None]] = getattr(client, "stop", None) or getattr(client, "close")  # noqa: B009
    try:
        async with asyncio.timeout(timeout_s):
            await stop()
    except TimeoutError:
        log.warning("%s did not stop within %.0f s; abandoned", type(client).__name__, timeout_s)
    except asyncio.CancelledError:
        # aiokafka's stop() of a consumer that was never assigned anything raises the
        # CancelledError of its own idle coordinator task; only a cancellation of ours goes on.
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise


async def start_fresh(
    factory: Callable[[], ClientT], *, attempts: int = 3, timeout_s: float = START_TIMEOUT_S
) -> ClientT:
    """A started client from ``factory``; a start that times out is dropped and a new client tried."""
    for attempt in range(1, attempts + 1):
        client = factory()
        try:
            await start_client(client, timeout_s)
            return client
        except KafkaTimeoutError:
            if attempt == attempts:
                raise
            log.warning("kafka client start timed out (attempt %d of %d); trying a new client", attempt, attempts)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


@contextlib.asynccontextmanager
async def running(
    factory: Callable[[], ClientT], *, attempts: int = 3, timeout_s: float = START_TIMEOUT_S
) -> AsyncIterator[ClientT]:
    """A started client from ``factory`` for the block (see :func:`start_fresh`), stopped after it."""
    client = await start_fresh(factory, attempts=attempts, timeout_s=timeout_s)
    try:
        yield client
    finally:
        await stop_client(client)
