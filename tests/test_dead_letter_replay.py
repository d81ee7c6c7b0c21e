"""`python -m vsm_goals dlq list|replay`: a refused saga event is parked, listed, and replayed once."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.goals_api import GoalsApi
from tests.kafka_offsets import wait_caught_up
from tests.support import eventually
from tests.test_goals_saga_and_events import send_planning_event
from vsm_common.events import CloudEvent
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


async def test_a_refused_directive_is_dead_lettered_then_replayed_once(stack: Stack, api: GoalsApi) -> None:
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
    directive_id = str(uuid.uuid4())
    event = CloudEvent(
        type="vsm.planning.directive.adopted.v1",
        source="/vsm/planning",
        subject=directive_id,
        data={
            "directiveId": directive_id,
            "decision": {"bodyId": kf, "date": "2026-11-20", "paragraph": "§ 141", "diaryNumber": "KS 2026/00311"},
            "concreteGoalIds": [concrete["id"]],
        },
    )
    # The goal it serves is not in force: the rule refuses the event, which is parked, not retried.
    await send_planning_event(stack, event)
    await wait_caught_up(stack.kafka_bootstrap, "goals.planning-saga", "vsm.planning.events")
    listing = await eventually(
        lambda: _listing_with(stack, event.id), timeout=60, what="the refused event on the dead-letter topic"
    )
    fields = line_of(listing, event.id)
    assert fields[1:3] == ["goals.planning-saga", event.type]
    assert fields[4:6] == ["pending", "refused"] and "not in force" in fields[6]

    # Replaying while the rule still refuses changes nothing and keeps the letter.
    assert "failed again: refused" in dlq(stack, "replay", "--only", event.id)
    await api.adopt(top["id"], kf, "2026-01-01")
    out = dlq(stack, "replay", "--only", event.id)
    assert "replay: 1 applied, 0 already applied, 0 failed" in out
    assert "replay: 0 applied, 1 already applied, 0 failed" in dlq(stack, "replay", "--only", event.id)
    assert line_of(dlq(stack, "list"), event.id)[4] == "applied"

    conn = await asyncpg.connect(stack.database_url)
    try:
        row = await conn.fetchrow("SELECT state, established_by FROM goals.goals WHERE id = $1::uuid", concrete["id"])
        assert (row["state"], str(row["established_by"])) == ("ADOPTED", directive_id)
        adopted = "SELECT count(*) FROM goals.outbox WHERE type = 'vsm.goals.goal.adopted.v1' AND key = $1"
        assert await conn.fetchval(adopted, concrete["id"]) == 1
    finally:
        await conn.close()


async def _listing_with(stack: Stack, event_id: str) -> str | None:
    listing = dlq(stack, "list")
    return listing if f"\t{event_id}\t" in listing else None
