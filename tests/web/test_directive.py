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
from tests.test_planning_support import Api, overdue_draft
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

DEMO = """{ directives(budgetYear: 2027, state: ADOPTED) { id kind title revision taxRate
    adopted { date paragraph diaryNumber }
    recipients { code name } budgetFrames { year amount organization { code } }
    concreteGoals { title } assignments { title dueOn recipients { code } }
    supersedes { id revision } } }"""


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
    draft = await overdue_draft(api, "DI", "Direktivnämnden", "Utkast till direktiv", "Försenat uppdrag", "02-28")
    assert [draft.assignment["overdue"]] == [True]  # what the spec expects shown
    return {
        "year": draft.year,
        "id": draft.directive["id"],
        "title": draft.directive["title"],
        "assignment": draft.assignment["title"],
    }


async def test_the_directives_of_a_budget_year_with_frames_goals_and_assignments(
    stack: Stack, run_spec: Callable[[str, dict[str, Any]], None]
) -> None:
    async with client(stack, "planner") as http:
        api = Api(http, stack)
        demo = await _demo(api)
        draft = await _draft(api)
    run_spec("directive", {**demo, "draft": draft, "unknownId": str(uuid.uuid4())})
