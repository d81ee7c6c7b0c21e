"""Kafka is SIGKILLed while 300 goals are created through the gateway, then started again.

Nothing is restarted by hand: the API keeps answering (it never waits for Kafka), the goals
service's outbox relay waits the outage out, and planning's and followup's consumers reconnect
by themselves. Every goal's created event then reaches both projections exactly once.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest

from tests.faults import (
    GOALS_TOPIC,
    PROJECTION_GROUPS,
    goal_effects,
    wait_groups_caught_up,
    wait_published,
    wait_services_ready,
)
from tests.support import client, gql
from vsm_dev.stack import SERVICES, Stack

pytestmark = pytest.mark.e2e

MUTATIONS = 300
CONCURRENCY = 6
KILL_AFTER = 75  # mutations answered before the broker is killed
RESTART_AFTER = 150  # ... and before it is started again
CREATE = "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }"


async def test_kafka_killed_during_300_mutations_every_event_applied_once(stack: Stack) -> None:
    assert stack.kafka_bootstrap and stack.database_url
    await wait_groups_caught_up(stack.kafka_bootstrap, PROJECTION_GROUPS, GOALS_TOPIC, timeout=120)
    pids = {name: stack.processes[name].popen.pid for name in SERVICES}
    run = uuid.uuid4().hex[:8]
    todo = list(range(MUTATIONS))
    answered: dict[int, dict[str, object]] = {}
    down_at: list[int] = []  # how many mutations were answered when the outage began and ended
    timeline: dict[str, float] = {}
    reached = {KILL_AFTER: asyncio.Event(), RESTART_AFTER: asyncio.Event()}

    async def worker() -> None:
        async with client(stack, "planner", timeout=60) as http:
            while todo:
                i = todo.pop(0)
                variables = {"i": {"level": "OVERARCHING", "title": f"Kafkafel {run} {i}"}}
                body = await gql(http, stack.config.gateway_url, CREATE, variables)
                answered[i] = body
                if len(answered) in reached:
                    reached[len(answered)].set()

    async def fault() -> None:
        await reached[KILL_AFTER].wait()
        await asyncio.to_thread(stack.kill_kafka)
        timeline["killed"] = time.monotonic()
        down_at.append(len(answered))
        await reached[RESTART_AFTER].wait()
        down_at.append(len(answered))
        timeline["restarting"] = time.monotonic()
        await asyncio.to_thread(stack.start_kafka)
        timeline["restarted"] = time.monotonic()

    try:
        await asyncio.wait_for(asyncio.gather(fault(), *(worker() for _ in range(CONCURRENCY))), timeout=600)
    finally:
        # The rest of the session needs its broker, whatever happened here.
        await asyncio.to_thread(stack.start_kafka)

    # The API never waited for Kafka: every mutation succeeded, during the outage too.
    errors = {i: body["errors"] for i, body in answered.items() if body.get("errors")}
    assert not errors, f"{len(errors)} mutations failed: {list(errors.items())[:3]}"
    assert len(answered) == MUTATIONS
    during_outage = down_at[1] - down_at[0]
    assert during_outage > 0, "no mutation was answered while the broker was down"
    goal_ids = [uuid.UUID(str(answered[i]["data"]["createGoal"]["id"])) for i in range(MUTATIONS)]  # type: ignore[index]

    conn = await asyncpg.connect(stack.database_url)
    try:
        event_ids = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM goals.outbox WHERE type = 'vsm.goals.goal.created.v1' AND key = ANY($1::text[])",
                [str(g) for g in goal_ids],
            )
        ]
        assert len(event_ids) == MUTATIONS, "every committed goal has its event in the outbox"
        published_s = await wait_published(conn, "goals", event_ids, timeout=240)
        caught_up_s = await wait_groups_caught_up(stack.kafka_bootstrap, PROJECTION_GROUPS, GOALS_TOPIC, timeout=240)
        effects = await goal_effects(conn, stack.kafka_bootstrap, goal_ids)
    finally:
        await conn.close()
    await wait_services_ready(stack, SERVICES)
    assert {name: stack.processes[name].popen.pid for name in SERVICES} == pids, "a service was restarted"
    assert all(stack.processes[name].popen.poll() is None for name in SERVICES)

    print(
        f"\n[kafka killed] mutations={MUTATIONS} answered while down={during_outage} "
        f"outage={timeline['restarted'] - timeline['killed']:.1f}s "
        f"lost={effects.lost} duplicated={effects.duplicated} dead-lettered={effects.dead_lettered} "
        f"extra topic copies={effects.topic_copies_over_one} "
        f"all published {published_s:.1f}s and projected {published_s + caught_up_s:.1f}s after the last mutation"
    )
    assert effects.details == [], effects.details[:10]
    assert (effects.lost, effects.duplicated, effects.dead_lettered) == (0, 0, 0)
