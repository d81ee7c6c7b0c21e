"""`python -m vsm_goals dlq list|replay`: a parked saga event is listed and replayed once.

A goals rule refusing a directive's goals is an answer (vsm.goals.goal_establishment.refused.v1), not a dead
letter; letters parked by the version before, which dead-lettered refusals, are still listed and replayed.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.goals_api import GoalsApi
from tests.support import eventually
from tests.test_goals_saga_and_events import send_planning_event
from vsm_common.events import CloudEvent
from vsm_common.kafka import create_producer, start_fresh, stop_client
from vsm_dev.stack import ROOT, Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[GoalsApi]:
    async with GoalsApi.as_role(stack, "planner") as api:
        yield api


def dlq(stack: Stack, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "vsm_goals", "dlq", *args],
        env=stack.service_env("goals"),
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return result.stdout.decode()


def line_of(listing: str, event_id: str) -> list[str]:
    [line] = [ln for ln in listing.splitlines() if f"\t{event_id}\t" in ln]
    return line.split("\t")


async def park(stack: Stack, event: CloudEvent, reason: str, detail: str) -> None:
    """Put ``event`` on the planning topic's dead-letter topic as the goals saga's consumer parks a record."""
    assert stack.kafka_bootstrap
    headers = [
        ("content-type", b"application/cloudevents+json"),
        ("dlq-reason", reason.encode()),
        ("dlq-failure", reason.encode()),
        ("dlq-detail", detail.encode()),
        ("dlq-consumer", b"goals.planning-saga"),
        ("dlq-original-topic", b"vsm.planning.events"),
        ("dlq-original-partition", b"0"),
        ("dlq-original-offset", b"0"),
    ]
    producer = await start_fresh(lambda: create_producer(stack.kafka_bootstrap, "test-dead-letters"))
    try:
        await producer.send_and_wait(
            "vsm.planning.events.dlq", value=event.to_json(), key=event.subject.encode(), headers=headers
        )
    finally:
        await stop_client(producer)


async def test_a_refused_directive_is_answered_and_a_parked_one_replayed_once(stack: Stack, api: GoalsApi) -> None:
    assert stack.database_url and stack.kafka_bootstrap
    kf, bun = await api.org_id("KF"), await api.org_id("BUN")
    top = await api.create(level="OVERARCHING", title=f"Ännu ej antaget {uuid.uuid4().hex[:6]}")
    concrete = await api.create(
        level="CONCRETE",
        title="Konkret mål under ett mål som inte gäller",
        parentIds=[top["id"]],
        organizationIds=[bun],
        validFrom="2027-01-01",
        validTo="2027-12-31",
    )

    def directive_adopted() -> CloudEvent:
        directive_id = str(uuid.uuid4())
        return CloudEvent(
            type="vsm.planning.directive.adopted.v1",
            source="/vsm/planning",
            subject=directive_id,
            data={
                "directiveId": directive_id,
                "decision": {"bodyId": kf, "date": "2026-11-20", "paragraph": "§ 141", "diaryNumber": "KS 2026/00311"},
                "concreteGoalIds": [concrete["id"]],
            },
        )

    conn = await asyncpg.connect(stack.database_url)
    try:
        answers = "SELECT type FROM goals.outbox WHERE key = $1 AND type LIKE 'vsm.goals.goal_establishment.%'"

        # The goal it serves is not in force: the goals service answers with a refusal (in the transaction
        # that records the event as applied, so it cannot also be parked).
        refused = directive_adopted()
        await send_planning_event(stack, refused)
        found = await eventually(
            lambda: conn.fetch(answers, refused.subject), timeout=120, what="the goals service's answer"
        )
        assert [r["type"] for r in found] == ["vsm.goals.goal_establishment.refused.v1"]
        assert f"\t{refused.id}\t" not in dlq(stack, "list")

        # A letter parked by an earlier version (which dead-lettered refusals) is listed, and replayed once
        # the goal can be adopted: through the inbox, so a second replay changes nothing.
        parked = directive_adopted()
        await park(stack, parked, "refused", "cannot adopt: the goal it serves is DRAFT, not in force")
        fields = line_of(dlq(stack, "list"), parked.id)
        assert fields[1:3] == ["goals.planning-saga", parked.type]
        assert fields[4:6] == ["pending", "refused"] and "not in force" in fields[6]
        await api.adopt(top["id"], kf, "2026-01-01")
        out = dlq(stack, "replay", "--only", parked.id)
        assert "replay: 1 applied, 0 already applied, 0 failed" in out
        assert "replay: 0 applied, 1 already applied, 0 failed" in dlq(stack, "replay", "--only", parked.id)
        assert line_of(dlq(stack, "list"), parked.id)[4] == "applied"

        row = await conn.fetchrow("SELECT state, established_by FROM goals.goals WHERE id = $1::uuid", concrete["id"])
        assert (row["state"], str(row["established_by"])) == ("ADOPTED", parked.subject)
        adopted = "SELECT count(*) FROM goals.outbox WHERE type = 'vsm.goals.goal.adopted.v1' AND key = $1"
        assert await conn.fetchval(adopted, concrete["id"]) == 1
        assert [r["type"] for r in await conn.fetch(answers, parked.subject)] == [
            "vsm.goals.goal_establishment.confirmed.v1"
        ]
    finally:
        await conn.close()


async def _listing_with(stack: Stack, event_id: str) -> str | None:
    listing = dlq(stack, "list")
    return listing if f"\t{event_id}\t" in listing else None
