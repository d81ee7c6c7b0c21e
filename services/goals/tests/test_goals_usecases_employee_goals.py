"""Use cases of medarbetarmål on the in-memory unit of work: bulk upsert, logged reads, export, gallring.

Personal data: every read and export must leave its access-log rows in the same unit of work.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from goals_fakes import BUN, CENTRUM, SN, goal, municipality

from vsm_common import contracts
from vsm_common.access import RowScope
from vsm_common.cursors import PageWindow
from vsm_common.errors import DomainError, Forbidden
from vsm_goals.domain.model import EmployeeGoal, GoalLevel, GoalState
from vsm_goals.service import employee_goals as cases
from vsm_goals.service.employee_goals import Reader, new_row

G = contracts.goals
WINDOW = PageWindow(after=None, before=None, size=50, backward=False)
HR = Reader("hr-system", "synk", RowScope.all())
MANAGER = Reader("chef-1", "uppföljning", RowScope.of_organization(CENTRUM.code))
EMPLOYEE = Reader("emp-1", "mina mål", RowScope.of_person("emp-1"))


def _held(
    operational_goal_id: uuid.UUID, employee_ref: str, unit_id: uuid.UUID = CENTRUM.id, **kw: object
) -> EmployeeGoal:
    return EmployeeGoal(
        id=uuid.uuid4(),
        source_system="heroma",
        external_id=f"hr-{uuid.uuid4()}",
        employee_ref=employee_ref,
        unit_id=unit_id,
        operational_goal_id=operational_goal_id,
        title="Läsa mer med eleverna",
        state=GoalState.ADOPTED,
        **kw,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------- upsert from the HR system
async def test_upsert_creates_new_rows_and_announces_them_per_operational_goal() -> None:
    uow = municipality()
    operational = goal(GoalLevel.OPERATIONAL, GoalState.ADOPTED, organization_ids=(BUN.id,))
    uow.goals.given(operational)
    rows = [
        new_row("hr-1", "emp-1", CENTRUM.id, operational.id, " Läsa mer "),
        new_row("hr-2", "emp-2", CENTRUM.id, operational.id, "Räkna mer"),
    ]

    result = await cases.upsert_employee_goals(uow, " heroma ", rows)

    assert (result.created, result.updated, result.unchanged, result.errors) == (2, 0, 0, [])
    stored = sorted(uow.employee_goals.rows.values(), key=lambda g: g.external_id)
    assert [(g.source_system, g.external_id, g.title) for g in stored] == [
        ("heroma", "hr-1", "Läsa mer"),
        ("heroma", "hr-2", "Räkna mer"),
    ]
    assert uow.committed
    [event] = uow.published
    assert event.type == G.EMPLOYEE_GOALS_LINKED.name and event.subject == str(operational.id)
    assert sorted(event.data["employeeGoalIds"]) == sorted(str(g.id) for g in stored)
    assert "emp-1" not in str(event.data)  # ids only: employee references are personal data

    again = await cases.upsert_employee_goals(uow, "heroma", rows)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert len(uow.published) == 1  # nothing changed, nothing announced


async def test_upsert_refuses_a_batch_with_an_invalid_row_whole() -> None:
    uow = municipality()
    operational = goal(GoalLevel.OPERATIONAL, GoalState.ADOPTED, organization_ids=(BUN.id,))
    uow.goals.given(operational)
    rows = [
        new_row("hr-1", "emp-1", CENTRUM.id, operational.id, "Läsa mer"),
        new_row("hr-2", "emp-2", SN.id, operational.id, "Räkna mer"),
    ]

    result = await cases.upsert_employee_goals(uow, "heroma", rows)

    assert [(p.index, p.key) for p in result.errors] == [(1, "unit_id")]
    assert uow.employee_goals.rows == {} and uow.employee_goals.writes == 0
    assert not uow.published


async def test_upsert_refuses_an_empty_source_system() -> None:
    uow = municipality()

    with pytest.raises(DomainError) as refused:
        await cases.upsert_employee_goals(uow, "  ", [])

    assert refused.value.rule == "employee_goal.source_system"


# ---------------------------------------------------------------- logged reads
async def test_a_manager_reads_a_page_of_their_units_goals_and_the_read_is_logged() -> None:
    uow = municipality()
    op = uuid.uuid4()
    mine = [_held(op, "emp-1"), _held(op, "emp-1"), _held(op, "emp-2")]
    uow.employee_goals.given(*mine, _held(op, "emp-3", unit_id=SN.id))

    page = await cases.read_page(uow, MANAGER, employee_ref=None, unit_id=None, operational_goal_id=None, window=WINDOW)

    assert [g.id for _, g in page.rows] == [g.id for g in mine] and page.total == 3
    assert uow.committed
    assert sorted((ref, e.goal_count, e.actor, e.operation) for ref, e in uow.employee_goals.access_log) == [
        ("emp-1", 2, "chef-1", "read"),
        ("emp-2", 1, "chef-1", "read"),
    ]


async def test_an_employee_may_not_read_someone_elses_goals_and_nothing_is_logged() -> None:
    uow = municipality()
    uow.employee_goals.given(_held(uuid.uuid4(), "emp-2"))

    with pytest.raises(Forbidden) as refused:
        await cases.read_page(
            uow, EMPLOYEE, employee_ref="emp-2", unit_id=None, operational_goal_id=None, window=WINDOW
        )

    assert refused.value.rule == "access.own_employee_goals"
    assert uow.employee_goals.access_log == []


async def test_read_by_ids_answers_only_what_the_reader_may_see_and_logs_it() -> None:
    uow = municipality()
    op = uuid.uuid4()
    own, other = _held(op, "emp-1"), _held(op, "emp-2")
    uow.employee_goals.given(own, other)

    found = await cases.read_by_ids(uow, EMPLOYEE, [own.id, other.id, uuid.uuid4()])

    assert found == {own.id: own}
    assert [(ref, e.goal_count, e.purpose) for ref, e in uow.employee_goals.access_log] == [("emp-1", 1, "mina mål")]
    assert uow.committed


async def test_read_by_ids_refuses_a_manager_whose_unit_is_unknown() -> None:
    uow = municipality()
    stray = Reader("chef-2", "uppföljning", RowScope.of_organization("OKÄND"))
    held = _held(uuid.uuid4(), "emp-1")
    uow.employee_goals.given(held)

    with pytest.raises(Forbidden) as refused:
        await cases.read_by_ids(uow, stray, [held.id])

    assert refused.value.rule == "access.unknown_unit"
    assert uow.employee_goals.access_log == [] and uow.rolled_back


# ---------------------------------------------------------------- registerutdrag
async def test_an_export_holds_the_goals_and_the_access_log_including_itself() -> None:
    uow = municipality()
    held = _held(uuid.uuid4(), "emp-1")
    uow.employee_goals.given(held, _held(uuid.uuid4(), "emp-2"))
    await cases.read_by_ids(uow, HR, [held.id])

    export = await cases.export_employee(uow, HR, "emp-1")

    assert export.goals == [held]
    assert [(e.operation, e.goal_count) for e in export.access_log] == [("read", 1), ("export", 1)]


async def test_an_employee_may_not_export_someone_else() -> None:
    uow = municipality()

    with pytest.raises(Forbidden) as refused:
        await cases.export_employee(uow, EMPLOYEE, "emp-2")

    assert refused.value.rule == "access.export" and uow.employee_goals.access_log == []


# ---------------------------------------------------------------- gallring
async def test_disposal_removes_goals_past_retention_and_tells_other_services() -> None:
    uow = municipality()
    now = datetime(2026, 6, 15, 12, tzinfo=UTC)
    op = uuid.uuid4()
    old = _held(op, "emp-1", updated_at=now - timedelta(days=800))
    fresh = _held(op, "emp-2", updated_at=now - timedelta(days=10))
    uow.employee_goals.given(old, fresh)

    removed = await cases.dispose_employee_goals(uow, timedelta(days=730), now=now)

    assert removed == 1 and set(uow.employee_goals.rows) == {fresh.id}
    [event] = uow.published
    assert event.type == G.EMPLOYEE_GOALS_REMOVED.name and event.subject == str(op)
    assert event.data == {"operationalGoalId": str(op), "employeeGoalIds": [str(old.id)], "reason": "disposal"}


async def test_disposal_with_nothing_past_retention_removes_and_announces_nothing() -> None:
    uow = municipality()
    fresh = _held(uuid.uuid4(), "emp-2", updated_at=datetime.now(UTC))
    uow.employee_goals.given(fresh)

    assert await cases.dispose_employee_goals(uow, timedelta(days=730)) == 0
    assert set(uow.employee_goals.rows) == {fresh.id} and uow.published == []
