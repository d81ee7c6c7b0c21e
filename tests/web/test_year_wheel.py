"""The årshjul (V2, design docs/design/web-app.md sections 6.2 and 10) in a real browser.

What the spec shows as overdue is a cycle of a long-gone budget year of its own (every phase fell due years
ago) with a nämnd of its own, a draft planeringsdirektiv and an uppdrag due in that year; the demo's 2027
cycle and its mandate period are only read. The expected phases and dates are the API's answer, not copies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import client
from tests.test_planning_support import CYCLE_FIELDS, Api, overdue_draft
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

DEMO = f"""{{ annual: cycles(kind: ANNUAL) {{ {CYCLE_FIELDS} }}
    mandate: cycles(kind: MANDATE_PERIOD) {{ {CYCLE_FIELDS} }} }}"""


def _phases(cycle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"kind": p["kind"], "state": p["state"], "opensOn": p["opensOn"], "dueOn": p["dueOn"], "overdue": p["overdue"]}
        for p in cycle["phases"]
    ]


async def _past_cycle(api: Api) -> dict[str, Any]:
    """A past budget year's cycle in its DIRECTIVE phase (overdue) with a draft directive and an uppdrag."""
    draft = await overdue_draft(api, "AH", "Årshjulsnämnden", "Direktiv för årshjulet", "Utred årshjulet", "03-31")
    cycle, assignment, year = draft.cycle, draft.assignment, draft.year
    assert cycle["currentPhase"] == {"kind": "DIRECTIVE", "state": "OPEN", "overdue": True}, cycle["currentPhase"]
    assert (assignment["dueOn"], assignment["state"], assignment["overdue"]) == (f"{year}-03-31", "NOT_STARTED", True)
    return {
        "year": year,
        "title": cycle["title"],
        "currentPhase": cycle["currentPhase"]["kind"],
        "phases": _phases(cycle),
        "directiveTitle": draft.directive["title"],
        "assignment": {"title": assignment["title"], "dueOn": assignment["dueOn"], "recipient": draft.code},
    }


async def _demo(api: Api) -> dict[str, Any]:
    """The demo's budget year 2027 and the mandate period holding it, as the API answers them."""
    data = await api.data(DEMO)
    [annual] = [c for c in data["annual"] if c["startYear"] == 2027]
    [mandate] = [m for m in data["mandate"] if m["startYear"] <= 2027 <= m["endYear"]]
    assert mandate["title"] == "Mandatperiod 2027–2030", mandate["title"]
    return {
        "year": 2027,
        "title": annual["title"],
        "currentPhase": annual["currentPhase"]["kind"] if annual["currentPhase"] else None,
        "phases": _phases(annual),
        "mandate": {
            "title": mandate["title"],
            "currentPhase": mandate["currentPhase"]["kind"] if mandate["currentPhase"] else None,
            "phases": _phases(mandate),
        },
        "taxRate": "20,38",
    }


async def test_the_year_wheel_shows_phases_due_and_overdue(
    stack: Stack, run_spec: Callable[[str, dict[str, Any]], None]
) -> None:
    async with client(stack, "planner") as http:
        api = Api(http, stack)
        past = await _past_cycle(api)
        demo = await _demo(api)
    run_spec("year-wheel", {"past": past, "demo": demo})
