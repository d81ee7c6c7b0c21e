"""The vision and målstruktur view in a real browser (design section 6.1 and the goal-tree row of section 10).

The data the spec writes about is made here through the public API: an övergripande mål of its own (a fresh
title) adopted by KF on 2020-03-01, revised on 2024-05-01 and retired on 2025-06-01. Where the spec checks
the demo data or the whole structure on a date, this module asks the API what it holds and passes that on,
so the view is compared with the API, not with a copy of the demo data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.goals_api import GoalsApi
from vsm_common.demo import demo_id
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

LEVELS = ("OVERARCHING", "ACTION_PROGRAMME", "CONCRETE", "OPERATIONAL")

ADOPTED = {"date": "2020-03-01", "paragraph": "§ 41", "diaryNumber": "KS 2019/00871"}
REVISED = {"date": "2024-05-01", "paragraph": "§ 77", "diaryNumber": "KS 2024/00133"}
RETIRED = {"date": "2025-06-01", "paragraph": "§ 102", "diaryNumber": "KS 2025/00219"}


async def _ids_in_force(api: GoalsApi, as_of: str | None) -> list[str]:
    """The goals the view must show: those in force on the date (adopted by then, not yet retired), or today.

    On a date the API answers each goal's state as of that day, a goal retired by then as RETIRED, so
    "in force" is ADOPTED on the date as it is today."""
    ids: list[str] = []
    for level in LEVELS:
        after: str | None = None
        while True:
            page = (
                await api.data(
                    """query($l: GoalLevel!, $d: Date, $s: GoalState!, $a: String) {
                         goals(level: $l, asOf: $d, state: $s, first: 1000, after: $a) {
                           pageInfo { hasNextPage endCursor } edges { node { id } } } }""",
                    l=level,
                    d=as_of,
                    s="ADOPTED",
                    a=after,
                )
            )["goals"]
            ids += [e["node"]["id"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    return ids


async def _retired_goal(api: GoalsApi) -> dict[str, Any]:
    """An övergripande mål of Hemstaden with three decisions: adopted, revised, retired."""
    kf = await api.org_id("KF")
    vision = (await api.data("{ vision { themes { id name } } }"))["vision"]
    hemstaden = next(t for t in vision["themes"] if t["name"] == "Hemstaden")
    tag = uuid.uuid4().hex[:6]
    first = f"Halmstad har levande stadsdelar ({tag})"
    revised = f"Halmstad har levande och trygga stadsdelar ({tag})"
    goal = await api.create(level="OVERARCHING", title=first, themeIds=[hemstaden["id"]])
    await api.data(
        "mutation($id: ID!, $d: DecisionInput!) { adoptGoal(id: $id, decision: $d) { id } }",
        id=goal["id"],
        d={"bodyId": kf, **ADOPTED},
    )
    await api.data(
        "mutation($id: ID!, $i: ReviseGoalInput!) { reviseGoal(id: $id, input: $i) { id } }",
        id=goal["id"],
        i={"title": revised, "decision": {"bodyId": kf, **REVISED}},
    )
    await api.data(
        "mutation($id: ID!, $d: DecisionInput!) { retireGoal(id: $id, decision: $d) { state } }",
        id=goal["id"],
        d={"bodyId": kf, **RETIRED},
    )
    return {"id": goal["id"], "firstTitle": first, "revisedTitle": revised, "theme": "Hemstaden"}


async def _demo_path(api: GoalsApi) -> dict[str, Any]:
    """Övergripande mål → handlingsprogram → K1 → its verksamhetsmål, as the API has them today."""
    k1 = (
        await api.data(
            """query($id: ID!) { goal(id: $id) { id title parents { id title parents { id title } }
                 children(level: OPERATIONAL) { id title state } } }""",
            id=str(demo_id("goal", "K1")),
        )
    )["goal"]
    [programme] = k1["parents"]
    [overarching] = programme["parents"]
    return {
        "overarching": overarching["title"],
        "programme": programme["title"],
        "concrete": k1["title"],
        "operational": [c["title"] for c in k1["children"] if c["state"] == "ADOPTED"],
    }


async def _refused_date(api: GoalsApi) -> dict[str, Any]:
    """The API's own refusal of a date it does not hold, which the view must show at the date picker."""
    day = "1899-12-31"
    [err] = await api.errors(
        "query($d: Date) { goals(level: OVERARCHING, asOf: $d, first: 1) { edges { node { id } } } }", d=day
    )
    # The view maps the refusal by the field the API names; a refusal naming no field would be shown
    # above the structure instead, so the spec's check rests on this.
    assert err["extensions"]["field"] == "asOf", err
    return {"date": day, "rule": err["extensions"]["rule"], "message": err["message"]}


async def test_the_goal_tree_shows_the_structure_on_any_date(
    stack: Stack, web_app: str, run_spec: Callable[[str, dict[str, Any]], None]
) -> None:
    async with GoalsApi.as_role(stack, "planner") as api:
        retired = await _retired_goal(api)
        data = {
            "retired": {
                **retired,
                "decisions": [ADOPTED, REVISED, RETIRED],
            },
            "demo": await _demo_path(api),
            "inForce": {"date": "2026-07-01", "ids": await _ids_in_force(api, "2026-07-01")},
            "today": {"ids": await _ids_in_force(api, None)},
            "refusedDate": await _refused_date(api),
        }
    # The API's history of the goal, checked before the browser compares the view with it.
    assert retired["id"] not in data["today"]["ids"]
    assert retired["id"] not in data["inForce"]["ids"]
    assert data["demo"]["operational"], "the demo's K1 has verksamhetsmål in force today"
    run_spec("goal-tree", data)
