"""The goal structure through the gateway: levels, decisions, revisions, history, review, pagination."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest

from tests.goals_api import GoalsApi
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[GoalsApi]:
    async with GoalsApi.as_role(stack, "planner") as api:  # the planning office writes the goal structure
        yield api


def unique(title: str) -> str:
    return f"{title} {uuid.uuid4().hex[:6]}"


async def test_adoption_enforces_level_body_and_links(api: GoalsApi) -> None:
    kf, ks, bun = await api.org_id("KF"), await api.org_id("KS"), await api.org_id("BUN")
    top = await api.create(level="OVERARCHING", title=unique("Övergripande"))
    [err] = await api.errors(api.adopt_mutation(), id=top["id"], d={"bodyId": ks, "date": "2026-01-10"})
    assert err["extensions"]["rule"] == "decision.body_for_level"
    assert err["extensions"]["field"] == "decision.bodyId"
    adopted = await api.adopt(top["id"], kf, "2026-01-10", "§ 5")
    assert adopted["state"] == "ADOPTED"
    assert adopted["adopted"] == {"date": "2026-01-10", "body": {"code": "KF"}}
    assert adopted["reviewDue"] == "2030-01-10"

    programme = await api.create(level="ACTION_PROGRAMME", title=unique("Handlingsprogram"))
    [err] = await api.errors(api.adopt_mutation(), id=programme["id"], d={"bodyId": kf, "date": "2026-02-01"})
    assert err["extensions"]["rule"] == "goal.adoption_needs_parent"
    await api.data(
        "mutation($c: ID!, $p: ID!) { linkGoals(childId: $c, parentId: $p) { id } }", c=programme["id"], p=top["id"]
    )
    assert (await api.adopt(programme["id"], kf, "2026-02-01"))["reviewDue"] == "2027-02-01"

    concrete = await api.create(
        level="CONCRETE", title=unique("Konkret"), parentIds=[programme["id"]], organizationIds=[bun]
    )
    [err] = await api.errors(api.adopt_mutation(), id=concrete["id"], d={"bodyId": kf, "date": "2026-03-01"})
    assert err["extensions"]["rule"] == "goal.concrete_validity"

    draft_parent = await api.create(level="CONCRETE", title=unique("Utkast"), organizationIds=[bun])
    operational = await api.create(
        level="OPERATIONAL", title=unique("Verksamhetsmål"), parentIds=[draft_parent["id"]], organizationIds=[bun]
    )
    [err] = await api.errors(api.adopt_mutation(), id=operational["id"], d={"bodyId": bun, "date": "2026-03-01"})
    assert err["extensions"]["rule"] == "goal.parent_in_force"

    [err] = await api.errors(
        "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }",
        i={"level": "OPERATIONAL", "title": "Hoppar", "parentIds": [top["id"]], "organizationIds": [bun]},
    )
    assert err["extensions"]["rule"] == "goal.parent_level"


async def test_operational_goal_is_adopted_by_its_own_committee(api: GoalsApi) -> None:
    kf, bun = await api.org_id("KF"), await api.org_id("BUN")
    top = await api.create(level="OVERARCHING", title=unique("Topp"))
    await api.adopt(top["id"], kf, "2026-01-01")
    concrete = await api.create(
        level="CONCRETE",
        title=unique("Konkret"),
        parentIds=[top["id"]],
        organizationIds=[bun],
        validFrom="2026-01-01",
        validTo="2027-12-31",
    )
    await api.adopt(concrete["id"], kf, "2026-01-05")
    operational = await api.create(
        level="OPERATIONAL", title=unique("VM"), parentIds=[concrete["id"]], organizationIds=[bun]
    )
    [err] = await api.errors(api.adopt_mutation(), id=operational["id"], d={"bodyId": kf, "date": "2026-02-01"})
    assert err["extensions"]["rule"] == "decision.body_for_level"
    assert (await api.adopt(operational["id"], bun, "2026-02-01"))["adopted"]["body"]["code"] == "BUN"


async def test_revisions_and_the_structure_as_of_a_date(api: GoalsApi) -> None:
    kf = await api.org_id("KF")
    top = await api.create(level="OVERARCHING", title="Trygghet för alla")
    child = await api.create(level="ACTION_PROGRAMME", title="Trygghetsprogram", parentIds=[top["id"]])
    # Entered in one order, decided in another: history follows the decision dates.
    await api.adopt(top["id"], kf, "2024-01-10")
    await api.adopt(child["id"], kf, "2024-06-01")

    revise = """mutation($id: ID!, $i: ReviseGoalInput!) { reviseGoal(id: $id, input: $i) {
                  title revisions { number title decision { date } } } }"""
    [err] = await api.errors(revise, id=top["id"], i={"title": "Ändrad utan beslut"})
    assert err["extensions"]["rule"] == "goal.revision_needs_decision"
    [err] = await api.errors(
        revise, id=top["id"], i={"title": "Bakdaterad", "decision": {"bodyId": kf, "date": "2023-01-01"}}
    )
    assert err["extensions"]["rule"] == "decision.date_order"
    revised = (
        await api.data(
            revise,
            id=top["id"],
            i={"title": "Trygghet och gemenskap", "decision": {"bodyId": kf, "date": "2025-03-01"}},
        )
    )["reviseGoal"]
    assert revised["title"] == "Trygghet och gemenskap"
    assert [(r["number"], r["title"], r["decision"]["date"]) for r in revised["revisions"]] == [
        (1, "Trygghet för alla", "2024-01-10"),
        (2, "Trygghet och gemenskap", "2025-03-01"),
    ]
    await api.data(
        "mutation($id: ID!, $d: DecisionInput!) { retireGoal(id: $id, decision: $d) { state } }",
        id=child["id"],
        d={"bodyId": kf, "date": "2026-01-01"},
    )

    as_of = """query($id: ID!, $d: Date) { goal(id: $id, asOf: $d) {
                 title state revisions { number } children { title state } } }"""

    async def at(day: str) -> dict[str, object] | None:
        result: dict[str, object] | None = (await api.data(as_of, id=top["id"], d=day))["goal"]
        return result

    assert await at("2023-12-31") is None  # not yet adopted: not part of the structure
    assert await at("2024-02-01") == {
        "title": "Trygghet för alla",
        "state": "ADOPTED",
        "revisions": [{"number": 1}],
        "children": [],
    }
    assert (await at("2024-07-01"))["children"] == [{"title": "Trygghetsprogram", "state": "ADOPTED"}]  # type: ignore[index]
    later = await at("2025-06-01")
    assert (
        later is not None
        and later["title"] == "Trygghet och gemenskap"
        and later["revisions"]
        == [
            {"number": 1},
            {"number": 2},
        ]
    )
    assert (await at("2026-06-01"))["children"] == [{"title": "Trygghetsprogram", "state": "RETIRED"}]  # type: ignore[index]
    now = (await api.data(as_of, id=top["id"], d=None))["goal"]
    assert now["title"] == "Trygghet och gemenskap"

    listed = await api.data(
        "query($d: Date) { goals(asOf: $d, level: OVERARCHING, first: 1000) { edges { node { id title } } } }",
        d="2024-02-01",
    )
    titles = {e["node"]["id"]: e["node"]["title"] for e in listed["goals"]["edges"]}
    assert titles[top["id"]] == "Trygghet för alla"


async def test_goals_due_for_review(api: GoalsApi) -> None:
    kf = await api.org_id("KF")
    top = await api.create(level="OVERARCHING", title=unique("Gammalt mål"))
    await api.adopt(top["id"], kf, "2019-05-01")
    query = "query($b: Date!) { goalsDueForReview(before: $b) { id reviewDue } }"
    due = (await api.data(query, b="2024-01-01"))["goalsDueForReview"]
    assert {"id": top["id"], "reviewDue": "2023-05-01"} in due
    not_yet = (await api.data(query, b="2023-05-01"))["goalsDueForReview"]
    assert top["id"] not in {g["id"] for g in not_yet}


async def test_bad_ids_and_unknown_references_name_the_field(api: GoalsApi) -> None:
    [err] = await api.errors('{ goal(id: "not-a-uuid") { id } }')
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("id", "id.format")
    [err] = await api.errors(
        "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }",
        i={"level": "ACTION_PROGRAMME", "title": "x", "parentIds": [str(uuid.uuid4())]},
    )
    assert (err["extensions"]["field"], err["extensions"]["code"]) == ("input.parentIds", "NOT_FOUND")
    [err] = await api.errors(
        'mutation { registerOrganization(input: {code: "KF", name: "Igen", kind: COUNCIL}) { id } }'
    )
    assert err["extensions"]["rule"] == "organization.code_unique"


LINK = """mutation($c: ID!, $p: ID!, $d: DecisionInput, $f: Date) {
    linkGoals(childId: $c, parentId: $p, decision: $d, effectiveFrom: $f) { id } }"""
UNLINK = """mutation($c: ID!, $p: ID!, $d: DecisionInput, $f: Date) {
    unlinkGoals(childId: $c, parentId: $p, decision: $d, effectiveFrom: $f) { id } }"""
LINK_HISTORY = """query($id: ID!) { goal(id: $id) { parents { id } parentLinks {
    parent { id } effectiveFrom effectiveTo
    decision { date paragraph body { code } } endedBy { date paragraph } } } }"""


async def test_a_link_change_on_a_goal_in_force_is_a_decision_taking_effect_on_its_date(api: GoalsApi) -> None:
    kf, ks = await api.org_id("KF"), await api.org_id("KS")
    old_top = await api.create(level="OVERARCHING", title=unique("Gammalt övergripande"))
    new_top = await api.create(level="OVERARCHING", title=unique("Nytt övergripande"))
    programme = await api.create(level="ACTION_PROGRAMME", title=unique("Program"), parentIds=[old_top["id"]])
    for goal in (old_top, new_top, programme):
        await api.adopt(goal["id"], kf, "2026-02-01")
    c, old, new = programme["id"], old_top["id"], new_top["id"]

    # In force: no change to its links without a decision, by the right body, not effective before it.
    for mutation, parent in [(LINK, new), (UNLINK, old)]:
        [err] = await api.errors(mutation, c=c, p=parent)
        assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("decision", "goal.link_decision_required")
    [err] = await api.errors(LINK, c=c, p=new, d={"bodyId": ks, "date": "2026-05-20"})
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("decision.bodyId", "decision.body_for_level")
    [err] = await api.errors(UNLINK, c=c, p=old, d={"bodyId": kf, "date": "2026-05-20"}, f="2026-05-19")
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("effectiveFrom", "decision.date_order")
    [err] = await api.errors(LINK, c=c, p=new, d={"bodyId": kf, "date": "2026-01-01"})
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("decision.date", "decision.date_order")
    unchanged = (await api.data(LINK_HISTORY, id=c))["goal"]
    assert unchanged["parents"] == [{"id": old}]
    assert [(x["parent"]["id"], x["decision"], x["endedBy"]) for x in unchanged["parentLinks"]] == [(old, None, None)]

    # KF decides in May that the programme serves the new goal from a day still to come.
    moves_on = f"{date.today().year + 2}-01-01"
    decided = {"bodyId": kf, "date": "2026-05-20", "paragraph": "§ 40", "diaryNumber": "KS 2026/00040"}
    await api.data(UNLINK, c=c, p=old, d=decided, f=moves_on)
    await api.data(LINK, c=c, p=new, d=decided, f=moves_on)
    await api.data(LINK, c=c, p=new, d=decided, f=moves_on)  # already linked: nothing changes

    tree = """query($id: ID!, $d: Date) { goal(id: $id, asOf: $d) { parents { id } } }"""
    day_before = f"{date.today().year + 1}-12-31"
    assert (await api.data(tree, id=c, d=day_before))["goal"]["parents"] == [{"id": old}]
    assert (await api.data(tree, id=c, d=moves_on))["goal"]["parents"] == [{"id": new}]
    children = """query($id: ID!, $d: Date) { goal(id: $id, asOf: $d) { children { id } } }"""
    assert {"id": c} in (await api.data(children, id=old, d=day_before))["goal"]["children"]
    assert {"id": c} not in (await api.data(children, id=old, d=moves_on))["goal"]["children"]
    assert {"id": c} in (await api.data(children, id=new, d=moves_on))["goal"]["children"]

    # Now is before the day: the structure in force has not changed yet, the history shows what is decided.
    history = (await api.data(LINK_HISTORY, id=c))["goal"]
    assert history["parents"] == [{"id": old}]
    assert history["parentLinks"] == [
        {
            "parent": {"id": old},
            "effectiveFrom": None,
            "effectiveTo": moves_on,
            "decision": None,
            "endedBy": {"date": "2026-05-20", "paragraph": "§ 40"},
        },
        {
            "parent": {"id": new},
            "effectiveFrom": moves_on,
            "effectiveTo": None,
            "decision": {"date": "2026-05-20", "paragraph": "§ 40", "body": {"code": "KF"}},
            "endedBy": None,
        },
    ]
    # Linked to the old goal again before the end of its first link: the two periods would overlap.
    [err] = await api.errors(LINK, c=c, p=old, d=decided, f=day_before)
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("effectiveFrom", "goal.link_overlap")


async def test_a_drafts_links_change_without_a_decision(api: GoalsApi) -> None:
    kf = await api.org_id("KF")
    top = await api.create(level="OVERARCHING", title=unique("Topp"))
    other = await api.create(level="OVERARCHING", title=unique("Annan topp"))
    draft = await api.create(level="ACTION_PROGRAMME", title=unique("Utkast"), parentIds=[top["id"]])
    [err] = await api.errors(LINK, c=draft["id"], p=other["id"], d={"bodyId": kf, "date": "2026-05-20"})
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("decision", "goal.draft_link_without_decision")
    await api.data(LINK, c=draft["id"], p=other["id"])
    await api.data(UNLINK, c=draft["id"], p=top["id"])
    history = (await api.data(LINK_HISTORY, id=draft["id"]))["goal"]
    assert history["parents"] == [{"id": other["id"]}]
    assert [(x["parent"]["id"], x["effectiveFrom"], x["decision"]) for x in history["parentLinks"]] == [
        (other["id"], None, None)
    ]


async def test_a_retired_goal_gives_its_avvecklingsbeslut_from_the_day_it_was_decided(api: GoalsApi) -> None:
    kf = await api.org_id("KF")
    top = await api.create(level="OVERARCHING", title=unique("Avvecklas"))
    await api.adopt(top["id"], kf, "2020-03-01", "§ 12")
    decision = {"bodyId": kf, "date": "2025-06-01", "paragraph": "§ 64", "diaryNumber": "KS 2025/00118"}
    retired = (
        await api.data(
            "mutation($id: ID!, $d: DecisionInput!) { retireGoal(id: $id, decision: $d) { state retired { date } } }",
            id=top["id"],
            d=decision,
        )
    )["retireGoal"]
    assert retired == {"state": "RETIRED", "retired": {"date": "2025-06-01"}}

    read = """query($id: ID!, $d: Date) { goal(id: $id, asOf: $d) {
                state adopted { date paragraph } retired { date paragraph diaryNumber body { code } } } }"""
    avveckling = {"date": "2025-06-01", "paragraph": "§ 64", "diaryNumber": "KS 2025/00118", "body": {"code": "KF"}}
    assert (await api.data(read, id=top["id"], d=None))["goal"] == {
        "state": "RETIRED",
        "adopted": {"date": "2020-03-01", "paragraph": "§ 12"},
        "retired": avveckling,
    }
    before = (await api.data(read, id=top["id"], d="2025-05-31"))["goal"]
    assert before["state"] == "ADOPTED" and before["retired"] is None
    assert (await api.data(read, id=top["id"], d="2025-06-01"))["goal"]["retired"] == avveckling
    listed = await api.data(
        "query($d: Date) { goals(asOf: $d, level: OVERARCHING, first: 1000) "
        "{ edges { node { id retired { date } } } } }",
        d="2024-01-01",
    )
    assert {"id": top["id"], "retired": None} in [e["node"] for e in listed["goals"]["edges"]]


VIEWER = "{ viewer { subject roles organization { code name kind } } }"


async def test_the_viewer_is_who_the_token_names(stack: Stack) -> None:
    async with GoalsApi.as_role(stack, "committee", org="BUN") as committee:
        assert (await committee.data(VIEWER))["viewer"] == {
            "subject": "dev-committee",
            "roles": ["committee"],
            "organization": {"code": "BUN", "name": "Barn- och ungdomsnämnden", "kind": "COMMITTEE"},
        }
    async with GoalsApi.as_role(stack, "employee", sub=unique("emp")) as employee:
        mine = (await employee.data(VIEWER))["viewer"]
    assert mine["subject"].startswith("emp ") and mine["roles"] == ["employee"] and mine["organization"] is None
    # The organisation is the one the row rules compare, by exact code: a code nobody has is no organisation.
    async with GoalsApi.as_role(stack, "manager", org="NO-SUCH-UNIT") as stranger:
        assert (await stranger.data(VIEWER))["viewer"]["organization"] is None
    async with GoalsApi.as_role(stack, "budget-system") as machine:
        assert (await machine.data(VIEWER))["viewer"] == {
            "subject": "budget-system",
            "roles": ["budget-system"],
            "organization": None,
        }
