"""Medarbetarmål: 10,000 per call, idempotent, refused whole on a bad row, logged, exported, disposed."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from tests.goals_api import GoalsApi
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

UPSERT = """mutation($s: String!, $g: [EmployeeGoalInput!]!) {
  upsertEmployeeGoals(sourceSystem: $s, goals: $g) { created updated unchanged errors { index field message } } }"""


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[GoalsApi]:
    """The planning office: the goal structure the medarbetarmål hang on."""
    async with GoalsApi.as_role(stack, "planner") as api:
        yield api


@pytest.fixture
async def hr(stack: Stack) -> AsyncIterator[GoalsApi]:
    """The HR system: upserts medarbetarmål (10,000 per call, hence the long timeout)."""
    async with GoalsApi.as_role(stack, "hr-system", timeout=120) as api:
        yield api


@pytest.fixture
async def db(stack: Stack) -> AsyncIterator[asyncpg.Connection]:
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    yield conn
    await conn.close()


async def adopted_operational_goal(api: GoalsApi) -> tuple[str, str]:
    kf, bun = await api.org_id("KF"), await api.org_id("BUN")
    top = await api.create(level="OVERARCHING", title=f"Topp {uuid.uuid4().hex[:6]}")
    await api.adopt(top["id"], kf, "2026-01-01")
    concrete = await api.create(
        level="CONCRETE",
        title="Konkret",
        parentIds=[top["id"]],
        organizationIds=[bun],
        validFrom="2026-01-01",
        validTo="2027-12-31",
    )
    await api.adopt(concrete["id"], kf, "2026-01-02")
    op = await api.create(level="OPERATIONAL", title="VM", parentIds=[concrete["id"]], organizationIds=[bun])
    await api.adopt(op["id"], bun, "2026-01-03")
    return op["id"], concrete["id"]


def batch(n: int, unit: str, goal: str, prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "externalId": f"{prefix}-{i}",
            "employeeRef": f"emp-{prefix}-{i % 500}",
            "unitId": unit,
            "operationalGoalId": goal,
            "title": f"Personligt mål nr {i}",
        }
        for i in range(n)
    ]


async def test_ten_thousand_in_one_call_idempotent(api: GoalsApi, hr: GoalsApi, db: asyncpg.Connection) -> None:
    goal, _ = await adopted_operational_goal(api)
    unit = await api.org_id("BUF-CENTRUM")
    prefix = uuid.uuid4().hex[:8]
    rows = batch(10_000, unit, goal, prefix)
    first = (await hr.data(UPSERT, s="hr-test", g=rows))["upsertEmployeeGoals"]
    assert first == {"created": 10_000, "updated": 0, "unchanged": 0, "errors": []}
    again = (await hr.data(UPSERT, s="hr-test", g=rows))["upsertEmployeeGoals"]
    assert again == {"created": 0, "updated": 0, "unchanged": 10_000, "errors": []}
    rows[7]["title"] = "Nytt mål"
    changed = (await hr.data(UPSERT, s="hr-test", g=rows[:100]))["upsertEmployeeGoals"]
    assert changed == {"created": 0, "updated": 1, "unchanged": 99, "errors": []}
    count = await db.fetchval("SELECT count(*) FROM goals.employee_goals WHERE external_id LIKE $1", f"{prefix}-%")
    assert count == 10_000

    # Events say which goals got medarbetarmål, by id only: no titles, no employee references.
    payloads = await db.fetch(
        "SELECT convert_from(payload, 'UTF8') AS p FROM goals.outbox "
        "WHERE type = 'vsm.goals.employee_goals.linked.v1' AND key = $1",
        goal,
    )
    assert payloads
    for row in payloads:
        assert "Personligt mål" not in row["p"] and "Nytt mål" not in row["p"] and "emp-" not in row["p"]

    too_many = await hr.errors(UPSERT, s="hr-test", g=batch(10_001, unit, goal, prefix))
    assert too_many[0]["extensions"]["rule"] == "employee_goal.batch_size"


async def test_a_bad_row_refuses_the_whole_batch(api: GoalsApi, hr: GoalsApi, db: asyncpg.Connection) -> None:
    goal, concrete = await adopted_operational_goal(api)
    unit = await api.org_id("BUF-CENTRUM")
    prefix = uuid.uuid4().hex[:8]
    rows = batch(5, unit, goal, prefix)
    rows[1]["unitId"] = str(uuid.uuid4())
    rows[2]["operationalGoalId"] = concrete
    rows[3]["title"] = ""
    result = (await hr.data(UPSERT, s="hr-test", g=rows))["upsertEmployeeGoals"]
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 0)
    assert [(e["index"], e["field"]) for e in result["errors"]] == [
        (1, "unitId"),
        (2, "operationalGoalId"),
        (3, "title"),
    ]
    assert await db.fetchval("SELECT count(*) FROM goals.employee_goals WHERE external_id LIKE $1", f"{prefix}-%") == 0


async def test_reads_are_logged_and_an_employee_can_get_an_export(
    stack: Stack, api: GoalsApi, hr: GoalsApi, db: asyncpg.Connection
) -> None:
    goal, _ = await adopted_operational_goal(api)
    unit = await api.org_id("BUF-CENTRUM")
    prefix = uuid.uuid4().hex[:8]
    await hr.data(UPSERT, s="hr-test", g=batch(3, unit, goal, prefix))
    ref = f"emp-{prefix}-1"
    # The unit's manager reads, the employee exports their own data (sub = the pseudonymous employee ref);
    # the access log names each token's subject.
    async with (
        GoalsApi.as_role(stack, "manager", sub="manager-42", org="BUF-CENTRUM") as manager,
        GoalsApi.as_role(stack, "employee", sub=ref) as employee,
    ):
        page = (
            await manager.data(
                'query($r: String) { employeeGoals(employeeRef: $r, purpose: "utvecklingssamtal") '
                "{ totalCount edges { node { title employeeRef operationalGoal { id } unit { code } } } } }",
                r=ref,
            )
        )["employeeGoals"]
        assert page["totalCount"] == 1
        assert page["edges"][0]["node"]["operationalGoal"]["id"] == goal
        assert page["edges"][0]["node"]["unit"]["code"] == "BUF-CENTRUM"
        logged = await db.fetch(
            "SELECT actor, purpose, operation, goal_count FROM goals.employee_goal_access_log WHERE employee_ref = $1",
            ref,
        )
        assert [tuple(r) for r in logged] == [("manager-42", "utvecklingssamtal", "read", 1)]

        export = (
            await employee.data(
                "query($r: String!) { employeeDataExport(employeeRef: $r) { employeeRef employeeGoals { externalId } "
                "accessLog { actor purpose operation } } }",
                r=ref,
            )
        )["employeeDataExport"]
        assert export["employeeGoals"] == [{"externalId": f"{prefix}-1"}]
        assert [(e["actor"], e["operation"]) for e in export["accessLog"]] == [("manager-42", "read"), (ref, "export")]

        via_goal = (
            await manager.data(
                "query($id: ID!) { goal(id: $id) { employeeGoals(first: 10) { totalCount } } }",
                id=goal,
            )
        )["goal"]["employeeGoals"]
        assert via_goal["totalCount"] == 3  # all three are in the manager's unit
    assert (
        await db.fetchval(
            "SELECT count(*) FROM goals.employee_goal_access_log WHERE employee_ref LIKE $1", f"emp-{prefix}-%"
        )
        == 5
    )  # one read of emp-1, its export, and one read row for each of the three employees via the goal


async def test_disposal_removes_old_goals_and_tells_other_services(
    stack: Stack, api: GoalsApi, hr: GoalsApi, db: asyncpg.Connection
) -> None:
    goal, _ = await adopted_operational_goal(api)
    unit = await api.org_id("BUF-CENTRUM")
    prefix = uuid.uuid4().hex[:8]
    await hr.data(UPSERT, s="hr-test", g=batch(4, unit, goal, prefix))
    old_ids = await db.fetch(
        "UPDATE goals.employee_goals SET updated_at = now() - interval '800 days' "
        "WHERE external_id IN ($1, $2) RETURNING id",
        f"{prefix}-0",
        f"{prefix}-1",
    )
    out = stack.run_command("goals", "dispose-employee-goals")
    assert "removed" in out
    left = await db.fetch("SELECT external_id FROM goals.employee_goals WHERE external_id LIKE $1", f"{prefix}-%")
    assert sorted(r["external_id"] for r in left) == [f"{prefix}-2", f"{prefix}-3"]
    removed = await db.fetchval(
        "SELECT convert_from(payload, 'UTF8') FROM goals.outbox "
        "WHERE type = 'vsm.goals.employee_goals.removed.v1' AND key = $1",
        goal,
    )
    assert removed is not None
    for r in old_ids:
        assert str(r["id"]) in removed
    assert '"reason":"disposal"' in removed
