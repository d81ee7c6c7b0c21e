"""The followup consumer dies after storing an event but before committing its offset.

Kafka redelivers the record on restart; the inbox makes the redelivery a no-op, so
the event takes effect exactly once.
"""

from __future__ import annotations

import asyncpg
import pytest

from tests.kafka_offsets import lag, wait_caught_up
from tests.support import client, data_of, eventually
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

GROUP = "followup.goal-projection"
TOPIC = "vsm.goals.events"
CRASH_EXIT_CODE = 70


async def test_crash_between_store_and_offset_commit_applies_event_once(stack: Stack) -> None:
    assert stack.kafka_bootstrap and stack.database_url
    await wait_caught_up(stack.kafka_bootstrap, GROUP, TOPIC)
    stack.stop_service("followup")

    async with client(stack, "planner", timeout=10) as planner:
        data = await data_of(
            planner,
            stack.config.gateway_url,
            'mutation { createGoal(input: {level: OVERARCHING, title: "Kraschtest"}) { id } }',
        )
    goal_id = data["createGoal"]["id"]

    conn = await asyncpg.connect(stack.database_url)
    try:

        async def published_event_id() -> str | None:
            row = await conn.fetchrow(
                "SELECT id FROM goals.outbox WHERE key = $1 AND type = 'vsm.goals.goal.created.v1' "
                "AND published_at IS NOT NULL",
                goal_id,
            )
            return str(row["id"]) if row else None

        event_id = await eventually(published_event_id, what="the relay to publish the event")

        stack.start_service("followup", {"VSM_FAULT_EXIT_AFTER_STORE": "1"}, wait=False)
        assert stack.wait_exit("followup", timeout=60) == CRASH_EXIT_CODE

        # The effect and its inbox row were committed ...
        assert (
            await conn.fetchval("SELECT applied_events FROM followup.projected_goals WHERE id = $1::uuid", goal_id) == 1
        )
        assert await conn.fetchval("SELECT count(*) FROM followup.inbox WHERE id = $1", event_id) == 1
        # ... but the offset was not: the broker still owes the group this record.
        state = await lag(stack.kafka_bootstrap, GROUP, TOPIC)
        assert any(committed < end for committed, end in state.values()), state

        stack.start_service("followup")
        await wait_caught_up(stack.kafka_bootstrap, GROUP, TOPIC)

        assert (
            await conn.fetchval("SELECT applied_events FROM followup.projected_goals WHERE id = $1::uuid", goal_id) == 1
        )
        assert await conn.fetchval("SELECT count(*) FROM followup.inbox WHERE id = $1", event_id) == 1
    finally:
        await conn.close()
