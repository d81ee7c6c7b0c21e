"""The direktiv view (V2, design docs/design/web-app.md sections 6.3 and 10) in a real browser.

The demo's adopted 2027 directives are only read; what the spec expects of them (titles, frames, their
exact sums, konkretiserade mål, uppdrag) is the API's answer, summed here as decimals. A draft directive
that only the planning office sees is made for a long-gone budget year of its own, with an uppdrag long due.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.support import client
from tests.test_planning_support import Api, fresh_past_year, projected
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

DEMO = """{ directives(budgetYear: 2027, state: ADOPTED) { id kind title revision taxRate
    adopted { date paragraph diaryNumber }
    recipients { code name } budgetFrames { year amount organization { code } }
    concreteGoals { title } assignments { title dueOn recipients { code } }
    supersedes { id revision } } }"""
ADD_ASSIGNMENT = """mutation($d: ID!, $i: AssignmentInput!) {
    addAssignment(directiveId: $d, input: $i) { id assignments { id title dueOn overdue } } }"""


def _directive(d: dict[str, Any]) -> dict[str, Any]:
    years = [2027, 2028, 2029]
    frames = {(f["organization"]["code"], f["year"]): f["amount"] for f in d["budgetFrames"]}
    return {
        "id": d["id"],
        "title": d["title"],
        "revision": d["revision"],
        "taxRate": d["taxRate"],
        "decision": d["adopted"],
        "supersedes": d["supersedes"],
        "frames": [
            {"code": r["code"], "name": r["name"], "amounts": [frames[(r["code"], y)] for y in years]}
            for r in d["recipients"]
        ],
        # Exact, as the view must add them: Decimal, never float.
        "sums": [f"{sum((Decimal(frames[(r['code'], y)]) for r in d['recipients']), Decimal(0)):.2f}" for y in years],
        "goals": [g["title"] for g in d["concreteGoals"]],
        "assignments": [
            {"title": a["title"], "recipients": [r["code"] for r in a["recipients"]], "dueOn": a["dueOn"]}
            for a in d["assignments"]
        ],
    }


async def _demo(api: Api) -> dict[str, Any]:
    by_kind = {d["kind"]: d for d in (await api.data(DEMO))["directives"]}
    planning, owner = by_kind["PLANNING_DIRECTIVE"], by_kind["OWNER_DIRECTIVE"]
    assert planning["taxRate"] == "20.38" and planning["supersedes"], planning
    bun = [f["amount"] for f in planning["budgetFrames"] if f["organization"]["code"] == "BUN"]
    assert bun == ["2950000000.00", "3010000000.00", "3070000000.00"], bun
    return {"planning": _directive(planning), "owner": _directive(owner)}


async def _draft(api: Api) -> dict[str, Any]:
    """A draft planeringsdirektiv of a past budget year with an uppdrag due in that year."""
    tag = uuid.uuid4().hex[:6].upper()
    year = fresh_past_year()
    kf = await api.org("KF")
    namnd = await api.register_org(f"DI{tag}", f"Direktivnämnden {tag}", "COMMITTEE", kf)
    await projected(api.stack, [kf, namnd])
    cycle = await api.open_cycle("ANNUAL", year)
    await api.advance(cycle["id"])  # to DIRECTIVE, where directives are drafted
    directive = await api.create_directive(cycle["id"], "PLANNING_DIRECTIVE", f"Utkast till direktiv {tag}", [namnd])
    title = f"Försenat uppdrag {tag}"
    added = await api.data(
        ADD_ASSIGNMENT, d=directive["id"], i={"title": title, "recipientIds": [namnd], "dueOn": f"{year}-02-28"}
    )
    assert [a["overdue"] for a in added["addAssignment"]["assignments"]] == [True]  # what the spec expects shown
    return {"year": year, "id": directive["id"], "title": directive["title"], "assignment": title}


async def test_the_directives_of_a_budget_year_with_frames_goals_and_assignments(
    stack: Stack, run_spec: Callable[[str, dict[str, Any]], None]
) -> None:
    async with client(stack, "planner") as http:
        api = Api(http, stack)
        demo = await _demo(api)
        draft = await _draft(api)
    run_spec("directive", {**demo, "draft": draft, "unknownId": str(uuid.uuid4())})
