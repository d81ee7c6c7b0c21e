"""The medarbetarmål view (V5, design docs/design/web-app.md sections 6.6 and 10) in a real browser.

The fixture registers a unit of its own under BUF and has the HR system send medarbetarmål for three tagged
employee references: E1 (two goals) and E2 (one) in the new unit, E3 in BUF-CENTRUM. The design puts E1 and
E2 in BUF-CENTRUM; a fresh unit instead keeps the manager's list exactly theirs, whatever else the session
sent to BUF-CENTRUM (test_goals_employee_goals sends 10,000), and BUF-CENTRUM is the other unit a manager
is refused. The goals hang on an adopted verksamhetsmål of BUN in the demo data, which only gains links.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.support import client, data_of
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

UPSERT = """mutation($s: String!, $g: [EmployeeGoalInput!]!) {
  upsertEmployeeGoals(sourceSystem: $s, goals: $g) { created updated unchanged errors { index field message } } }"""
LOOKUP = """{ buf: organization(code: "BUF") { id }
  centrum: organization(code: "BUF-CENTRUM") { id code name }
  bun: organization(code: "BUN") { operationalPlan { goals { id level state title } } } }"""
EXPORT = 'query($r: String!) { employeeDataExport(employeeRef: $r, purpose: "test") { accessLog { actor purpose } } }'
REGISTER = "mutation($i: OrganizationInput!) { registerOrganization(input: $i) { id code name } }"


async def _medarbetarmal(stack: Stack) -> dict[str, Any]:
    url = stack.config.gateway_url
    tag = uuid.uuid4().hex[:6]
    async with client(stack, "hr-system") as hr:
        found = await data_of(hr, url, LOOKUP)
    goal = next(
        g for g in found["bun"]["operationalPlan"]["goals"] if (g["level"], g["state"]) == ("OPERATIONAL", "ADOPTED")
    )
    async with client(stack, "planner") as planner:
        unit = (
            await data_of(
                planner,
                url,
                REGISTER,
                {
                    "i": {
                        "code": f"WEB-{tag}".upper(),
                        "name": f"Webbenheten {tag}",
                        "kind": "UNIT",
                        "parentId": found["buf"]["id"],
                    }
                },
            )
        )["registerOrganization"]
    people = {
        "e1": (unit, ["Läsa en bok i månaden med klassen", "Ha utvecklingssamtal med varje elev varje termin"]),
        "e2": (unit, ["Starta en läsecirkel för föräldrar"]),
        "e3": (found["centrum"], ["Leda skolans matematiklyft"]),
    }
    rows, out = [], {}
    for who, (place, goal_titles) in people.items():
        ref = f"web-{tag}-{who}"
        out[who] = {
            "ref": ref,
            "goals": [{"title": f"{t} ({tag})", "operationalGoal": goal["title"]} for t in goal_titles],
        }
        rows += [
            {
                "externalId": f"WEB-{tag}-{who}-{i}",
                "employeeRef": ref,
                "unitId": place["id"],
                "operationalGoalId": goal["id"],
                "title": f"{t} ({tag})",
            }
            for i, t in enumerate(goal_titles)
        ]
    async with client(stack, "hr-system") as hr:
        sent = (await data_of(hr, url, UPSERT, {"s": "heroma", "g": rows}))["upsertEmployeeGoals"]
    assert sent == {"created": 4, "updated": 0, "unchanged": 0, "errors": []}, sent
    centrum = found["centrum"]
    return {
        "unit": {"code": unit["code"], "name": unit["name"]},
        "otherUnit": {"code": centrum["code"], "name": centrum["name"]},
        **out,
    }


async def test_employee_goals_in_a_browser(stack: Stack, run_spec: Callable[[str, dict[str, Any]], None]) -> None:
    data = await _medarbetarmal(stack)
    await asyncio.to_thread(run_spec, "employee-goals", data)

    # What the browser read is in the access log: E1's own read with the app's purpose, by E1.
    ref = data["e1"]["ref"]
    async with client(stack, "hr-system") as hr:
        export = await data_of(
            hr,
            stack.config.gateway_url,
            EXPORT,
            {"r": ref},
        )
    log = export["employeeDataExport"]["accessLog"]
    assert {"actor": ref, "purpose": "Medarbetarmål i vsm-webben"} in log, log
