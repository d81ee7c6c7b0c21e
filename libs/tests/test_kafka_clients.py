"""Every aiokafka client start is bounded: a broker that accepts connections but never answers
(as a restarted broker can look to a client stuck in aio-libs/aiokafka#712) costs the timeout,
not the process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaTimeoutError

from vsm_common.kafka import create_producer, running, start_client, start_fresh


@pytest.fixture
async def silent_broker() -> AsyncIterator[str]:
    """A TCP server that takes connections and never answers a request."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_start_that_gets_no_answer_times_out_and_leaves_the_client_stopped(silent_broker: str) -> None:
    producer = create_producer(silent_broker, "bounded-start")
    started = time.monotonic()
    with pytest.raises(KafkaTimeoutError, match="AIOKafkaProducer did not start within 1 s"):
        await start_client(producer, timeout_s=1)
    assert time.monotonic() - started < 15  # the bound, plus a bounded stop; aiokafka alone waits 40 s
    assert producer._closed  # stopped: its sender task and connections are gone


async def test_start_fresh_tries_a_new_client_each_time_then_gives_up(silent_broker: str) -> None:
    made: list[AIOKafkaConsumer] = []

    def factory() -> AIOKafkaConsumer:
        made.append(AIOKafkaConsumer(bootstrap_servers=silent_broker, enable_auto_commit=False))
        return made[-1]

    with pytest.raises(KafkaTimeoutError):
        await start_fresh(factory, attempts=2, timeout_s=0.5)
    assert len(made) == 2 and made[0] is not made[1]


async def test_running_admin_client_is_bounded_too(silent_broker: str) -> None:
    with pytest.raises(KafkaTimeoutError, match="AIOKafkaAdminClient"):
        async with running(lambda: AIOKafkaAdminClient(bootstrap_servers=silent_broker), attempts=1, timeout_s=0.5):
            raise AssertionError("the block must not run without a started client")
