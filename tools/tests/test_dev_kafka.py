"""KafkaBroker: one broker start for the module (it costs seconds), topics, a record
produced and consumed with the durable client settings, and a clean stop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from vsm_dev.kafka import KafkaBroker, TopicSpec, ensure_topics
from vsm_dev.procutil import free_port, port_is_free

ROOT = Path(__file__).resolve().parents[2]
LIBS = Path(os.environ.get("VSM_KAFKA_LIBS", ROOT / ".cache" / "kafka-libs"))

pytestmark = pytest.mark.integration  # `make test` resolves the jars before the tests run

TOPICS = [
    TopicSpec("dev.events", partitions=3, config={"min.insync.replicas": "1"}),
    TopicSpec("dev.events.dlq", partitions=1),
]


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    kafka = KafkaBroker(tmp_path_factory.mktemp("kafka"), LIBS, free_port(), free_port())
    kafka.start()
    try:
        yield kafka
    finally:
        kafka.stop()


async def test_ensure_topics_is_idempotent(broker: KafkaBroker) -> None:
    await ensure_topics(broker.bootstrap, TOPICS)
    await ensure_topics(broker.bootstrap, TOPICS)
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    try:
        described = {t["topic"]: t for t in await admin.describe_topics([t.name for t in TOPICS])}
    finally:
        await admin.close()
    assert len(described["dev.events"]["partitions"]) == 3
    assert len(described["dev.events.dlq"]["partitions"]) == 1


async def test_produce_and_consume_one_record(broker: KafkaBroker) -> None:
    await ensure_topics(broker.bootstrap, TOPICS)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        meta = await producer.send_and_wait("dev.events", b"hello", key=b"goal-1", headers=[("h", b"v")])
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        "dev.events",
        bootstrap_servers=broker.bootstrap,
        group_id="dev-test",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
        await consumer.commit()
    finally:
        await consumer.stop()
    assert (record.key, record.value, record.partition, record.offset) == (b"goal-1", b"hello", meta.partition, 0)
    assert list(record.headers) == [("h", b"v")]


async def test_min_insync_above_replication_factor_is_rejected(broker: KafkaBroker) -> None:
    with pytest.raises(ValueError, match=r"min\.insync\.replicas"):
        await ensure_topics(broker.bootstrap, [TopicSpec("dev.bad", config={"min.insync.replicas": "2"})])


def test_stop_is_clean(broker: KafkaBroker) -> None:
    # Last in the module: the fixture's own stop() is then a no-op.
    broker.stop()
    assert broker.pid is None
    assert port_is_free("127.0.0.1", broker.port)
    assert port_is_free("127.0.0.1", broker.controller_port)
    assert "shut down completed" in broker.log_path.read_text()
