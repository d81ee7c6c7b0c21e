"""Helpers of the fault tests: what reached Kafka and the consumers, counted from the real broker and tables."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tests.kafka_offsets import lag
from vsm_common.kafka import running
from vsm_dev.stack import Stack

GOALS_TOPIC = "vsm.goals.events"
PROJECTION_GROUPS = ("followup.goal-projection", "planning.goal-projection")
GOAL_CREATED = "vsm.goals.goal.created.v1"


async def topic_event_ids(bootstrap: str, topic: str) -> Counter[str]:
    """How many copies of each CloudEvent id the topic holds, read from the beginning to its current end."""
    copies: Counter[str] = Counter()
    async with running(lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap)) as admin:
        [described] = await admin.describe_topics([topic])
    partitions = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
    assert partitions, f"topic {topic} has no partitions"
    async with running(lambda: AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)) as consumer:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        async with asyncio.timeout(120):
            while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
                    for record in records:
                        if record.value:
                            try:
                                copies[json.loads(record.value)["id"]] += 1
                            except (ValueError, KeyError, TypeError):
                                copies["<unreadable>"] += 1
    return copies


async def wait_groups_caught_up(bootstrap: str, groups: Iterable[str], topic: str, timeout: float) -> float:
    """Wait until every group has committed up to the topic's end; returns the seconds it took."""
    start = time.monotonic()
    deadline = start + timeout
    for group in groups:
        while True:
            try:
                state = await lag(bootstrap, group, topic)
                if all(committed >= end for committed, end in state.values()):
                    break
            except Exception as exc:  # the broker may still be electing leaders: keep polling
                state = {"error": repr(exc)}  # type: ignore[dict-item]
            if time.monotonic() > deadline:
                raise AssertionError(f"group {group} did not catch up on {topic} within {timeout:.0f}s: {state}")
            await asyncio.sleep(0.5)
    return time.monotonic() - start


async def wait_published(conn: asyncpg.Connection, schema: str, event_ids: list[uuid.UUID], timeout: float) -> float:
    """Wait until the relay marked every one of ``event_ids`` published; returns the seconds it took."""
    start = time.monotonic()
    while True:
        pending = await conn.fetchval(
            f"SELECT count(*) FROM {schema}.outbox WHERE id = ANY($1::uuid[]) AND published_at IS NULL", event_ids
        )
        if pending == 0:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{pending} of {len(event_ids)} events still unpublished after {timeout:.0f}s")
        await asyncio.sleep(0.5)


async def wait_services_ready(stack: Stack, names: Iterable[str], timeout: float = 120) -> None:
    """Every named service answers its readiness probe with 200 (database, Kafka, relay and consumers ok)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as http:
        for name in names:
            while True:
                try:
                    resp = await http.get(f"{stack.config.service_url(name)}/health/ready")
                    if resp.status_code == 200:
                        break
                    body = resp.text
                except httpx.HTTPError as exc:
                    body = repr(exc)
                if time.monotonic() > deadline:
                    raise AssertionError(f"{name} not ready after {timeout:.0f}s: {body}")
                await asyncio.sleep(0.5)


@dataclass(frozen=True)
class GoalEffects:
    """What the two projections of the goals service hold for a set of goals created once each."""

    goals: int
    lost: int  # goals (or their created events) missing from a projection or its inbox
    duplicated: int  # effects applied more than once
    topic_copies_over_one: int  # extra copies on the topic (the relay is at least once; the inbox absorbs them)
    dead_lettered: int  # our events on the dead-letter topic
    details: list[str]


async def goal_effects(conn: asyncpg.Connection, bootstrap: str, goal_ids: list[uuid.UUID]) -> GoalEffects:
    """Count lost and duplicated effects of the goal.created events of ``goal_ids``.

    Followup counts in ``projected_goals.applied_events`` how many events changed a row: a goal
    created once must show exactly 1. Planning and followup each hold one inbox row per applied
    event; the inbox is what stops a redelivered event from being applied again.
    """
    events = {
        r["key"]: str(r["id"])
        for r in await conn.fetch(
            "SELECT key, id FROM goals.outbox WHERE type = $1 AND key = ANY($2::text[])",
            GOAL_CREATED,
            [str(g) for g in goal_ids],
        )
    }
    followup = {
        r["id"]: r["applied_events"]
        for r in await conn.fetch(
            "SELECT id, applied_events FROM followup.projected_goals WHERE id = ANY($1::uuid[])", goal_ids
        )
    }
    planning = {
        r["id"]: r["content_revision"]
        for r in await conn.fetch(
            "SELECT id, content_revision FROM planning.projected_goals WHERE id = ANY($1::uuid[])", goal_ids
        )
    }
    inbox: dict[str, Counter[str]] = {}
    for schema, group in (("followup", PROJECTION_GROUPS[0]), ("planning", PROJECTION_GROUPS[1])):
        rows = await conn.fetch(
            f"SELECT id FROM {schema}.inbox WHERE consumer = $1 AND id = ANY($2::text[])", group, list(events.values())
        )
        inbox[schema] = Counter(r["id"] for r in rows)
    on_topic = await topic_event_ids(bootstrap, GOALS_TOPIC)
    dead = await topic_event_ids(bootstrap, f"{GOALS_TOPIC}.dlq")

    lost = duplicated = extra = dead_lettered = 0
    details: list[str] = []
    for goal_id in goal_ids:
        event_id = events.get(str(goal_id))
        problems: list[str] = []
        missing = False
        if event_id is None:
            problems.append("no created event in the outbox")
            missing = True
        else:
            if on_topic[event_id] == 0:
                problems.append("event not on the topic")
                missing = True
            extra += max(0, on_topic[event_id] - 1)
            dead_lettered += dead[event_id]
            for schema in ("followup", "planning"):
                if inbox[schema][event_id] == 0:
                    problems.append(f"no {schema} inbox row")
                    missing = True
        applied = followup.get(goal_id)
        if applied is None:
            problems.append("not in followup's projection")
            missing = True
        elif applied != 1:
            duplicated += max(0, applied - 1)
            problems.append(f"followup applied {applied} events")
        if goal_id not in planning:
            problems.append("not in planning's projection")
            missing = True
        elif planning[goal_id] != 0:
            problems.append(f"planning's projection at revision {planning[goal_id]}, expected 0")
        lost += missing
        if problems:
            details.append(f"{goal_id}: {', '.join(problems)}")
    return GoalEffects(len(goal_ids), lost, duplicated, extra, dead_lettered, details)
