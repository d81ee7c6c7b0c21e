"""The adoption saga end to end: planning → Kafka → goals, and replaying it (twice) changes nothing.

Adopting a directive adopts its concrete goals in the goals service with the directive's decision, and
``Goal.establishedBy`` shows the directive; adopting a verksamhetsplan adopts its verksamhetsmål. The
goals side is the goals service's consumer of vsm.planning.directive.adopted.v1 / plan.adopted.v1.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tests.kafka_offsets import wait_caught_up
from tests.support import client, eventually
from tests.test_planning_support import Api, Scenario, decision, projected
from vsm_common.events import CloudEvent
from vsm_common.kafka import create_producer, start_fresh, stop_client
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

PLANNING_TOPIC = "vsm.planning.events"
GOALS_TOPIC = "vsm.goals.events"
GOAL = """query($g: ID!) { goal(id: $g) { id level state
    adopted { date paragraph diaryNumber body { id code } }
    establishedBy { id revision state } plans { id state } } }"""


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with client(stack, "planner") as http:  # structure, directives and plans
        yield Api(http, stack)


@pytest.fixture
async def db(stack: Stack) -> AsyncIterator[asyncpg.Connection]:
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:
        yield conn
    finally:
        await conn.close()


async def goal_when(api: Api, goal_id: str, state: str) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        g: dict[str, Any] = (await api.data(GOAL, g=goal_id))["goal"]
        return g if g["state"] == state else None

    return await eventually(check, timeout=45, what=f"goal {goal_id} to become {state} in the goals service")


async def groups_reading(bootstrap: str, topic: str) -> list[str]:
    """The consumer groups that have committed offsets on ``topic``."""
    admin = await start_fresh(lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap))
    try:
        found = []
        for group_id, *_ in await admin.list_consumer_groups():
            offsets = await admin.list_consumer_group_offsets(group_id)
            if any(tp.topic == topic for tp in offsets):
                found.append(group_id)
        return found
    finally:
        await stop_client(admin)


async def replay(stack: Stack, topic: str, payload: bytes) -> list[str]:
    """Publish an event again twice: the very same record (a redelivery) and a copy with a new id (a
    republication); return the ids sent."""
    assert stack.kafka_bootstrap
    same = CloudEvent.from_json(payload)
    copy = replace(same, id=str(uuid.uuid4()))
    producer = await start_fresh(lambda: create_producer(stack.kafka_bootstrap, "planning-saga-replay"))
    try:
        for event in (same, copy):
            await producer.send_and_wait(
                topic,
                value=event.to_json(),
                key=event.subject.encode(),
                headers=[("content-type", b"application/cloudevents+json")],
            )
    finally:
        await stop_client(producer)
    return [same.id, copy.id]


async def outbox_payload(db: asyncpg.Connection, schema: str, key: str, type_: str) -> bytes:
    async def published() -> bytes | None:
        row = await db.fetchrow(
            f"SELECT payload FROM {schema}.outbox WHERE key = $1 AND type = $2 AND published_at IS NOT NULL",
            key,
            type_,
        )
        return bytes(row["payload"]) if row else None

    return await eventually(published, what=f"{type_} of {key} to be published")


async def dead_letters(stack: Stack, topic: str, key: str) -> int:
    assert stack.kafka_bootstrap
    consumer = await start_fresh(
        lambda: AIOKafkaConsumer(bootstrap_servers=stack.kafka_bootstrap, enable_auto_commit=False)
    )
    try:
        partitions = [TopicPartition(f"{topic}.dlq", p) for p in consumer.partitions_for_topic(f"{topic}.dlq") or {0}]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        count = 0
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(timeout_ms=500)
            count += sum(1 for records in batch.values() for r in records if r.key == key.encode())
        return count
    finally:
        await stop_client(consumer)


async def test_adopting_a_directive_adopts_its_concrete_goals_in_the_goals_service(api: Api) -> None:
    s = await Scenario(api).setup()
    directive = await s.adopted_directive()
    for goal_id in (s.k1, s.k2):
        g = await goal_when(api, goal_id, "ADOPTED")
        assert g["adopted"] == {
            "date": f"{s.year - 1}-06-17",
            "paragraph": "§ 95",
            "diaryNumber": "KS 2026/00123",
            "body": {"id": s.kf, "code": "KF"},
        }
        assert g["establishedBy"] == {"id": directive["id"], "revision": 1, "state": "ADOPTED"}
    # The verksamhetsmål are not adopted by the directive.
    assert (await api.data(GOAL, g=s.v1))["goal"]["state"] == "DRAFT"


async def test_replaying_the_directive_saga_twice_changes_nothing(api: Api, db: asyncpg.Connection) -> None:
    stack = api.stack
    assert stack.kafka_bootstrap
    s = await Scenario(api).setup()
    directive = await s.adopted_directive()
    before = await goal_when(api, s.k1, "ADOPTED")
    adopted_type = "vsm.planning.directive.adopted.v1"
    goal_adopted_type = "vsm.goals.goal.adopted.v1"
    goal_events = "SELECT count(*) FROM goals.outbox WHERE key = $1 AND type = $2"
    assert await db.fetchval(goal_events, s.k1, goal_adopted_type) == 1

    for _ in range(2):
        # 1. The client repeats its request: same decision, nothing new is recorded or published.
        again = await api.adopt(directive["id"], decision(s.kf, f"{s.year - 1}-06-17"))
        assert (again["id"], again["state"], again["revision"]) == (directive["id"], "ADOPTED", 1)
        assert (
            await db.fetchval(
                "SELECT count(*) FROM planning.outbox WHERE key = $1 AND type = $2", directive["id"], adopted_type
            )
            == 1
        )
        # 2. Kafka redelivers the event, and someone republishes it under a new id.
        payload = await outbox_payload(db, "planning", directive["id"], adopted_type)
        await replay(stack, PLANNING_TOPIC, payload)
        for group in await groups_reading(stack.kafka_bootstrap, PLANNING_TOPIC):
            await wait_caught_up(stack.kafka_bootstrap, group, PLANNING_TOPIC)
        # 3. Planning receives the goals service's goal.adopted again (redelivered and republished).
        goal_payload = await outbox_payload(db, "goals", s.k1, goal_adopted_type)
        sent = await replay(stack, GOALS_TOPIC, goal_payload)
        await wait_caught_up(stack.kafka_bootstrap, "planning.goal-projection", GOALS_TOPIC)

        assert await db.fetchval(goal_events, s.k1, goal_adopted_type) == 1
        assert await db.fetchval(goal_events, s.k2, goal_adopted_type) == 1
        assert (await api.data(GOAL, g=s.k1))["goal"] == before
        inbox = "SELECT count(*) FROM planning.inbox WHERE consumer = 'planning.goal-projection' AND id = $1"
        assert [await db.fetchval(inbox, i) for i in sent] == [1, 1]
        state = await db.fetchval("SELECT state FROM planning.projected_goals WHERE id = $1::uuid", s.k1)
        assert state == "ADOPTED"
    assert await dead_letters(stack, PLANNING_TOPIC, directive["id"]) == 0
    assert await dead_letters(stack, GOALS_TOPIC, s.k1) == 0


async def test_a_revision_keeps_establishedBy_on_the_directive_that_first_adopted_the_goal(api: Api) -> None:
    s = await Scenario(api).setup()
    first = await s.adopted_directive()
    k3 = await api.goal("CONCRETE", f"Konkret mål 3 {s.tag}", [s.n2], [s.top], (f"{s.year}-01-01", f"{s.year}-12-31"))

    await projected(api.stack, goal_ids=[k3])
    revision = await api.add_goals(first["id"], [k3])
    revision = await api.adopt(revision["id"], decision(s.kf, f"{s.year - 1}-09-15", "§ 121"))
    g3 = await goal_when(api, k3, "ADOPTED")
    assert g3["establishedBy"] == {"id": revision["id"], "revision": 2, "state": "ADOPTED"}
    assert g3["adopted"]["paragraph"] == "§ 121"
    g1 = await goal_when(api, s.k1, "ADOPTED")
    assert g1["establishedBy"] == {"id": first["id"], "revision": 1, "state": "SUPERSEDED"}
    assert g1["adopted"]["paragraph"] == "§ 95"


async def test_adopting_a_plan_adopts_its_verksamhetsmal(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.planning_open()
    await goal_when(api, s.k1, "ADOPTED")
    plan = await api.create_plan(s.cycle["id"], s.n1)
    await api.plan_mutation("addPlanGoals", "planId: $planId, goalIds: $goalIds", planId=plan["id"], goalIds=[s.v1])
    budget = [
        {"activity": "Verksamhet", "year": s.year + i, "amount": a}
        for i, a in enumerate(("100000000.00", "102000000.00", "104000000.00"))
    ]
    await api.plan_mutation("setInternalBudget", "planId: $planId, lines: $lines", planId=plan["id"], lines=budget)
    await api.plan_mutation("submitPlan", "id: $id", id=plan["id"])
    own = decision(s.n1, f"{s.year - 1}-11-19", "§ 132", "N1 2026/1")
    await api.plan_mutation("adoptPlan", "id: $id, decision: $decision", id=plan["id"], decision=own)
    v1 = await goal_when(api, s.v1, "ADOPTED")
    assert v1["adopted"] == {
        "date": f"{s.year - 1}-11-19",
        "paragraph": "§ 132",
        "diaryNumber": "N1 2026/1",
        "body": {"id": s.n1, "code": f"N1{s.tag}"},
    }
    assert v1["plans"] == [{"id": plan["id"], "state": "ADOPTED"}]
    assert v1["establishedBy"] is None  # a verksamhetsmål is established by its plan, not by a directive
    assert (await api.data(GOAL, g=s.v2))["goal"]["state"] == "DRAFT"
