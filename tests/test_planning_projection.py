"""Planning's projection of the goals service's events: idempotent and tolerant of any order.

Kafka orders only the events of one key, and the outbox publishes at least once, so planning's
handlers must give the same projection whatever order and however often the events arrive.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest

from tests.kafka_offsets import wait_caught_up
from tests.support import client, eventually
from tests.test_planning_support import Api, projected
from vsm_common.db import create_pool
from vsm_common.events import CloudEvent
from vsm_common.kafka import create_producer, start_fresh, stop_client
from vsm_dev.stack import Stack
from vsm_planning import queries
from vsm_planning.adapters.unit_of_work import SqlPlanningUnitOfWork
from vsm_planning.consumers import goal_projection
from vsm_planning.domain.model import GoalLevel, GoalState, KnownGoal

pytestmark = pytest.mark.integration


@pytest.fixture
async def pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    assert stack.database_url
    p = await create_pool(stack.database_url, "planning", min_size=1, max_size=2)
    yield p
    await p.close()


def event(type_: str, subject: uuid.UUID, **data: Any) -> CloudEvent:
    return CloudEvent(type=f"vsm.goals.{type_}.v1", source="/vsm/goals", subject=str(subject), data=data)


async def apply(pool: asyncpg.Pool, *events: CloudEvent) -> None:
    for e in events:
        async with pool.acquire() as conn, conn.transaction():
            await goal_projection.handlers_by_name[e.type](
                SqlPlanningUnitOfWork.joining(conn, "vsm.planning.events", "/vsm/planning"), e
            )


async def known(pool: asyncpg.Pool, goal_id: uuid.UUID) -> KnownGoal:
    async with pool.acquire() as conn:
        return (await queries.known_goals(conn, [goal_id]))[goal_id]


def created(goal_id: uuid.UUID, org: uuid.UUID, parent: uuid.UUID | None = None, title: str = "Mål") -> CloudEvent:
    return event(
        "goal.created",
        goal_id,
        goalId=str(goal_id),
        level="OPERATIONAL",
        state="DRAFT",
        title=title,
        parentIds=[str(parent)] if parent else [],
        organizationIds=[str(org)],
        validFrom=None,
        validTo=None,
    )


def decision() -> dict[str, Any]:
    return {"bodyId": str(uuid.uuid4()), "date": "2026-11-19", "paragraph": "§ 1", "diaryNumber": None}


async def test_every_order_of_a_goals_events_gives_the_same_projection(pool: asyncpg.Pool) -> None:
    org, other_org, parent, second_parent = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events_of = {}
    for name in ("in_order", "reversed", "shuffled"):
        goal_id = uuid.uuid4()
        events_of[name] = (
            goal_id,
            [
                created(goal_id, org, parent, title="Första"),
                event("goal.linked", goal_id, goalId=str(goal_id), parentId=str(second_parent)),
                event(
                    "goal.revised",
                    goal_id,
                    goalId=str(goal_id),
                    revision=2,
                    title="Andra",
                    validFrom="2027-01-01",
                    validTo=None,
                    organizationIds=[str(other_org)],
                    decision=None,
                ),
                event(
                    "goal.adopted",
                    goal_id,
                    goalId=str(goal_id),
                    level="OPERATIONAL",
                    revision=2,
                    decision=decision(),
                    establishedBy=None,
                ),
                event("goal.retired", goal_id, goalId=str(goal_id), decision=decision(), retiredOn="2028-01-01"),
            ],
        )
    goal_id, evs = events_of["in_order"]
    await apply(pool, *evs)
    goal_id_r, evs_r = events_of["reversed"]
    await apply(pool, *reversed(evs_r))
    goal_id_s, evs_s = events_of["shuffled"]
    await apply(pool, evs_s[3], evs_s[1], evs_s[4], evs_s[0], evs_s[2])

    expected = KnownGoal(
        goal_id,
        GoalLevel.OPERATIONAL,
        GoalState.RETIRED,
        "Andra",
        (other_org,),
        (),
        valid_from=date(2027, 1, 1),
        adopted_on=date(2026, 11, 19),
        retired_on=date(2028, 1, 1),
    )
    for gid in (goal_id, goal_id_r, goal_id_s):
        got = await known(pool, gid)
        assert replace(got, id=goal_id, parent_ids=()) == expected
        assert set(got.parent_ids) == {parent, second_parent}
    # Replayed events change nothing: a late created event never overwrites a revision or lowers the state.
    await apply(pool, *evs, *reversed(evs))
    assert replace(await known(pool, goal_id), parent_ids=()) == expected


async def test_links_come_and_go_and_organisations_are_upserted(pool: asyncpg.Pool) -> None:
    goal_id, parent, org = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    linked = event("goal.linked", goal_id, goalId=str(goal_id), parentId=str(parent))
    unlinked = event("goal.unlinked", goal_id, goalId=str(goal_id), parentId=str(parent))
    await apply(pool, linked)  # before the goal itself: kept, but the goal is not known yet
    async with pool.acquire() as conn:
        assert goal_id not in await queries.known_goals(conn, [goal_id])
    await apply(pool, created(goal_id, org))
    assert (await known(pool, goal_id)).parent_ids == (parent,)
    await apply(pool, unlinked, unlinked)
    assert (await known(pool, goal_id)).parent_ids == ()

    registered = event(
        "organization.registered",
        org,
        organizationId=str(org),
        code="XN",
        name="Gamla namnet",
        kind="COMMITTEE",
        parentId=None,
    )
    renamed = replace(registered, id=str(uuid.uuid4()), data={**registered.data, "name": "Nya namnet"})
    await apply(pool, registered, renamed, renamed)
    async with pool.acquire() as conn:
        org_row = (await queries.known_organizations(conn, [org]))[org]
    assert (org_row.code, org_row.name, org_row.kind.value) == ("XN", "Nya namnet", "COMMITTEE")


async def test_goal_events_redelivered_through_kafka_apply_once_per_event(stack: Stack) -> None:
    assert stack.database_url and stack.kafka_bootstrap
    async with client(stack, "planner") as planner:
        api = Api(planner, stack)
        org = await api.org("BUN")
        goal_id = await api.goal("CONCRETE", f"Omspelat mål {uuid.uuid4().hex[:6]}", [org])
    await projected(stack, goal_ids=[goal_id])
    conn = await asyncpg.connect(stack.database_url)
    try:

        async def published() -> bytes | None:
            row = await conn.fetchrow(
                "SELECT payload FROM goals.outbox WHERE key = $1 AND type = 'vsm.goals.goal.created.v1' "
                "AND published_at IS NOT NULL",
                goal_id,
            )
            return bytes(row["payload"]) if row else None

        original = CloudEvent.from_json(await eventually(published, what="goal.created to be published"))
        row = "SELECT level, state, title, content_revision FROM planning.projected_goals WHERE id = $1::uuid"
        before = dict(await conn.fetchrow(row, goal_id))
        copy = replace(original, id=str(uuid.uuid4()), data={**original.data, "title": "Omskriven titel"})
        producer = await start_fresh(lambda: create_producer(stack.kafka_bootstrap, "planning-projection-replay"))
        try:
            for e in (original, original, copy):
                await producer.send_and_wait("vsm.goals.events", value=e.to_json(), key=e.subject.encode())
        finally:
            await stop_client(producer)
        await wait_caught_up(stack.kafka_bootstrap, "planning.goal-projection", "vsm.goals.events")
        inbox = "SELECT count(*) FROM planning.inbox WHERE consumer = 'planning.goal-projection' AND id = $1"
        assert await conn.fetchval(inbox, original.id) == 1
        assert await conn.fetchval(inbox, copy.id) == 1
        # A republished created event (same revision) does not overwrite what planning already holds.
        assert dict(await conn.fetchrow(row, goal_id)) == before
    finally:
        await conn.close()


def event_v2(type_: str, subject: uuid.UUID, **data: Any) -> CloudEvent:
    return CloudEvent(type=f"vsm.goals.{type_}.v2", source="/vsm/goals", subject=str(subject), data=data)


async def periods(pool: asyncpg.Pool, goal_id: uuid.UUID) -> list[tuple[uuid.UUID, date | None, date | None]]:
    async with pool.acquire() as conn:
        found = (await queries.links_of_goals(conn, [goal_id])).get(goal_id, [])
    return sorted(((ln.parent_id, ln.effective_from, ln.effective_to) for ln in found), key=str)


async def test_dated_links_of_v2_events_keep_their_periods_and_replays_change_nothing(pool: asyncpg.Pool) -> None:
    goal_id, k1, k2, org = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    moved = {"bodyId": str(org), "date": "2027-03-10", "paragraph": "§ 31", "diaryNumber": None}
    history = [
        created(goal_id, org, k1),
        event(
            "goal.adopted",
            goal_id,
            goalId=str(goal_id),
            level="OPERATIONAL",
            revision=1,
            decision={**moved, "date": "2026-11-19"},
            establishedBy=None,
        ),
        event_v2(
            "goal.linked", goal_id, goalId=str(goal_id), parentId=str(k2), effectiveFrom="2027-04-01", decision=moved
        ),
        event_v2(
            "goal.unlinked", goal_id, goalId=str(goal_id), parentId=str(k1), effectiveTo="2027-04-01", decision=moved
        ),
    ]
    await apply(pool, *history)
    expected = sorted([(k1, None, date(2027, 4, 1)), (k2, date(2027, 4, 1), None)], key=str)
    assert await periods(pool, goal_id) == expected
    assert (await known(pool, goal_id)).adopted_on == date(2026, 11, 19)
    # Redelivered (even the goal's first events after the change): a period already recorded is not reopened.
    await apply(pool, *history, *reversed(history))
    assert await periods(pool, goal_id) == expected
    assert (await known(pool, goal_id)).parent_ids == (k2,)

    # The link can be made again later: a new period beside the ended one.
    await apply(
        pool,
        event_v2(
            "goal.linked", goal_id, goalId=str(goal_id), parentId=str(k1), effectiveFrom="2028-01-01", decision=moved
        ),
    )
    assert (k1, date(2028, 1, 1), None) in await periods(pool, goal_id)

    # A draft's link removed with no date never took effect: gone.
    draft, parent = uuid.uuid4(), uuid.uuid4()
    await apply(
        pool,
        created(draft, org),
        event_v2("goal.linked", draft, goalId=str(draft), parentId=str(parent), effectiveFrom=None, decision=None),
    )
    assert await periods(pool, draft) == [(parent, None, None)]
    await apply(
        pool, event_v2("goal.unlinked", draft, goalId=str(draft), parentId=str(parent), effectiveTo=None, decision=None)
    )
    assert await periods(pool, draft) == []


async def test_v1_link_events_took_effect_the_day_recorded_on_a_goal_in_force(pool: asyncpg.Pool) -> None:
    goal_id, draft, k1, k2, org = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    # 23:30 UTC on 19 November is 20 November in Halmstad, where the goals service kept its calendar.
    recorded = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    adopted = event(
        "goal.adopted",
        goal_id,
        goalId=str(goal_id),
        level="OPERATIONAL",
        revision=1,
        decision=decision(),
        establishedBy=None,
    )
    linked = replace(event("goal.linked", goal_id, goalId=str(goal_id), parentId=str(k2)), time=recorded)
    unlinked = replace(event("goal.unlinked", goal_id, goalId=str(goal_id), parentId=str(k1)), time=recorded)
    await apply(pool, created(goal_id, org, k1), adopted, linked, unlinked, linked, unlinked)
    day = date(2026, 11, 20)
    assert await periods(pool, goal_id) == sorted([(k1, None, day), (k2, day, None)], key=str)

    draft_linked = replace(event("goal.linked", draft, goalId=str(draft), parentId=str(k2)), time=recorded)
    await apply(pool, created(draft, org, k1), draft_linked)
    assert await periods(pool, draft) == sorted([(k1, None, None), (k2, None, None)], key=str)
    await apply(pool, replace(event("goal.unlinked", draft, goalId=str(draft), parentId=str(k1)), time=recorded))
    assert await periods(pool, draft) == [(k2, None, None)]


async def test_retirement_and_the_sagas_answer_bring_their_dates(pool: asyncpg.Pool) -> None:
    goal_id, other, org = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    kf_decision = {"bodyId": str(org), "date": "2026-06-17", "paragraph": "§ 95", "diaryNumber": None}
    confirmed = CloudEvent(
        type="vsm.goals.goal_establishment.confirmed.v1",
        source="/vsm/goals",
        subject=str(uuid.uuid4()),
        data={
            "establishedBy": str(uuid.uuid4()),
            "establishedByKind": "DIRECTIVE",
            "decision": kf_decision,
            "goalIds": [str(goal_id), str(other)],
            "adoptedGoalIds": [str(goal_id)],
            "adoptionEventId": str(uuid.uuid4()),
        },
    )
    retired = event("goal.retired", goal_id, goalId=str(goal_id), decision=decision(), retiredOn="2028-01-01")
    await apply(pool, created(goal_id, org), confirmed, retired)
    got = await known(pool, goal_id)
    assert (got.state, got.adopted_on, got.retired_on) == (GoalState.RETIRED, date(2026, 6, 17), date(2028, 1, 1))
    # In force already: its own goal.adopted brings its date, the answer does not invent one.
    assert (await known(pool, other)).adopted_on is None
