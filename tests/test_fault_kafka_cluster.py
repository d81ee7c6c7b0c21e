"""A three-broker KRaft cluster on loopback (RF 3, min.insync.replicas 2) loses a broker mid-bulk.

The stack of this module runs against its own cluster of three combined broker+controller nodes.
While the HR system upserts 50,000 medarbetarmål through the gateway (five calls of 10,000) and a
planner creates goals beside it, the broker leading the goals topic is SIGKILLed. The remaining
two keep the topics writable (two in-sync replicas), the producers and consumers fail over, and
nothing is restarted. Afterwards every row is stored once, every event is on the topic, and every
goal reached both projections exactly once, with nothing dead-lettered.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from tests.faults import (
    GOALS_TOPIC,
    PROJECTION_GROUPS,
    goal_effects,
    topic_event_ids,
    wait_groups_caught_up,
    wait_published,
    wait_services_ready,
)
from tests.goals_api import GoalsApi
from tests.support import client, gql
from vsm_common.kafka import start_fresh, stop_client
from vsm_dev.kafka import KafkaCluster
from vsm_dev.stack import SERVICES, Stack, StackConfig

pytestmark = pytest.mark.e2e

ROWS = 50_000
BATCH = 10_000
GOALS = 40  # operational goals the medarbetarmål are spread over (one linked event per goal and call)
SIDE_MUTATIONS = 150  # goals created beside the bulk, their events checked in both projections
LINKED = "vsm.goals.employee_goals.linked.v1"
UPSERT = """mutation($s: String!, $g: [EmployeeGoalInput!]!) {
  upsertEmployeeGoals(sourceSystem: $s, goals: $g) { created updated unchanged errors { index field message } } }"""
CREATE = "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }"


@pytest.fixture(scope="module")
def cluster_stack(server_dir: Callable[[str], Path]) -> Iterator[tuple[Stack, KafkaCluster]]:
    data_dir = server_dir("cluster-stack")
    cluster = KafkaCluster(data_dir / "kafka", StackConfig.kafka_libs, nodes=3, log_dir=data_dir / "logs")
    print(f"[cluster] starting three Kafka nodes on {cluster.bootstrap}")
    cluster.start()
    config = StackConfig.on_free_ports(
        data_dir,
        topic_prefix="vsm",
        kafka_replication_factor=3,
        kafka_min_insync_replicas=2,
        kafka_bootstrap=cluster.bootstrap,
    )
    stack = Stack(config, progress=lambda msg: print(f"[cluster stack] {msg}"))
    try:
        stack.start(seed=True)
        yield stack, cluster
    finally:
        try:
            stack.stop()
        finally:
            cluster.stop()


async def _leader(bootstrap: str, topic: str, partition: int) -> int:
    admin = await start_fresh(lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap))
    try:
        [described] = await admin.describe_topics([topic])
        leaders = {p["partition"]: p["leader"] for p in described["partitions"]}
        replicas = {p["partition"]: p["replicas"] for p in described["partitions"]}
    finally:
        await stop_client(admin)
    assert len(replicas[partition]) == 3, f"{topic} is not replicated three times: {replicas}"
    return int(leaders[partition])


async def _operational_goals(api: GoalsApi, n: int) -> list[str]:
    kf, bun = await api.org_id("KF"), await api.org_id("BUN")
    top = await api.create(level="OVERARCHING", title=f"Klustertopp {uuid.uuid4().hex[:6]}")
    await api.adopt(top["id"], kf, "2026-01-01")
    concrete = await api.create(
        level="CONCRETE",
        title="Klusterkonkret",
        parentIds=[top["id"]],
        organizationIds=[bun],
        validFrom="2026-01-01",
        validTo="2027-12-31",
    )
    await api.adopt(concrete["id"], kf, "2026-01-02")
    ids = []
    for i in range(n):
        op = await api.create(
            level="OPERATIONAL", title=f"Klustermål {i}", parentIds=[concrete["id"]], organizationIds=[bun]
        )
        await api.adopt(op["id"], bun, "2026-01-03")
        ids.append(op["id"])
    return ids


async def test_broker_killed_during_hr_bulk_nothing_lost_or_duplicated(
    cluster_stack: tuple[Stack, KafkaCluster],
) -> None:
    stack, cluster = cluster_stack
    assert stack.database_url and stack.kafka_bootstrap
    pids = {name: stack.processes[name].popen.pid for name in SERVICES}
    async with GoalsApi.as_role(stack, "planner") as planner:
        goals = await _operational_goals(planner, GOALS)
        unit = await planner.org_id("BUF-CENTRUM")
    run = uuid.uuid4().hex[:8]
    source = f"hr-cluster-{run}"
    rows: list[dict[str, Any]] = [
        {
            "externalId": f"{run}-{i:06d}",
            "employeeRef": f"emp-{run}-{i // 2:06d}",
            "unitId": unit,
            "operationalGoalId": goals[i % GOALS],
            "title": f"Mitt bidrag {i}",
        }
        for i in range(ROWS)
    ]
    victim = await _leader(stack.kafka_bootstrap, GOALS_TOPIC, 0)
    first_batch_done = asyncio.Event()
    bulk: list[dict[str, Any]] = []
    side: dict[int, dict[str, Any]] = {}

    async def hr_bulk() -> None:
        async with client(stack, "hr-system", timeout=300) as http:
            for start in range(0, ROWS, BATCH):
                body = await gql(
                    http, stack.config.gateway_url, UPSERT, {"s": source, "g": rows[start : start + BATCH]}
                )
                bulk.append(body)
                first_batch_done.set()

    async def planner_beside() -> None:
        async with client(stack, "planner", timeout=120) as http:
            for i in range(SIDE_MUTATIONS):
                variables = {"i": {"level": "OVERARCHING", "title": f"Klusterfel {run} {i}"}}
                side[i] = await gql(http, stack.config.gateway_url, CREATE, variables)

    async def fault() -> None:
        await first_batch_done.wait()
        await asyncio.to_thread(cluster.kill, victim)

    await asyncio.wait_for(asyncio.gather(hr_bulk(), planner_beside(), fault()), timeout=900)

    assert [b.get("errors") for b in bulk] == [None] * (ROWS // BATCH), [b.get("errors") for b in bulk]
    results = [b["data"]["upsertEmployeeGoals"] for b in bulk]
    assert sum(r["created"] for r in results) == ROWS and all(r["errors"] == [] for r in results)
    side_errors = {i: b["errors"] for i, b in side.items() if b.get("errors")}
    assert not side_errors, f"{len(side_errors)} goal mutations failed: {list(side_errors.items())[:3]}"
    goal_ids = [uuid.UUID(side[i]["data"]["createGoal"]["id"]) for i in range(SIDE_MUTATIONS)]

    conn = await asyncpg.connect(stack.database_url)
    try:
        stored, distinct = await conn.fetchrow(
            "SELECT count(*), count(DISTINCT external_id) FROM goals.employee_goals WHERE source_system = $1", source
        )
        linked = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM goals.outbox WHERE type = $1 AND key = ANY($2::text[])", LINKED, goals
            )
        ]
        created = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM goals.outbox WHERE type = 'vsm.goals.goal.created.v1' AND key = ANY($1::text[])",
                [str(g) for g in goal_ids],
            )
        ]
        published_s = await wait_published(conn, "goals", linked + created, timeout=300)
        caught_up_s = await wait_groups_caught_up(stack.kafka_bootstrap, PROJECTION_GROUPS, GOALS_TOPIC, timeout=300)
        effects = await goal_effects(conn, stack.kafka_bootstrap, goal_ids)
    finally:
        await conn.close()
    on_topic = await topic_event_ids(stack.kafka_bootstrap, GOALS_TOPIC)
    linked_lost = sum(1 for event_id in linked if on_topic[str(event_id)] == 0)
    linked_extra = sum(max(0, on_topic[str(event_id)] - 1) for event_id in linked)
    await wait_services_ready(stack, SERVICES)
    assert {name: stack.processes[name].popen.pid for name in SERVICES} == pids, "a service was restarted"

    print(
        f"\n[broker {victim} of 3 killed] rows={ROWS} stored={stored} distinct={distinct} "
        f"linked events={len(linked)} lost={linked_lost} extra copies={linked_extra}; "
        f"goals beside={SIDE_MUTATIONS} lost={effects.lost} duplicated={effects.duplicated} "
        f"dead-lettered={effects.dead_lettered}; published {published_s:.1f}s and "
        f"projected {published_s + caught_up_s:.1f}s after the last call"
    )
    assert (stored, distinct) == (ROWS, ROWS), "every medarbetarmål stored exactly once"
    # One linked event per goal and call: each of the five calls touched every one of the goals.
    assert len(linked) == GOALS * (ROWS // BATCH)
    assert linked_lost == 0
    assert effects.details == [], effects.details[:10]
    assert (effects.lost, effects.duplicated, effects.dead_lettered) == (0, 0, 0)
