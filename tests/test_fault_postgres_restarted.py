"""PostgreSQL is stopped and started again while goals are created through the gateway.

Meanwhile every request gets an answer (none hangs): a mutation either succeeds or fails with
the clear, retryable ``SERVICE_UNAVAILABLE`` error, never a masked ``INTERNAL``. No service is
restarted: the pools replace their dead connections, the outbox relay listens again and the
consumers resume. Afterwards every goal whose mutation succeeded is stored and reaches both
projections exactly once; a mutation that failed during the outage either left nothing or,
when its commit went through before the connection was lost, is complete like the others.
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
STOP_AFTER = 75  # mutations answered before PostgreSQL is stopped
OUTAGE_ANSWERS = 30  # mutations answered while it is down before it is started again
RETRY_AFTER_S = 0.2
RECOVERED = 50  # the last answers, all of which must be successes
REQUEST_TIMEOUT_S = 60.0  # an answer slower than this counts as a hang
CREATE = "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }"


def _codes(body: dict[str, object]) -> set[str]:
    errors = body.get("errors") or []
    assert isinstance(errors, list)
    return {str((e.get("extensions") or {}).get("code")) for e in errors}


async def test_postgres_restarted_under_load_clear_errors_and_nothing_lost(stack: Stack) -> None:
    assert stack.kafka_bootstrap and stack.database_url
    await wait_groups_caught_up(stack.kafka_bootstrap, PROJECTION_GROUPS, GOALS_TOPIC, timeout=120)
    pids = {name: stack.processes[name].popen.pid for name in SERVICES}
    run = uuid.uuid4().hex[:8]
    todo = list(range(MUTATIONS))
    answered: dict[int, dict[str, object]] = {}
    order: list[int] = []  # mutation numbers in the order they were answered
    slowest = [0.0]
    outage: dict[str, int] = {}
    reached = {STOP_AFTER: asyncio.Event()}
    outage_answers = asyncio.Event()

    async def worker() -> None:
        async with client(stack, "planner", timeout=REQUEST_TIMEOUT_S) as http:
            while todo:
                i = todo.pop(0)
                variables = {"i": {"level": "OVERARCHING", "title": f"Databasfel {run} {i}"}}
                started = time.monotonic()
                answered[i] = await gql(http, stack.config.gateway_url, CREATE, variables)
                slowest[0] = max(slowest[0], time.monotonic() - started)
                order.append(i)
                if len(answered) in reached:
                    reached[len(answered)].set()
                if "stopped" in outage and len(answered) - outage["stopped"] >= OUTAGE_ANSWERS:
                    outage_answers.set()
                if answered[i].get("errors"):
                    await asyncio.sleep(RETRY_AFTER_S)  # as a client told "try again shortly" would

    async def fault() -> None:
        await reached[STOP_AFTER].wait()
        await asyncio.to_thread(stack.stop_postgres)
        outage["stopped"] = len(answered)
        await outage_answers.wait()
        outage["starting"] = len(answered)
        await asyncio.to_thread(stack.start_postgres)
        outage["started"] = len(answered)

    try:
        await asyncio.wait_for(asyncio.gather(fault(), *(worker() for _ in range(CONCURRENCY))), timeout=600)
    finally:
        # The rest of the session needs its database, whatever happened here.
        await asyncio.to_thread(stack.start_postgres)

    assert len(answered) == MUTATIONS, "every request got an answer"
    failed = {i: body for i, body in answered.items() if body.get("errors")}
    unclear = {i: body["errors"] for i, body in failed.items() if _codes(body) != {"SERVICE_UNAVAILABLE"}}
    assert not unclear, f"{len(unclear)} failures were not SERVICE_UNAVAILABLE: {list(unclear.items())[:3]}"
    assert failed, "no request noticed the outage: the database was not stopped under load"
    ok = {i: body for i, body in answered.items() if not body.get("errors")}
    after_restart = order[outage["started"] :]
    assert len(after_restart) >= RECOVERED, f"only {len(after_restart)} answers after the restart"
    assert all(i in ok for i in order[-RECOVERED:]), "the service did not recover after the restart"

    conn = await asyncpg.connect(stack.database_url)
    try:
        succeeded = [uuid.UUID(str(body["data"]["createGoal"]["id"])) for body in ok.values()]  # type: ignore[index]
        # A mutation that failed may still have committed (the answer was lost with the connection).
        titles = [f"Databasfel {run} {i}" for i in failed]
        committed_anyway = [
            r["id"] for r in await conn.fetch("SELECT id FROM goals.goals WHERE title = ANY($1::text[])", titles)
        ]
        goal_ids = succeeded + committed_anyway
        stored = await conn.fetchval("SELECT count(*) FROM goals.goals WHERE id = ANY($1::uuid[])", succeeded)
        assert stored == len(succeeded), "a goal whose mutation succeeded is missing"
        event_ids = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM goals.outbox WHERE type = 'vsm.goals.goal.created.v1' AND key = ANY($1::text[])",
                [str(g) for g in goal_ids],
            )
        ]
        assert len(event_ids) == len(goal_ids), "every committed goal has its event in the outbox"
        published_s = await wait_published(conn, "goals", event_ids, timeout=240)
        caught_up_s = await wait_groups_caught_up(stack.kafka_bootstrap, PROJECTION_GROUPS, GOALS_TOPIC, timeout=240)
        effects = await goal_effects(conn, stack.kafka_bootstrap, goal_ids)
    finally:
        await conn.close()
    await wait_services_ready(stack, SERVICES)
    assert {name: stack.processes[name].popen.pid for name in SERVICES} == pids, "a service was restarted"

    print(
        f"\n[postgres restarted] mutations={MUTATIONS} succeeded={len(ok)} "
        f"failed clearly={len(failed)} (committed anyway={len(committed_anyway)}) "
        f"slowest answer={slowest[0]:.1f}s lost={effects.lost} duplicated={effects.duplicated} "
        f"dead-lettered={effects.dead_lettered} extra topic copies={effects.topic_copies_over_one} "
        f"all published {published_s:.1f}s and projected {published_s + caught_up_s:.1f}s after the last mutation"
    )
    assert effects.details == [], effects.details[:10]
    assert (effects.lost, effects.duplicated, effects.dead_lettered) == (0, 0, 0)
