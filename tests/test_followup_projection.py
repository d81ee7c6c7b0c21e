"""Followup's projection handlers fed synthetic goal events, and the roll-up over what they stored.

The handlers run on the real PostgreSQL of the test stack inside one transaction that is rolled
back at the end, so nothing leaks into the other tests; Kafka is not involved here (the e2e tests
cover the way through it).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest

from vsm_common.events import CloudEvent
from vsm_dev.stack import Stack
from vsm_followup import queries
from vsm_followup.adapters.goal_projection import SqlGoals, SqlOrganizations
from vsm_followup.adapters.unit_of_work import SqlFollowupUnitOfWork
from vsm_followup.consumers import goal_projection
from vsm_followup.domain.model import AssessmentStatus, FulfilmentBasis, PeriodKind, ReportingPeriod
from vsm_followup.settings import FollowupSettings

pytestmark = pytest.mark.integration

S = AssessmentStatus
SETTINGS = FollowupSettings()
KF = uuid.uuid4()
# Keyed by the CloudEvents type, as the inbox looks handlers up.
HANDLERS = goal_projection.handlers_by_name


@pytest.fixture
async def conn(stack: Stack) -> AsyncIterator[asyncpg.Connection]:
    assert stack.database_url
    connection = await asyncpg.connect(stack.database_url, server_settings={"search_path": "followup,public"})
    tx = connection.transaction()
    await tx.start()
    try:
        yield connection
    finally:
        await tx.rollback()
        await connection.close()


async def apply(conn: asyncpg.Connection, event_type: str, subject: uuid.UUID, **data: Any) -> None:
    event = CloudEvent(type=event_type, source="/vsm/goals", subject=str(subject), data=data)
    await HANDLERS[event_type](SqlFollowupUnitOfWork.joining(conn, "vsm.followup.events", "/vsm/followup"), event)


def decision(day: date) -> dict[str, Any]:
    return {"bodyId": str(KF), "date": day.isoformat(), "paragraph": "§ 1", "diaryNumber": "KS 2026/1"}


async def create(
    conn: asyncpg.Connection, level: str, title: str, parents: list[uuid.UUID], orgs: list[uuid.UUID] | None = None
) -> uuid.UUID:
    goal_id = uuid.uuid4()
    await apply(
        conn,
        "vsm.goals.goal.created.v1",
        goal_id,
        goalId=str(goal_id),
        level=level,
        state="DRAFT",
        title=title,
        parentIds=[str(p) for p in parents],
        organizationIds=[str(o) for o in orgs or []],
        validFrom=None,
        validTo=None,
    )
    return goal_id


async def period(conn: asyncpg.Connection, label: str, ends_on: date) -> ReportingPeriod:
    row = await conn.fetchrow(
        """INSERT INTO reporting_periods (id, year, kind, label, starts_on, ends_on)
           VALUES ($1, $2, 'TERTIAL', $3, $4, $5) RETURNING *""",
        uuid.uuid4(),
        ends_on.year,
        f"{label} {uuid.uuid4().hex[:6]}",
        date(ends_on.year, 1, 1),
        ends_on,
    )
    return ReportingPeriod(
        row["id"], row["year"], PeriodKind.TERTIAL, row["label"], row["starts_on"], row["ends_on"], False
    )


async def assess(conn: asyncpg.Connection, goal_id: uuid.UUID, p: ReportingPeriod, status: AssessmentStatus) -> None:
    await conn.execute(
        "INSERT INTO assessments (goal_id, period_id, status, analysis) VALUES ($1, $2, $3, 'x')",
        goal_id,
        p.id,
        str(status),
    )


async def test_handlers_build_the_projection_from_every_goal_event(conn: asyncpg.Connection) -> None:
    org = uuid.uuid4()
    await apply(
        conn,
        "vsm.goals.organization.registered.v1",
        org,
        organizationId=str(org),
        code=f"T{uuid.uuid4().hex[:5].upper()}",
        name="Testnämnden",
        kind="COMMITTEE",
        parentId=None,
    )
    top = await create(conn, "OVERARCHING", "Topp", [])
    goal = await create(conn, "CONCRETE", "Konkret", [top], [org])
    other = await create(conn, "OVERARCHING", "Annan topp", [])
    await apply(conn, "vsm.goals.goal.linked.v1", goal, goalId=str(goal), parentId=str(other))
    await apply(conn, "vsm.goals.goal.unlinked.v1", goal, goalId=str(goal), parentId=str(top))
    new_org = uuid.uuid4()
    await apply(
        conn,
        "vsm.goals.goal.revised.v1",
        goal,
        goalId=str(goal),
        revision=2,
        title="Konkret, reviderat",
        validFrom="2026-01-01",
        validTo="2028-12-31",
        organizationIds=[str(org), str(new_org)],
        decision=decision(date(2026, 3, 1)),
    )
    await apply(
        conn,
        "vsm.goals.goal.adopted.v1",
        goal,
        goalId=str(goal),
        level="CONCRETE",
        revision=2,
        decision=decision(date(2026, 3, 1)),
        establishedBy=None,
    )
    await apply(
        conn,
        "vsm.goals.goal.retired.v1",
        goal,
        goalId=str(goal),
        decision=decision(date(2026, 6, 15)),
        retiredOn="2026-06-15",
    )
    # A late adoption (replayed saga) does not bring a retired goal back.
    await apply(
        conn,
        "vsm.goals.goal.adopted.v1",
        goal,
        goalId=str(goal),
        level="CONCRETE",
        revision=2,
        decision=decision(date(2026, 3, 1)),
        establishedBy=None,
    )

    g = (await SqlGoals(conn).by_ids([goal]))[goal]
    assert (g.title, g.state, g.adopted_on, g.retired_on) == (
        "Konkret, reviderat",
        "RETIRED",
        date(2026, 3, 1),
        date(2026, 6, 15),
    )
    assert (g.valid_from, g.valid_to) == (date(2026, 1, 1), date(2028, 12, 31))
    assert set(g.organization_ids) == {org, new_org}
    assert await conn.fetchval("SELECT applied_events FROM projected_goals WHERE id = $1", goal) == 7
    assert await conn.fetchval("SELECT revision FROM projected_goals WHERE id = $1", goal) == 2
    links = await conn.fetch("SELECT parent_id FROM projected_goal_links WHERE child_id = $1", goal)
    assert [r["parent_id"] for r in links] == [other]
    named = (await SqlOrganizations(conn).by_ids([org]))[org]
    assert (named.name, named.kind) == ("Testnämnden", "COMMITTEE")
    assert (await SqlGoals(conn).of_organizations([new_org]))[new_org] == [goal]


async def test_events_for_goals_followup_never_saw_change_nothing(conn: asyncpg.Connection) -> None:
    ghost = uuid.uuid4()
    await apply(
        conn,
        "vsm.goals.goal.retired.v1",
        ghost,
        goalId=str(ghost),
        decision=decision(date(2026, 1, 1)),
        retiredOn="2026-01-01",
    )
    assert await SqlGoals(conn).by_ids([ghost]) == {}


async def test_roll_up_over_a_deep_tree_with_a_retired_branch(conn: asyncpg.Connection) -> None:
    top = await create(conn, "OVERARCHING", "Trygg kommun", [])
    program = await create(conn, "ACTION_PROGRAMME", "Handlingsprogram trygghet", [top])
    kept = await create(conn, "CONCRETE", "Tryggare hemtjänst", [program])
    retired = await create(conn, "CONCRETE", "Nedlagt projekt", [program])
    leaves = {
        "Fast omsorgskontakt": (kept, S.ACHIEVED),
        "Färre vikarier": (kept, S.PARTLY_ACHIEVED),
        "Projektmål": (retired, S.NOT_ACHIEVED),
    }
    t1 = await period(conn, "T1", date(2026, 4, 30))
    delar = await period(conn, "Delår", date(2026, 8, 31))
    ids: dict[str, uuid.UUID] = {}
    for title, (parent, status) in leaves.items():
        ids[title] = await create(conn, "OPERATIONAL", title, [parent])
        await assess(conn, ids[title], t1, status)
        await assess(conn, ids[title], delar, status)
    await apply(
        conn,
        "vsm.goals.goal.retired.v1",
        retired,
        goalId=str(retired),
        decision=decision(date(2026, 6, 1)),
        retiredOn="2026-06-01",
    )

    # T1 ends before the retirement: the branch still counts, and its failure decides (worst of).
    before = (await queries.fulfilments(conn, [top], t1, SETTINGS))[top]
    assert (before.status, before.basis) == (S.NOT_ACHIEVED, FulfilmentBasis.ROLLED_UP)
    [prog] = before.contributors
    assert {c.title for c in prog.contributors} == {"Tryggare hemtjänst", "Nedlagt projekt"}

    # Delår ends after it: the branch has dropped out; the explanation says so.
    after = (await queries.fulfilments(conn, [top], delar, SETTINGS))[top]
    assert (after.status, after.basis) == (S.PARTLY_ACHIEVED, FulfilmentBasis.ROLLED_UP)
    [prog] = after.contributors
    assert [c.title for c in prog.contributors] == ["Tryggare hemtjänst"]
    assert "1 avvecklat mål räknas inte: ”Nedlagt projekt”" in prog.explanation
    [concrete] = prog.contributors
    assert concrete.explanation == (
        "Sammanvägt (sämsta utfall avgör): 1 av 2 verksamhetsmål delvis uppfyllt: ”Färre vikarier”; 1 uppfyllt."
    )

    # An own assessment of the concrete goal overrides what its verksamhetsmål give.
    await assess(conn, kept, delar, S.ACHIEVED)
    overridden = (await queries.fulfilments(conn, [kept], delar, SETTINGS))[kept]
    assert (overridden.status, overridden.basis, overridden.rolled_up_status) == (
        S.ACHIEVED,
        FulfilmentBasis.OVERRIDDEN,
        S.PARTLY_ACHIEVED,
    )
    assert (await queries.fulfilments(conn, [top], delar, SETTINGS))[top].status is S.ACHIEVED


def goal_event(event_type: str, subject: uuid.UUID, at: datetime | None = None, **data: Any) -> CloudEvent:
    event = CloudEvent(type=event_type, source="/vsm/goals", subject=str(subject), data=data)
    return replace(event, time=at) if at is not None else event


async def deliver(conn: asyncpg.Connection, event: CloudEvent) -> None:
    await HANDLERS[event.type](SqlFollowupUnitOfWork.joining(conn, "vsm.followup.events", "/vsm/followup"), event)


async def link_periods(conn: asyncpg.Connection, child: uuid.UUID) -> list[tuple[uuid.UUID, date | None, date | None]]:
    rows = await conn.fetch(
        "SELECT parent_id, effective_from, effective_to FROM projected_goal_links WHERE child_id = $1 ORDER BY id",
        child,
    )
    return [(r["parent_id"], r["effective_from"], r["effective_to"]) for r in rows]


async def test_dated_links_move_a_goal_on_the_day_the_decision_says_and_redelivery_changes_nothing(
    conn: asyncpg.Connection,
) -> None:
    old_top = await create(conn, "OVERARCHING", "Gammal topp", [])
    new_top = await create(conn, "OVERARCHING", "Ny topp", [])
    program = await create(conn, "ACTION_PROGRAMME", "Program", [old_top])
    await apply(
        conn,
        "vsm.goals.goal.adopted.v1",
        program,
        goalId=str(program),
        level="ACTION_PROGRAMME",
        revision=1,
        decision=decision(date(2026, 1, 10)),
        establishedBy=None,
    )
    move_on = date(2026, 7, 1)
    unlinked = goal_event(
        "vsm.goals.goal.unlinked.v2",
        program,
        goalId=str(program),
        parentId=str(old_top),
        effectiveTo=move_on.isoformat(),
        decision=decision(date(2026, 5, 20)),
    )
    linked = goal_event(
        "vsm.goals.goal.linked.v2",
        program,
        goalId=str(program),
        parentId=str(new_top),
        effectiveFrom=move_on.isoformat(),
        decision=decision(date(2026, 5, 20)),
    )
    for event in (unlinked, linked, unlinked, linked):  # the second round: a redelivery
        await deliver(conn, event)
    assert await link_periods(conn, program) == [(old_top, None, move_on), (new_top, move_on, None)]

    p = await period(conn, "Delår", date(2026, 8, 31))
    await assess(conn, program, p, S.PARTLY_ACHIEVED)

    async def contributors(top: uuid.UUID, as_of: date | None) -> list[uuid.UUID]:
        found = (await queries.fulfilments(conn, [top], p, SETTINGS, as_of))[top]
        return [c.goal_id for c in found.contributors]

    assert await contributors(old_top, date(2026, 6, 30)) == [program]
    assert await contributors(new_top, date(2026, 6, 30)) == []
    assert await contributors(old_top, move_on) == []
    assert await contributors(new_top, move_on) == [program]
    # Without asOf the period's last day decides, which is after the move.
    assert await contributors(new_top, None) == [program]
    assert (await queries.fulfilments(conn, [new_top], p, SETTINGS))[new_top].status is S.PARTLY_ACHIEVED

    # Linked again later, after it was ended: a period of its own.
    again = goal_event(
        "vsm.goals.goal.linked.v2",
        program,
        goalId=str(program),
        parentId=str(old_top),
        effectiveFrom="2027-01-01",
        decision=decision(date(2026, 11, 1)),
    )
    await deliver(conn, again)
    await deliver(conn, again)
    assert await link_periods(conn, program) == [
        (old_top, None, move_on),
        (new_top, move_on, None),
        (old_top, date(2027, 1, 1), None),
    ]
    # A redelivered old removal does not end the new period.
    await deliver(conn, unlinked)
    assert (await link_periods(conn, program))[2] == (old_top, date(2027, 1, 1), None)


async def test_v1_link_events_keep_their_meaning(conn: asyncpg.Connection) -> None:
    top = await create(conn, "OVERARCHING", "Topp", [])
    other = await create(conn, "OVERARCHING", "Annan", [])
    draft = await create(conn, "ACTION_PROGRAMME", "Utkast", [top])
    adopted = await create(conn, "ACTION_PROGRAMME", "Antaget", [top])
    await apply(
        conn,
        "vsm.goals.goal.adopted.v1",
        adopted,
        goalId=str(adopted),
        level="ACTION_PROGRAMME",
        revision=1,
        decision=decision(date(2026, 1, 10)),
        establishedBy=None,
    )
    # 23:30 UTC on 1 March is 00:30 on 2 March in Stockholm: the municipality's day counts.
    late_evening = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)

    # A draft's links take effect with its adoption; removing one removes it.
    for event_type, parent in [("vsm.goals.goal.linked.v1", other), ("vsm.goals.goal.unlinked.v1", top)]:
        await deliver(conn, goal_event(event_type, draft, late_evening, goalId=str(draft), parentId=str(parent)))
    assert await link_periods(conn, draft) == [(other, None, None)]

    # On a goal in force a v1 change took effect the day it was recorded.
    linked = goal_event("vsm.goals.goal.linked.v1", adopted, late_evening, goalId=str(adopted), parentId=str(other))
    unlinked = goal_event("vsm.goals.goal.unlinked.v1", adopted, late_evening, goalId=str(adopted), parentId=str(top))
    for event in (linked, unlinked, linked, unlinked):
        await deliver(conn, event)
    assert await link_periods(conn, adopted) == [(top, None, date(2026, 3, 2)), (other, date(2026, 3, 2), None)]


async def test_roll_up_of_1500_goals_reaches_the_top(conn: asyncpg.Connection) -> None:
    top = uuid.uuid4()
    rows: list[tuple[uuid.UUID, str, str]] = [(top, "OVERARCHING", "Topp")]
    links: list[tuple[uuid.UUID, uuid.UUID]] = []
    leaves: list[uuid.UUID] = []
    for h in range(5):
        hid = uuid.uuid4()
        rows.append((hid, "ACTION_PROGRAMME", f"H{h}"))
        links.append((hid, top))
        for k in range(20):
            kid = uuid.uuid4()
            rows.append((kid, "CONCRETE", f"K{h}.{k}"))
            links.append((kid, hid))
            for v in range(14):
                vid = uuid.uuid4()
                rows.append((vid, "OPERATIONAL", f"V{h}.{k}.{v}"))
                links.append((vid, kid))
                leaves.append(vid)
    await conn.copy_records_to_table(
        "projected_goals", records=[(*r, "ADOPTED") for r in rows], columns=["id", "level", "title", "state"]
    )
    await conn.copy_records_to_table("projected_goal_links", records=links, columns=["child_id", "parent_id"])
    p = await period(conn, "Delår", date(2026, 8, 31))
    statuses = [S.ACHIEVED, S.PARTLY_ACHIEVED, S.NOT_ACHIEVED, S.ACHIEVED]
    await conn.copy_records_to_table(
        "assessments",
        records=[(leaf, p.id, str(statuses[i % 4]), "x") for i, leaf in enumerate(leaves)],
        columns=["goal_id", "period_id", "status", "analysis"],
    )
    assert len(rows) > 1500

    # How fast is for `make bench` to print (the committee dashboard), not for a test on a busy machine.
    result = (await queries.fulfilments(conn, [top], p, SETTINGS))[top]
    assert result.status is S.NOT_ACHIEVED and len(result.contributors) == 5
