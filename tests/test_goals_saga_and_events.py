"""Goals consumes the planning sagas idempotently; every goals event matches its published schema."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import jsonschema
import orjson
import pytest

from tests.goals_api import GoalsApi
from tests.kafka_offsets import wait_caught_up
from tests.support import eventually
from vsm_common.events import CloudEvent
from vsm_common.kafka import create_producer, start_fresh, stop_client
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

SCHEMAS = Path(__file__).resolve().parents[1] / "services" / "goals" / "events"


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[GoalsApi]:
    async with GoalsApi.as_role(stack, "planner") as api:  # the planning office writes the goal structure
        yield api


async def send_planning_event(stack: Stack, event: CloudEvent) -> None:
    assert stack.kafka_bootstrap
    producer = await start_fresh(lambda: create_producer(stack.kafka_bootstrap, "test-planning"))
    try:
        await producer.send_and_wait("vsm.planning.events", value=event.to_json(), key=event.subject.encode())
    finally:
        await stop_client(producer)


async def test_directive_adoption_adopts_its_concrete_goals_once(stack: Stack, api: GoalsApi) -> None:
    assert stack.database_url and stack.kafka_bootstrap
    kf, bun = await api.org_id("KF"), await api.org_id("BUN")
    top = await api.create(level="OVERARCHING", title=f"Topp {uuid.uuid4().hex[:6]}")
    await api.adopt(top["id"], kf, "2026-01-01")
    concrete = [
        await api.create(
            level="CONCRETE",
            title=f"Konkret {i}",
            parentIds=[top["id"]],
            organizationIds=[bun],
            validFrom="2027-01-01",
            validTo="2027-12-31",
        )
        for i in range(2)
    ]
    directive_id = str(uuid.uuid4())
    decision = {"bodyId": kf, "date": "2026-11-20", "paragraph": "§ 140", "diaryNumber": "KS 2026/00310"}

    def directive_adopted() -> CloudEvent:
        return CloudEvent(
            type="vsm.planning.directive.adopted.v1",
            source="/vsm/planning",
            subject=directive_id,
            data={"directiveId": directive_id, "decision": decision, "concreteGoalIds": [g["id"] for g in concrete]},
        )

    first = directive_adopted()
    await send_planning_event(stack, first)
    conn = await asyncpg.connect(stack.database_url)
    try:

        async def all_adopted() -> bool:
            states = await conn.fetch(
                "SELECT state, established_by FROM goals.goals WHERE id = ANY($1::uuid[])", [g["id"] for g in concrete]
            )
            return all(r["state"] == "ADOPTED" and str(r["established_by"]) == directive_id for r in states)

        await eventually(all_adopted, what="the directive's goals to be adopted")
        # Replays: the same event again (deduplicated by the inbox) and a new event with the same
        # content (the goals are already adopted, so nothing changes).
        await send_planning_event(stack, first)
        await send_planning_event(stack, directive_adopted())
        await wait_caught_up(stack.kafka_bootstrap, "goals.planning-saga", "vsm.planning.events")
        adopted_events = await conn.fetchval(
            "SELECT count(*) FROM goals.outbox WHERE type = 'vsm.goals.goal.adopted.v1' AND key = ANY($1::text[])",
            [g["id"] for g in concrete],
        )
        assert adopted_events == 2
        goal = (await api.data("query($id: ID!) { goal(id: $id) { state adopted { date } } }", id=concrete[0]["id"]))[
            "goal"
        ]
        assert goal == {"state": "ADOPTED", "adopted": {"date": "2026-11-20"}}
    finally:
        await conn.close()


async def test_every_goals_event_matches_its_published_schema(stack: Stack) -> None:
    assert stack.database_url
    schemas = {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in SCHEMAS.glob("*.schema.json")}
    conn = await asyncpg.connect(stack.database_url)
    try:
        rows = await conn.fetch("SELECT type, payload FROM goals.outbox")
    finally:
        await conn.close()
    seen = set()
    for row in rows:
        envelope = orjson.loads(row["payload"])
        assert envelope["specversion"] == "1.0"
        assert row["type"] in schemas, f"{row['type']} has no published schema"
        jsonschema.validate(envelope["data"], schemas[row["type"]])
        seen.add(row["type"])
    # The demo data and earlier tests produce these; the check is only meaningful if they are there.
    assert {"vsm.goals.organization.registered.v1", "vsm.goals.goal.created.v1", "vsm.goals.goal.adopted.v1"} <= seen
