"""Directives through the gateway: recipients, exact frames, tax rate, goals, assignments, adoption, revisions,
and the budget system's contract (the directives query and the DirectiveAdopted event on Kafka)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer

from tests.support import client
from tests.test_planning_support import (
    DIRECTIVE_FIELDS,
    Api,
    Scenario,
    decision,
    goal_establishment,
    projected,
    schema_errors,
)
from vsm_common.events import CloudEvent
from vsm_common.kafka import start_fresh, stop_client
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with client(stack, "planner") as http:  # the planning office drafts directives, KF adopts them
        yield Api(http, stack)


async def in_directive_phase(api: Api) -> Scenario:
    s = await Scenario(api).setup()
    await s.to_phase("DIRECTIVE")
    return s


CREATE = "mutation($i: DirectiveInput!) { createDirective(input: $i) { id } }"
FRAMES = "mutation($d: ID!, $f: [BudgetFrameInput!]!) { setBudgetFrames(directiveId: $d, frames: $f) { id } }"
ADOPT = "mutation($d: ID!, $x: DecisionInput!) { adoptDirective(id: $d, decision: $x) { id state } }"


async def test_recipients_must_be_committees_or_companies_by_kind_and_known(api: Api) -> None:
    s = await in_directive_phase(api)
    base = {"cycleId": s.cycle["id"], "title": "Direktiv"}
    err = await api.error(CREATE, i={**base, "kind": "PLANNING_DIRECTIVE", "recipientIds": [s.n1, s.company]})
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("input.recipientIds", "directive.recipient_kind")
    err = await api.error(CREATE, i={**base, "kind": "OWNER_DIRECTIVE", "recipientIds": [s.n1]})
    assert err["extensions"]["rule"] == "directive.recipient_kind"
    err = await api.error(CREATE, i={**base, "kind": "PLANNING_DIRECTIVE", "recipientIds": [s.ks]})
    assert err["extensions"]["rule"] == "directive.recipient_kind"
    unknown = "00000000-0000-4000-8000-000000000001"
    err = await api.error(CREATE, i={**base, "kind": "PLANNING_DIRECTIVE", "recipientIds": [unknown]})
    assert err["extensions"]["code"] == "NOT_FOUND"
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("input.recipientIds", "organization.exists")
    err = await api.error(CREATE, i={**base, "kind": "PLANNING_DIRECTIVE", "recipientIds": []})
    assert err["extensions"]["rule"] == "directive.recipients_required"

    owner = await api.create_directive(s.cycle["id"], "OWNER_DIRECTIVE", "Ägardirektiv", [s.company])
    assert (owner["kind"], owner["state"], owner["revision"], owner["budgetYear"]) == (
        "OWNER_DIRECTIVE",
        "DRAFT",
        1,
        s.year,
    )
    planning = await api.create_directive(s.cycle["id"], "PLANNING_DIRECTIVE", "Planeringsdirektiv", [s.n1, s.n2])
    assert [r["id"] for r in planning["recipients"]] == [s.n1, s.n2]
    err = await api.error(CREATE, i={**base, "kind": "PLANNING_DIRECTIVE", "recipientIds": [s.n1]})
    assert (err["extensions"]["code"], err["extensions"]["rule"]) == ("CONFLICT", "directive.exists")

    err = await api.error('mutation($d: ID!) { setTaxRate(directiveId: $d, rate: "20.38") { id } }', d=owner["id"])
    assert err["extensions"]["rule"] == "directive.tax_rate_kind"


async def test_frames_are_exact_decimals_for_recipients_and_three_years(api: Api) -> None:
    s = await in_directive_phase(api)
    d = await api.create_directive(s.cycle["id"], "PLANNING_DIRECTIVE", "Direktiv", [s.n1, s.n2])
    big = "12345678901234.56"
    d = await api.set_frames(d["id"], [(s.n1, s.year, big), (s.n1, s.year + 2, "7"), (s.n2, s.year + 1, "0.10")])
    assert [(f["organization"]["id"], f["year"], f["amount"]) for f in d["budgetFrames"]] == [
        (s.n1, s.year, big),
        (s.n1, s.year + 2, "7.00"),
        (s.n2, s.year + 1, "0.10"),
    ]
    d = await api.set_frames(d["id"], [(s.n1, s.year, "1.00")])  # replaces that one frame only
    assert [f["amount"] for f in d["budgetFrames"]] == ["1.00", "7.00", "0.10"]
    data = await api.data(
        "query($d: ID!, $o: ID) { directive(id: $d) { budgetFrames(organizationId: $o) { amount } } }",
        d=d["id"],
        o=s.n2,
    )
    assert data["directive"]["budgetFrames"] == [{"amount": "0.10"}]

    cases = [
        (
            [{"organizationId": s.company, "year": s.year, "amount": "1"}],
            "frames.0.organizationId",
            "directive.frame_recipient",
        ),
        ([{"organizationId": s.n1, "year": s.year + 3, "amount": "1"}], "frames.0.year", "directive.frame_year"),
        ([{"organizationId": s.n1, "year": s.year, "amount": "1.001"}], "frames.0.amount", "amount.precision"),
        ([{"organizationId": s.n1, "year": s.year, "amount": "-5"}], "frames.0.amount", "amount.negative"),
    ]
    for frames, field, rule in cases:
        err = await api.error(FRAMES, d=d["id"], f=frames)
        assert (err["extensions"]["field"], err["extensions"]["rule"]) == (field, rule)
    # A number never reaches the rules, a float or an integer: only a string is sure to arrive exact.
    # (Issue 12: a small integer used to be taken; the planning service itself refuses it now.)
    for number in (125000000.5, 7):
        err = await api.error(FRAMES, d=d["id"], f=[{"organizationId": s.n1, "year": s.year, "amount": number}])
        assert (err["extensions"]["code"], err["extensions"]["rule"], err["extensions"]["field"]) == (
            "BAD_USER_INPUT",
            "decimal.format",
            "frames.0.amount",
        ), number
        assert "a Decimal is sent as a string" in err["message"]
    # In a query's text too: a number literal is read into a machine number on its way through the query
    # planner (…76.54 would arrive as …76.55), so only a string literal is taken.
    literal = (
        f'mutation {{ setBudgetFrames(directiveId: "{d["id"]}", frames: [{{organizationId: "{s.n2}", '
        f'year: {s.year}, amount: AMOUNT}}]) {{ budgetFrames(organizationId: "{s.n2}") {{ year amount }} }} }}'
    )
    # Hive Router has no check of its own for these (it has no plugins; the Node gateway refused them before
    # its planner could mangle them): it reads a float literal into an f64 and writes that into the planning
    # request (1e400 as `inf`), where the planning service refuses any number literal for a Decimal.
    for number in ("98765432109876.54", "1e400"):
        err = await api.error(literal.replace("AMOUNT", number))
        assert err["extensions"]["rule"] == "decimal.format", (number, err)
    # An integer literal beyond 64 bits does not even parse in the router (its Int is an i64): refused
    # before any subgraph is asked (the Node gateway: decimal.format without a field).
    err = await api.error(literal.replace("AMOUNT", "-68232755476258945505718812639896797184"))
    assert err["extensions"]["code"] == "GRAPHQL_PARSE_FAILED", err
    # An integer literal the router lets through is refused by the planning service (issue 12: it was taken).
    err = await api.error(literal.replace("AMOUNT", "7"))
    assert (err["extensions"]["code"], err["extensions"]["rule"], err["extensions"]["field"]) == (
        "BAD_USER_INPUT",
        "decimal.format",
        "frames.0.amount",
    )
    assert "a Decimal is sent as a string" in err["message"]
    data = await api.data(literal.replace("AMOUNT", '"98765432109876.54"'))
    assert {"year": s.year, "amount": "98765432109876.54"} in data["setBudgetFrames"]["budgetFrames"]
    data = await api.data(literal.replace("AMOUNT", '"7"'))
    assert {"year": s.year, "amount": "7.00"} in data["setBudgetFrames"]["budgetFrames"]


async def test_concrete_goals_must_be_projected_concrete_goals_directed_to_a_recipient(api: Api) -> None:
    s = await in_directive_phase(api)
    d = await api.create_directive(s.cycle["id"], "PLANNING_DIRECTIVE", "Direktiv", [s.n2])
    add = "mutation($d: ID!, $g: [ID!]!) { addConcreteGoals(directiveId: $d, goalIds: $g) { id } }"
    err = await api.error(add, d=d["id"], g=[s.v1])
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("goalIds", "directive.goal_level")
    err = await api.error(add, d=d["id"], g=[s.k1])  # directed to N1 only, not a recipient
    assert err["extensions"]["rule"] == "directive.goal_recipient"
    err = await api.error(add, d=d["id"], g=["00000000-0000-4000-8000-000000000002"])
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("NOT_FOUND", "goalIds")
    d = await api.add_goals(d["id"], [s.k2, s.k2])
    assert [g["id"] for g in d["concreteGoals"]] == [s.k2]
    # The goals subgraph resolves the rest of the goal.
    assert d["concreteGoals"][0]["title"].startswith("Konkret mål 2") and d["concreteGoals"][0]["state"] == "DRAFT"


async def test_assignments_go_to_one_or_more_recipients(api: Api) -> None:
    s = await in_directive_phase(api)
    d = await api.create_directive(s.cycle["id"], "PLANNING_DIRECTIVE", "Direktiv", [s.n1, s.n2])
    add = f"""mutation($d: ID!, $i: AssignmentInput!) {{
        addAssignment(directiveId: $d, input: $i) {{ {DIRECTIVE_FIELDS} }} }}"""
    data = await api.data(
        add,
        d=d["id"],
        i={
            "title": "Utred lokaler",
            "description": "Gemensamt",
            "recipientIds": [s.n1, s.n2],
            "dueOn": f"{s.year}-06-30",
        },
    )
    [a] = data["addAssignment"]["assignments"]
    assert (a["title"], a["description"], a["dueOn"], a["state"]) == (
        "Utred lokaler",
        "Gemensamt",
        f"{s.year}-06-30",
        "NOT_STARTED",
    )
    assert [r["id"] for r in a["recipients"]] == [s.n1, s.n2]
    err = await api.error(add, d=d["id"], i={"title": "Fel", "recipientIds": [s.company]})
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("input.recipientIds", "assignment.recipient")
    err = await api.error(add, d=d["id"], i={"title": "Ingen", "recipientIds": []})
    assert err["extensions"]["rule"] == "assignment.recipients_required"
    # Progress is recorded only once KF has given the assignment.
    state = "mutation($a: ID!, $s: AssignmentState!) { setAssignmentState(id: $a, state: $s) { id state } }"
    err = await api.error(state, a=a["id"], s="IN_PROGRESS")
    assert err["extensions"]["rule"] == "assignment.not_in_force"


async def test_an_assignment_is_overdue_when_its_due_date_has_passed_and_it_is_not_done(api: Api) -> None:
    s = await Scenario(api).setup()
    d = await s.adopted_directive()
    add = """mutation($d: ID!, $i: AssignmentInput!) {
        addAssignment(directiveId: $d, input: $i) { id assignments { id title overdue } } }"""
    # Due dates far from any today the test may run on: long past, far ahead, none.
    for title, due in (("Sent", "2020-01-15"), ("I tid", f"{s.year}-06-30"), ("Utan datum", None)):
        d = (await api.data(add, d=d["id"], i={"title": title, "recipientIds": [s.n1], "dueOn": due}))["addAssignment"]
    assert {a["title"]: a["overdue"] for a in d["assignments"]} == {"Sent": True, "I tid": False, "Utan datum": False}
    await api.adopt(d["id"], decision(s.kf, f"{s.year - 1}-09-01", "§ 120"))
    late = next(a["id"] for a in d["assignments"] if a["title"] == "Sent")
    state = "mutation($a: ID!, $s: AssignmentState!) { setAssignmentState(id: $a, state: $s) { state overdue } }"
    assert (await api.data(state, a=late, s="IN_PROGRESS"))["setAssignmentState"] == {
        "state": "IN_PROGRESS",
        "overdue": True,
    }
    assert (await api.data(state, a=late, s="DONE"))["setAssignmentState"] == {"state": "DONE", "overdue": False}
    read = "query($id: ID!) { directive(id: $id) { assignments { title state overdue } } }"
    assert {
        a["title"]: (a["state"], a["overdue"]) for a in (await api.data(read, id=d["id"]))["directive"]["assignments"]
    } == {
        "Sent": ("DONE", False),
        "I tid": ("NOT_STARTED", False),
        "Utan datum": ("NOT_STARTED", False),
    }


async def test_adoption_needs_complete_frames_and_a_council_decision(api: Api) -> None:
    s = await in_directive_phase(api)
    d = await api.create_directive(s.cycle["id"], "PLANNING_DIRECTIVE", "Direktiv", [s.n1, s.n2])
    await api.set_frames(d["id"], [*s.frames(s.n1, "1", "2", "3"), (s.n2, s.year, "4")])
    err = await api.error(ADOPT, d=d["id"], x=decision(s.kf))
    assert err["extensions"]["rule"] == "directive.frames_incomplete"
    assert f"N2{s.tag} {s.year + 1}" in err["message"] and f"N2{s.tag} {s.year + 2}" in err["message"]
    await api.set_frames(d["id"], s.frames(s.n2, "4", "5", "6"))
    err = await api.error(ADOPT, d=d["id"], x=decision(s.ks))
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("decision.bodyId", "directive.decision_body")
    err = await api.error(ADOPT, d=d["id"], x=decision(s.n1))
    assert err["extensions"]["rule"] == "directive.decision_body"

    adopted = await api.adopt(d["id"], decision(s.kf, f"{s.year - 1}-06-17", " § 95 ", "KS 2026/00123"))
    assert adopted["state"] == "ADOPTED"
    assert adopted["adopted"] == {
        "date": f"{s.year - 1}-06-17",
        "paragraph": "§ 95",
        "diaryNumber": "KS 2026/00123",
        "body": {"id": s.kf, "code": "KF"},
    }
    # The same adoption again is harmless; another decision for the same revision is not.
    again = await api.adopt(d["id"], decision(s.kf, f"{s.year - 1}-06-17", "§ 95", "KS 2026/00123"))
    assert again == adopted
    err = await api.error(ADOPT, d=d["id"], x=decision(s.kf, f"{s.year - 1}-06-18"))
    assert err["extensions"]["rule"] == "directive.already_adopted"


async def test_a_directive_with_goals_the_goals_service_cannot_adopt_is_adopted_and_they_are_refused(api: Api) -> None:
    for case in ("serves a draft", "has no validity"):
        s = await in_directive_phase(api)
        if case == "serves a draft":
            draft_top = await api.goal("OVERARCHING", f"Ej antaget mål {s.tag}", [])
            valid = (f"{s.year}-01-01", f"{s.year}-12-31")
            goal_id = await api.goal("CONCRETE", f"Tjänar utkast {s.tag}", [s.n1], [draft_top], valid)
            rule = "goal.parent_in_force"
        else:
            goal_id = await api.goal("CONCRETE", f"Utan giltighet {s.tag}", [s.n1], [s.top])
            rule = "goal.concrete_validity"
        await projected(api.stack, goal_ids=[goal_id])
        d = await api.create_directive(s.cycle["id"], "PLANNING_DIRECTIVE", "Direktiv", [s.n1, s.n2])
        await api.set_frames(d["id"], [*s.frames(s.n1, "1", "2", "3"), *s.frames(s.n2, "4", "5", "6")])
        # Whether a goal can be adopted is the goals service's rule, kept there only: KF adopts the
        # directive, and the goals service answers for its goals (all or nothing).
        await api.add_goals(d["id"], [s.k1, goal_id])
        adopted = await api.adopt(d["id"], decision(s.kf))
        assert adopted["state"] == "ADOPTED", case
        answer = await goal_establishment(api, "directive", d["id"])
        assert answer["state"] == "REFUSED", case
        [refusal] = answer["refusals"]
        assert (refusal["goalId"], refusal["rule"]) == (goal_id, rule), case
        assert await count_outbox(api.stack, d["id"], "vsm.planning.directive.adopted.v1") == 1


async def count_outbox(stack: Stack, subject: str, type_: str) -> int:
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:
        n: int = await conn.fetchval(
            "SELECT count(*) FROM planning.outbox WHERE key = $1 AND type = $2", subject, type_
        )
        return n
    finally:
        await conn.close()


async def test_changing_an_adopted_directive_makes_a_revision_that_supersedes_it(api: Api) -> None:
    s = await Scenario(api).setup()
    first = await s.adopted_directive()
    assert await count_outbox(api.stack, first["id"], "vsm.planning.directive.adopted.v1") == 1
    # Adopting again with the same decision emits nothing more.
    await api.adopt(first["id"], decision(s.kf, f"{s.year - 1}-06-17"))
    assert await count_outbox(api.stack, first["id"], "vsm.planning.directive.adopted.v1") == 1

    revision = await api.set_frames(first["id"], [(s.n1, s.year, "100500000.00")])
    assert revision["id"] != first["id"] and revision["lineageId"] == first["lineageId"] == first["id"]
    assert (revision["revision"], revision["state"], revision["supersedes"]["id"]) == (2, "DRAFT", first["id"])
    assert revision["adopted"] is None and revision["taxRate"] == "20.38"
    assert [
        f["amount"] for f in revision["budgetFrames"] if f["year"] == s.year and f["organization"]["id"] == s.n1
    ] == ["100500000.00"]
    # The adopted revision is untouched and still in force until KF decides.
    data = await api.data(f"query($d: ID!) {{ directive(id: $d) {{ {DIRECTIVE_FIELDS} }} }}", d=first["id"])
    assert data["directive"]["state"] == "ADOPTED"
    assert data["directive"]["supersededBy"] == {"id": revision["id"], "revision": 2, "state": "DRAFT"}
    assert "100000000.00" in [f["amount"] for f in data["directive"]["budgetFrames"]]
    # One change at a time: the adopted revision refuses a second draft.
    err = await api.error(FRAMES, d=first["id"], f=[{"organizationId": s.n1, "year": s.year, "amount": "1"}])
    assert (err["extensions"]["rule"], revision["id"] in err["message"]) == ("directive.revision_pending", True)
    revision = await api.set_tax_rate(revision["id"], "20.63")
    assert revision["revision"] == 2  # the draft revision changes in place

    err = await api.error(ADOPT, d=revision["id"], x=decision(s.kf, f"{s.year - 1}-05-01"))
    assert err["extensions"]["rule"] == "directive.decision_order"
    adopted = await api.adopt(revision["id"], decision(s.kf, f"{s.year - 1}-11-16", "§ 160"))
    assert adopted["state"] == "ADOPTED" and adopted["supersedes"] == {
        "id": first["id"],
        "revision": 1,
        "state": "SUPERSEDED",
    }

    data = await api.data(
        """query($d: ID!, $y: Int!) {
            directive(id: $d) { state adopted { date paragraph } budgetFrames { amount }
                revisions { id revision state taxRate adopted { paragraph } } }
            directives(budgetYear: $y) { id revision state }
            adoptedOnly: directives(budgetYear: $y, state: ADOPTED) { id } }""",
        d=first["id"],
        y=s.year,
    )
    old = data["directive"]
    assert old["state"] == "SUPERSEDED" and old["adopted"] == {"date": f"{s.year - 1}-06-17", "paragraph": "§ 95"}
    assert "100000000.00" in [f["amount"] for f in old["budgetFrames"]]  # history stays readable
    assert [(r["revision"], r["state"], r["taxRate"], r["adopted"]["paragraph"]) for r in old["revisions"]] == [
        (1, "SUPERSEDED", "20.38", "§ 95"),
        (2, "ADOPTED", "20.63", "§ 160"),
    ]
    assert data["adoptedOnly"] == [{"id": revision["id"]}]
    assert await count_outbox(api.stack, first["id"], "vsm.planning.directive.superseded.v1") == 1
    err = await api.error(FRAMES, d=first["id"], f=[{"organizationId": s.n1, "year": s.year, "amount": "1"}])
    assert err["extensions"]["rule"] == "directive.superseded"
    data = await api.data("query($c: ID!) { cycle(id: $c) { taxRate directives { revision state } } }", c=s.cycle["id"])
    assert data["cycle"]["taxRate"] == "20.63"
    assert data["cycle"]["directives"] == [{"revision": 1, "state": "SUPERSEDED"}, {"revision": 2, "state": "ADOPTED"}]


async def test_first_draft_is_settled_in_the_directive_phase_and_tax_rate_by_the_tax_phase(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.adopted_directive()
    owner = await api.create_directive(s.cycle["id"], "OWNER_DIRECTIVE", "Ägardirektiv", [s.company])
    await s.to_phase("OPERATIONAL_PLANNING")
    # A never-adopted draft cannot be changed or adopted once the directive phase is over ...
    err = await api.error(FRAMES, d=owner["id"], f=[{"organizationId": s.company, "year": s.year, "amount": "1"}])
    assert (err["extensions"]["rule"], err["extensions"]["phase"]) == ("cycle.phase", "OPERATIONAL_PLANNING")
    # ... the tax rate is not decided any more ...
    err = await api.error(
        'mutation($d: ID!) { setTaxRate(directiveId: $d, rate: "21.00") { id } }', d=s.directive["id"]
    )
    assert err["extensions"]["phase"] == "OPERATIONAL_PLANNING" and "TAX_RATE" in err["message"]
    # ... but KF may still change the adopted directive (a new revision), e.g. a tilläggsbudget.
    revision = await api.set_frames(s.directive["id"], [(s.n2, s.year, "50500000.00")])
    assert revision["revision"] == 2


async def test_budget_system_reads_adopted_directives_with_stable_ids(api: Api) -> None:
    s = await Scenario(api).setup()
    d = await s.adopted_directive()
    add = """mutation($d: ID!, $i: AssignmentInput!) {
        addAssignment(directiveId: $d, input: $i) { id assignments { id } } }"""
    revision = (await api.data(add, d=d["id"], i={"title": "Uppdrag", "recipientIds": [s.n2]}))["addAssignment"]
    [assignment] = revision["assignments"]
    await api.adopt(revision["id"], decision(s.kf, f"{s.year - 1}-09-01", "§ 120"))
    state = "mutation($a: ID!, $s: AssignmentState!) { setAssignmentState(id: $a, state: $s) { id state } }"
    assert (await api.data(state, a=assignment["id"], s="IN_PROGRESS"))["setAssignmentState"]["state"] == "IN_PROGRESS"

    # The budget system reads the adopted directives (its scope, budget-system, in the schema).
    query = """query($y: Int!) { directives(budgetYear: $y, state: ADOPTED) {
        id lineageId kind budgetYear revision taxRate adopted { date paragraph diaryNumber body { code } }
        recipients { id code }
        budgetFrames { year amount organization { id code } }
        assignments { id title state dueOn recipients { id } } } }"""
    async with client(api.stack, "budget-system") as http:
        budget_system = Api(http, api.stack)
        first = (await budget_system.data(query, y=s.year))["directives"]
        second = (await budget_system.data(query, y=s.year))["directives"]
    assert first == second
    [doc] = first
    assert (doc["id"], doc["lineageId"], doc["revision"], doc["taxRate"]) == (revision["id"], d["id"], 2, "20.38")
    assert doc["adopted"]["body"]["code"] == "KF"
    assert {(f["organization"]["id"], f["year"], f["amount"]) for f in doc["budgetFrames"]} == {
        (s.n1, s.year, "100000000.00"),
        (s.n1, s.year + 1, "102000000.00"),
        (s.n1, s.year + 2, "104000000.00"),
        (s.n2, s.year, "50000000.00"),
        (s.n2, s.year + 1, "51000000.00"),
        (s.n2, s.year + 2, "52000000.50"),
    }
    # Its konkretiserade mål, which the budget system reads too (a goal's own fields, issue 13).
    async with client(api.stack, "budget-system") as http:
        goals = await Api(http, api.stack).data(
            "query($d: ID!) { directive(id: $d) { concreteGoals { id level } } }", d=doc["id"]
        )
    assert [(g["id"], g["level"]) for g in goals["directive"]["concreteGoals"]] == [
        (s.k1, "CONCRETE"),
        (s.k2, "CONCRETE"),
    ]
    assert doc["assignments"] == [
        {
            "id": assignment["id"],
            "title": "Uppdrag",
            "state": "IN_PROGRESS",
            "dueOn": None,
            "recipients": [{"id": s.n2}],
        }
    ]
    # The organisation's view of the same frames.
    data = await api.data(
        """query($o: ID!, $y: Int!) { organization(id: $o) { code
            budgetFrames(year: $y) { year amount directive { id } }
            directives(budgetYear: $y) { id state } } }""",
        o=s.n2,
        y=s.year + 1,
    )
    assert data["organization"]["budgetFrames"] == [
        {"year": s.year + 1, "amount": "51000000.00", "directive": {"id": revision["id"]}}
    ]
    assert data["organization"]["directives"] == []  # that budget year has no directive
    data = await api.data(
        "query($o: ID!, $y: Int!) { organization(id: $o) { directives(budgetYear: $y) { id state } } }",
        o=s.n2,
        y=s.year,
    )
    assert data["organization"]["directives"] == [
        {"id": d["id"], "state": "SUPERSEDED"},
        {"id": revision["id"], "state": "ADOPTED"},
    ]
    # The same content is published on Kafka, as its JSON Schema says.
    event = await adopted_event(api.stack, revision["id"])
    data_ = event.data
    assert data_["directiveId"] == revision["id"] and data_["supersedes"] == d["id"]
    assert data_["taxRate"] == "20.38" and data_["budgetYear"] == s.year and data_["revision"] == 2
    assert data_["decision"] == {
        "bodyId": s.kf,
        "date": f"{s.year - 1}-09-01",
        "paragraph": "§ 120",
        "diaryNumber": "KS 2026/00123",
    }
    assert {(f["organizationId"], f["year"], f["amount"]) for f in data_["budgetFrames"]} == {
        (f["organization"]["id"], f["year"], f["amount"]) for f in doc["budgetFrames"]
    }
    assert data_["concreteGoalIds"] == [s.k1, s.k2] and data_["recipientIds"] == [s.n1, s.n2]
    assert data_["assignments"] == [
        {
            "id": assignment["id"],
            "title": "Uppdrag",
            "description": None,
            "recipientIds": [s.n2],
            "dueOn": None,
            "state": "NOT_STARTED",
        }
    ]
    assert schema_errors(data_, "vsm.planning.directive.adopted.v1") == []


async def adopted_event(stack: Stack, directive_id: str) -> CloudEvent:
    """The directive.adopted CloudEvent of this directive, read from the planning topic."""
    assert stack.kafka_bootstrap
    consumer = await start_fresh(
        lambda: AIOKafkaConsumer(
            "vsm.planning.events",
            bootstrap_servers=stack.kafka_bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
    )
    try:
        async with asyncio.timeout(30):
            while True:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for r in records:
                        if r.key == directive_id.encode():
                            event = CloudEvent.from_json(r.value)
                            if event.type == "vsm.planning.directive.adopted.v1":
                                assert dict(r.headers)["content-type"] == b"application/cloudevents+json"
                                return event
    finally:
        await stop_client(consumer)
