"""A directive's recipients are revised by supersession (issue 13): in place on a draft; on an adopted
directive as a new revision that supersedes it once KF adopts it, whose directive.adopted names the new
recipients. Bad input is refused naming the field and the rule."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support import client
from tests.test_planning_directives import adopted_event
from tests.test_planning_support import DIRECTIVE_FIELDS, Api, Scenario, decision, projected, schema_errors
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

SET = f"""mutation($d: ID!, $r: [ID!]!) {{
    setDirectiveRecipients(directiveId: $d, recipientIds: $r) {{ {DIRECTIVE_FIELDS} }} }}"""


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with client(stack, "planner") as http:
        yield Api(http, stack)


async def set_recipients(api: Api, directive_id: str, recipients: list[str]) -> dict[str, Any]:
    d: dict[str, Any] = (await api.data(SET, d=directive_id, r=recipients))["setDirectiveRecipients"]
    return d


async def refused(api: Api, directive_id: str, recipients: list[str]) -> tuple[str, str, str]:
    err = await api.error(SET, d=directive_id, r=recipients)
    return err["extensions"]["code"], err["extensions"]["field"], err["extensions"]["rule"]


def ids(orgs: list[dict[str, Any]]) -> list[str]:
    return [o["id"] for o in orgs]


async def test_recipients_change_in_place_on_a_draft_and_bad_input_is_refused(api: Api) -> None:
    s = await Scenario(api).setup()
    await s.to_phase("DIRECTIVE")
    other = await api.register_org(f"C{s.tag}", f"Andra bolaget {s.tag} AB", "COMPANY", s.kf)
    await projected(api.stack, [other])
    draft = await api.create_directive(s.cycle["id"], "OWNER_DIRECTIVE", f"Ägardirektiv {s.year}", [s.company])
    await api.set_frames(draft["id"], s.frames(s.company, "10.00", "11.00", "12.00"))

    changed = await set_recipients(api, draft["id"], [other, s.company])
    assert (changed["id"], changed["revision"], changed["state"]) == (draft["id"], 1, "DRAFT")
    assert ids(changed["recipients"]) == [other, s.company]
    assert len(changed["budgetFrames"]) == 3  # the company's frames stay
    changed = await set_recipients(api, draft["id"], [other])
    assert ids(changed["recipients"]) == [other] and changed["budgetFrames"] == []  # dropped with the company

    assert await refused(api, draft["id"], []) == ("BAD_USER_INPUT", "recipientIds", "directive.recipients_required")
    assert await refused(api, draft["id"], [other, other]) == (
        "BAD_USER_INPUT",
        "recipientIds.1",
        "directive.recipient_duplicate",
    )
    assert await refused(api, draft["id"], [s.n1]) == ("BAD_USER_INPUT", "recipientIds", "directive.recipient_kind")
    unknown = str(uuid.uuid4())
    assert await refused(api, draft["id"], [unknown]) == ("NOT_FOUND", "recipientIds", "organization.exists")
    assert await refused(api, str(uuid.uuid4()), [other]) == ("NOT_FOUND", "directiveId", "directive.exists")
    err = await api.error(SET, d="not-an-id", r=[other])
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("directiveId", "id.format")


async def test_an_adopted_directive_gets_new_recipients_in_a_revision_that_supersedes_it(api: Api) -> None:
    s = await Scenario(api).setup()
    n3 = await api.register_org(f"N3{s.tag}", f"Testnämnd tre {s.tag}", "COMMITTEE", s.kf)
    await projected(api.stack, [n3])
    adopted = await s.adopted_directive()  # to N1 and N2, with K1 (N1) and K2 (N1, N2)

    revision = await set_recipients(api, adopted["id"], [s.n1, n3])
    assert (revision["state"], revision["revision"], revision["lineageId"]) == ("DRAFT", 2, adopted["lineageId"])
    assert revision["supersedes"] == {"id": adopted["id"], "revision": 1, "state": "ADOPTED"}
    assert ids(revision["recipients"]) == [s.n1, n3]
    assert {f["organization"]["id"] for f in revision["budgetFrames"]} == {s.n1}  # N2's frames went with it
    assert [g["id"] for g in revision["concreteGoals"]] == [s.k1, s.k2]
    data = await api.data(f"query($d: ID!) {{ directive(id: $d) {{ {DIRECTIVE_FIELDS} }} }}", d=adopted["id"])
    assert data["directive"]["state"] == "ADOPTED" and ids(data["directive"]["recipients"]) == [s.n1, s.n2]

    # One revision at a time: the next change goes to the draft, in place.
    assert await refused(api, adopted["id"], [s.n1]) == ("CONFLICT", "directiveId", "directive.revision_pending")
    # K1 is directed only to N1: a revision without N1 would leave it with no recipient.
    assert await refused(api, revision["id"], [s.n2, n3]) == ("CONFLICT", "recipientIds", "directive.goal_recipient")
    same = await set_recipients(api, revision["id"], [s.n1, n3])
    assert (same["id"], same["revision"]) == (revision["id"], 2)

    # N3 has no frames yet: KF cannot adopt the revision until it has.
    adopt = "mutation($d: ID!, $x: DecisionInput!) { adoptDirective(id: $d, decision: $x) { id } }"
    kf_decision = decision(s.kf, f"{s.year - 1}-09-01", "§ 120")
    err = await api.error(adopt, d=revision["id"], x=kf_decision)
    assert (err["extensions"]["rule"], err["extensions"]["field"]) == ("directive.frames_incomplete", "id")
    await api.set_frames(revision["id"], s.frames(n3, "30000000.00", "31000000.00", "32000000.00"))
    new = await api.adopt(revision["id"], kf_decision)
    assert (new["state"], ids(new["recipients"])) == ("ADOPTED", [s.n1, n3])
    assert new["supersedes"] == {"id": adopted["id"], "revision": 1, "state": "SUPERSEDED"}

    # What the budget system reads and is told: the new recipients, in force.
    data = await api.data(
        "query($y: Int) { directives(budgetYear: $y, state: ADOPTED) { id recipients { id } } }", y=s.year
    )
    assert data["directives"] == [{"id": revision["id"], "recipients": [{"id": s.n1}, {"id": n3}]}]
    event = await adopted_event(api.stack, revision["id"])
    assert event.data["recipientIds"] == [s.n1, n3] and event.data["supersedes"] == adopted["id"]
    assert {f["organizationId"] for f in event.data["budgetFrames"]} == {s.n1, n3}
    assert schema_errors(event.data, "vsm.planning.directive.adopted.v1") == []
    data = await api.data(
        "query($o: ID!, $y: Int) { organization(id: $o) { directives(budgetYear: $y, state: ADOPTED) { id } } }",
        o=n3,
        y=s.year,
    )
    assert data["organization"]["directives"] == [{"id": revision["id"]}]

    # History is never revised.
    assert await refused(api, adopted["id"], [s.n1]) == ("CONFLICT", "directiveId", "directive.superseded")
