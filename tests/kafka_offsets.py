"""Reading a consumer group's progress from the real broker."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from vsm_common.kafka import running


async def lag(bootstrap: str, group: str, topic: str) -> dict[int, tuple[int, int]]:
    """Per partition: (committed offset of the group, end offset of the partition)."""
    async with running(lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap)) as admin:
        [described] = await admin.describe_topics([topic])
        partitions = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
        assert partitions, f"topic {topic} has no partitions"
        committed = await admin.list_consumer_group_offsets(group)
    async with running(lambda: AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)) as consumer:
        ends = await consumer.end_offsets(partitions)
    return {tp.partition: (committed[tp].offset if tp in committed else 0, ends[tp]) for tp in partitions}


async def wait_caught_up(bootstrap: str, group: str, topic: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        state = await lag(bootstrap, group, topic)
        if all(committed >= end for committed, end in state.values()):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"group {group} did not catch up on {topic}: {state}")
        await asyncio.sleep(0.3)
