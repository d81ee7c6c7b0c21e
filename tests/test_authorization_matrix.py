"""Who may do what: the role × operation matrix, at the front door (Hive Router) and again in every subgraph.

The policy is the subgraphs' ``@requiresScopes`` directives (libs/vsm_common/scopes.py), composed into
the committed supergraph; ``test_the_policy_says_what_the_issue_says`` pins what the supergraph says to
the rules the planning office asked for (``WRITES`` below, every mutation of every role), and the other
tests check that the router and the subgraphs enforce exactly it: every mutation for every role, the
reads of each kind of data, medarbetarmål through every path (root field, nested, alias, fragment,
``_entities``), and the rows an employee, a manager and a committee are limited to.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLNonNull,
    GraphQLObjectType,
    build_client_schema,
    build_schema,
    get_introspection_query,
    get_named_type,
    is_enum_type,
    is_input_object_type,
    is_list_type,
    is_non_null_type,
)

from tests.support import client, eventually, gql
from vsm_common import scopes
from vsm_common.authz import ScopeRules, satisfies
from vsm_common.demo import demo_id
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
SUPERGRAPH = build_schema((ROOT / "services" / "gateway" / "supergraph.graphql").read_text())
RULES = ScopeRules(SUPERGRAPH)
ROLES = sorted(scopes.ROLES)
PLANNING_OFFICE = {
    "registerOrganization", "createGoal", "reviseGoal", "adoptGoal", "retireGoal", "linkGoals", "unlinkGoals",
    "openCycle", "advancePhase", "schedulePhase", "writeAnalysisSection",
    "createDirective", "setBudgetFrames", "setTaxRate", "addConcreteGoals", "addAssignment", "setAssignmentState",
    "setDirectiveRecipients", "adoptDirective",
    "createOperationalPlan", "addPlanGoals", "setInternalBudget", "submitPlan", "returnPlan", "adoptPlan",
    "definePeriods", "closePeriod", "defineIndicator", "linkIndicator", "setTarget", "recordMeasurement",
    "importKolada",
}  # fmt: skip
# The mutations each role may run, pinned: the supergraph must say exactly this (first test below), and
# the stack must enforce exactly this (the matrix), so a changed rule fails here until this table changes.
WRITES: dict[str, set[str]] = {
    "planner": PLANNING_OFFICE,
    "committee": {
        "createOperationalPlan", "addPlanGoals", "setInternalBudget", "submitPlan", "adoptPlan",
        "assessGoal", "addAction", "setActionState",
    },
    "employee": set(),
    "manager": set(),
    "hr-system": {"upsertEmployeeGoals"},
    "budget-system": set(),
    "reader": set(),
    "ops": set(),
}  # fmt: skip
ORG_OF = {"committee": "BUN", "manager": "BUF-CENTRUM"}  # demo organisations (services/goals/vsm_goals/seed.py)


def role_client(stack: Stack, role: str, *, sub: str | None = None) -> httpx.AsyncClient:
    return client(stack, role, sub=sub, org=ORG_OF.get(role))


def codes(body: dict[str, Any]) -> set[str]:
    return {e.get("extensions", {}).get("code", "") for e in body.get("errors") or []}


# The router refuses what @requiresScopes denies with 403 UNAUTHORIZED_FIELD_OR_TYPE and `affectedPath`
# (reject mode: the whole operation, no subgraph called); a subgraph refuses with FORBIDDEN, `rule`, `field`.
POLICY_REFUSAL = "UNAUTHORIZED_FIELD_OR_TYPE"


def forbidden(body: dict[str, Any]) -> bool:
    return bool({POLICY_REFUSAL, "FORBIDDEN"} & codes(body))


# ====================================================================== the policy itself
def _writes_in_supergraph(role: str) -> set[str]:
    assert SUPERGRAPH.mutation_type is not None
    # A mutation without a rule would be open to anyone: it counts as written by nobody here, and the
    # matrix would find it let through.
    return {
        name
        for name in SUPERGRAPH.mutation_type.fields
        if satisfies(frozenset({role}), RULES.fields.get(f"Mutation.{name}", ()))
    }


def _readable_types(role: str) -> set[str]:
    return {
        name
        for name, type_ in SUPERGRAPH.type_map.items()
        if isinstance(type_, GraphQLObjectType)
        and name not in ("Query", "Mutation")
        and not name.startswith(("__", "join__", "link__"))
        and satisfies(frozenset({role}), RULES.types.get(name))
    }


def _readable_fields(role: str, type_name: str) -> set[str]:
    type_ = SUPERGRAPH.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    return {
        name
        for name, field in type_.fields.items()
        if RULES.may_use(frozenset({role}), type_name, name, get_named_type(field.type).name)
    }


def test_the_policy_says_what_the_issue_says() -> None:
    assert set(ROLES) == {"planner", "committee", "employee", "manager", "hr-system", "budget-system", "reader", "ops"}
    for role in ROLES:
        assert _writes_in_supergraph(role) == WRITES[role], role
    writes = WRITES
    # planner: goals, directives, plans, periods
    assert {"createGoal", "adoptGoal", "createDirective", "setBudgetFrames", "createOperationalPlan"} <= writes[
        "planner"
    ]
    assert {"definePeriods", "closePeriod"} <= writes["planner"]
    assert not {"upsertEmployeeGoals", "assessGoal", "addAction"} & writes["planner"]
    # committee: its own plans, assessments and actions, nothing else
    assert writes["committee"] == {
        "createOperationalPlan",
        "addPlanGoals",
        "setInternalBudget",
        "submitPlan",
        "adoptPlan",
        "assessGoal",
        "addAction",
        "setActionState",
    }
    assert scopes.ORGANIZATION_SCOPED_ROLES == {"committee"}
    assert writes["hr-system"] == {"upsertEmployeeGoals"}
    for reader in ("employee", "manager", "budget-system", "reader", "ops"):
        assert writes[reader] == set(), reader
    everything = _readable_types("employee")
    personal = everything - _readable_types("reader")
    assert {"EmployeeGoal", "EmployeeGoalConnection", "EmployeeDataExport", "AccessLogEntry"} <= personal
    for name in ("employee", "manager", "hr-system"):
        assert _readable_types(name) == everything, name  # read: all
    for name in ("planner", "committee", "reader", "ops"):
        assert _readable_types(name) == everything - personal, name  # read: public
    # Who am I (Query.viewer) is every role's: it tells a caller only what its own token says.
    assert _readable_fields("budget-system", "Query") == {"directives", "directive", "viewer"}
    assert not personal & _readable_types("budget-system")
    # budget-system: a directive with everything budget-related, KF's konkretiserade mål by their own
    # public fields (issue 13: id, title, level, validity, recipients), and no field of a goal that leads
    # to medarbetarmål, follow-up or the rest of the structure.
    budget = _readable_types("budget-system")
    assert {"Directive", "BudgetFrame", "Assignment", "Decision", "Organization", "Goal"} <= budget
    # recipients { budgetFrames(year:) } is open too: no field of an organisation is closed to it by a rule
    organization = SUPERGRAPH.type_map["Organization"]
    assert isinstance(organization, GraphQLObjectType)
    assert not {
        f
        for f in organization.fields
        if not satisfies(frozenset({"budget-system"}), RULES.fields.get(f"Organization.{f}"))
    }
    goal_fields = _readable_fields("budget-system", "Goal")
    assert {"id", "title", "level", "validFrom", "validTo", "adopted", "retired", "organizations"} <= goal_fields
    assert not goal_fields & {"employeeGoals", "parents", "children", "fulfilment", "assessments", "plans"}


# ====================================================================== every mutation × role
def dummy(type_: GraphQLInputType) -> Any:
    """A syntactically valid argument that no rule accepts, so an allowed call changes nothing."""
    if is_non_null_type(type_):
        assert isinstance(type_, GraphQLNonNull)
        return dummy(type_.of_type)
    if is_list_type(type_):
        return []
    if is_input_object_type(type_):
        assert isinstance(type_, GraphQLInputObjectType)
        return {name: dummy(f.type) for name, f in type_.fields.items() if is_non_null_type(f.type)}
    if is_enum_type(type_):
        return next(iter(type_.values))  # type: ignore[attr-defined]
    return {"ID": str(uuid.uuid4()), "Int": -1, "Float": -1.0, "Boolean": False, "Decimal": "-1"}.get(
        type_.name,  # type: ignore[attr-defined]
        "",  # String, Date, ...: empty is refused by every rule that reads it
    )


@pytest.fixture(scope="module")
async def mutations(stack: Stack) -> list[tuple[str, str, dict[str, Any]]]:
    """Every mutation of the supergraph, as (name, document, variables) with arguments no rule accepts."""
    async with role_client(stack, "reader") as http:
        body = await gql(http, stack.config.gateway_url, get_introspection_query())
    schema = build_client_schema(body["data"])
    assert schema.mutation_type is not None
    found = []
    for name, field in schema.mutation_type.fields.items():
        params = ", ".join(f"${a}: {arg.type}" for a, arg in field.args.items())
        args = ", ".join(f"{a}: ${a}" for a in field.args)
        document = (
            f"mutation{f'({params})' if params else ''} {{ {name}{f'({args})' if args else ''} {{ __typename }} }}"
        )
        variables = {a: dummy(arg.type) for a, arg in field.args.items()}
        found.append((name, document, variables))
    assert len(found) >= 35  # goals 8, planning 17, follow-up 10
    return found


@pytest.mark.parametrize("role", ROLES)
async def test_each_mutation_is_allowed_exactly_for_the_roles_that_may_write_it(
    stack: Stack, mutations: list[tuple[str, str, dict[str, Any]]], role: str
) -> None:
    allowed = WRITES[role]
    wrong: list[str] = []
    async with role_client(stack, role) as http:
        for name, document, variables in mutations:
            body = await gql(http, stack.config.gateway_url, document, variables)
            assert body.get("errors"), f"{role} {name}: the dummy arguments were accepted: {body}"
            # Allowed: neither the router nor the subgraph refuses it; not allowed: the router does.
            if forbidden(body) if name in allowed else POLICY_REFUSAL not in codes(body):
                wrong.append(f"{name}: {'refused' if name in allowed else 'let through'} {body['errors'][:1]}")
            if name not in allowed:
                assert body.get("data") is None, f"{role} {name} ran: {body}"
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# ====================================================================== reads × role
READS = {
    "viewer": "{ viewer { subject roles organization { code } } }",
    "vision": "{ vision { id title } }",
    "goals": "{ goals(first: 2) { edges { node { id title fulfilment { status } } } } }",
    "directives": (
        "{ directives { id taxRate budgetFrames { year amount organization { code } } assignments { dueOn overdue } } }"
    ),
    "directive goals": (
        "{ directives { concreteGoals { id title level validFrom validTo adopted { date } retired { date } "
        "organizations { code } } } }"
    ),
    "recipient frames": "{ directives { recipients { code budgetFrames(year: 2027) { year amount } } } }",
    "organizations": "{ organizations { code } }",
    "plans": "{ operationalPlans { id } }",
    "periods": "{ periods { id } }",
    "employeeGoals": "{ employeeGoals(first: 3) { totalCount edges { node { employeeRef title } } } }",
    "nested employeeGoals": "{ goals(first: 1) { edges { node { employeeGoals { totalCount } } } } }",
    "aliased employeeGoals": "{ mine: employeeGoals(first: 1) { totalCount } }",
    "employeeGoals in a fragment": (
        "query { goals(first: 1) { edges { node { ...G } } } } fragment G on Goal { employeeGoals { totalCount } }"
    ),
    "employeeGoals in an inline fragment": (
        "{ goals(first: 1) { edges { node { ... on Goal { employeeGoals { totalCount } } } } } }"
    ),
}
EVERYONE = {"viewer"}
PUBLIC = EVERYONE | {
    "vision",
    "goals",
    "directives",
    "directive goals",
    "recipient frames",
    "organizations",
    "plans",
    "periods",
}
PERSONAL = set(READS) - PUBLIC
MAY_READ = {
    "planner": PUBLIC,
    "committee": PUBLIC,
    "reader": PUBLIC,
    "ops": PUBLIC,
    "employee": PUBLIC | PERSONAL,
    "manager": PUBLIC | PERSONAL,
    "hr-system": PUBLIC | PERSONAL,
    # Issue 13: the budget system reads a directive's konkretiserade mål and each recipient's frames.
    "budget-system": EVERYONE | {"directives", "directive goals", "recipient frames"},
}


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_reads_what_it_may_and_nothing_else(stack: Stack, role: str) -> None:
    wrong: list[str] = []
    async with role_client(stack, role) as http:
        for name, query in READS.items():
            body = await gql(http, stack.config.gateway_url, query)
            if name in MAY_READ[role]:
                if body.get("errors"):
                    wrong.append(f"{name}: refused {body['errors'][:1]}")
            elif POLICY_REFUSAL not in codes(body) or body.get("data") is not None:
                wrong.append(f"{name}: let through {str(body)[:200]}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


async def test_a_refusal_names_the_field_and_happens_at_the_front_door(stack: Stack) -> None:
    query = "{ directives { concreteGoals { id employeeGoals { totalCount } } } }"
    async with role_client(stack, "budget-system") as http:
        resp = await http.post(stack.config.gateway_url, json={"query": query})
    assert resp.status_code == 403
    body = resp.json()
    assert "data" not in body, body
    [error] = body["errors"]
    # The router's own code (no subgraph has a say): the response path of the refused field, not its
    # coordinate, and a fixed message instead of the Node gateway's one naming the roles.
    assert error["extensions"] == {"code": POLICY_REFUSAL, "affectedPath": "directives.concreteGoals.employeeGoals"}
    assert error["message"] == "Unauthorized field or type"


# ====================================================================== the budget system's one query
BUDGET_PULL = """query($y: Int!) {
  directives(budgetYear: $y, state: ADOPTED) {
    id lineageId kind revision title budgetYear taxRate
    adopted { date paragraph diaryNumber body { code } }
    recipients { code name kind budgetFrames(year: $y) { year amount } }
    budgetFrames { year amount organization { code } }
    concreteGoals { id title level state description validFrom validTo adopted { date } organizations { code } }
    assignments { id title description dueOn state recipients { code } }
    goalEstablishment { state refusals { goalId rule message } }
  }
}"""


async def test_the_budget_system_pulls_a_directive_with_frames_goals_and_uppdrag_in_one_query(stack: Stack) -> None:
    async with role_client(stack, "budget-system") as http:
        resp = await http.post(stack.config.gateway_url, json={"query": BUDGET_PULL, "variables": {"y": 2027}})
    body = resp.json()
    assert resp.status_code == 200 and not body.get("errors"), body
    demo = {d["title"]: d for d in body["data"]["directives"]}  # of the demo data (other tests add none for 2027)
    planning = demo["Planeringsdirektiv med budget 2027 och plan 2028–2029"]
    assert planning["taxRate"] == "20.38" and planning["adopted"]["body"]["code"] == "KF"
    recipients = {r["code"] for r in planning["recipients"]}
    frames = {(f["organization"]["code"], f["year"]) for f in planning["budgetFrames"]}
    assert frames == {(code, year) for code in recipients for year in (2027, 2028, 2029)}
    for recipient in planning["recipients"]:  # and per organisation for one year, every adopted directive's
        assert recipient["budgetFrames"] and {f["year"] for f in recipient["budgetFrames"]} == {2027}, recipient
    goals = planning["concreteGoals"]
    assert {g["title"] for g in goals} == {
        "Andelen elever som är behöriga till gymnasiet ska öka",
        "Fler äldre ska uppleva trygghet i hemtjänsten",
        "Kultur- och fritidsutbudet ska nå fler unga",
    }
    for goal in goals:
        assert (goal["level"], goal["validFrom"], goal["validTo"]) == ("CONCRETE", "2027-01-01", "2029-12-31")
        assert goal["organizations"] and {o["code"] for o in goal["organizations"]} <= recipients
    assert planning["assignments"] and all(a["recipients"] for a in planning["assignments"])
    assert demo["Ägardirektiv 2027 för de helägda kommunala bolagen"]["assignments"]


@pytest.mark.parametrize(
    ("selection", "field"),
    # The refused field (Goal.employeeGoals, ...) by its response key under directives.concreteGoals: the
    # router's affectedPath names aliases, not fields, and leaves inline fragments out.
    [
        ("employeeGoals { totalCount edges { node { employeeRef title } } }", "employeeGoals"),
        ('employeeGoals(first: 1, purpose: "budget") { totalCount }', "employeeGoals"),
        ("... on Goal { employeeGoals { totalCount } }", "employeeGoals"),
        ("mine: employeeGoals { totalCount }", "mine"),
        ("fulfilment { status }", "fulfilment"),
        ("assessments { status analysis }", "assessments"),
        ("parents { id }", "parents"),
        ("children { id }", "children"),
        ("revisions { number }", "revisions"),
        ("plans { id }", "plans"),
    ],
)
async def test_the_budget_system_gets_nothing_personal_or_beyond_a_goals_own_fields(
    stack: Stack, selection: str, field: str
) -> None:
    query = f"{{ directives {{ id concreteGoals {{ id title {selection} }} }} }}"
    async with role_client(stack, "budget-system") as http:
        resp = await http.post(stack.config.gateway_url, json={"query": query})
    body = resp.json()
    assert resp.status_code == 403 and body.get("data") is None, body
    assert [(e["extensions"]["code"], e["extensions"]["affectedPath"]) for e in body["errors"]] == [
        (POLICY_REFUSAL, f"directives.concreteGoals.{field}")
    ], body
    # The one-query pull with personal data added is refused whole: nothing of it runs.
    pull = BUDGET_PULL.replace("organizations { code } }", f"organizations {{ code }} {selection} }}")
    async with role_client(stack, "budget-system") as http:
        whole = await gql(http, stack.config.gateway_url, pull, {"y": 2027})
    assert forbidden(whole) and whole.get("data") is None


# ====================================================================== the subgraphs check again
async def subgraph(stack: Stack, name: str, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
    async with httpx.AsyncClient(timeout=30) as http:
        resp = await http.post(
            f"{stack.config.service_url(name)}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"x-vsm-gateway-secret": stack.gateway_secret, **headers},
        )
    return resp


@pytest.mark.parametrize(
    ("service", "role", "query"),
    [
        ("goals", "reader", READS["employeeGoals"]),
        ("goals", "committee", READS["aliased employeeGoals"]),
        ("goals", "budget-system", "{ organizations { code } }"),
        ("goals", "committee", 'mutation { createGoal(input: {level: OPERATIONAL, title: "x"}) { id } }'),
        ("goals", "planner", 'mutation { upsertEmployeeGoals(sourceSystem: "x", goals: []) { created } }'),
        ("planning", "budget-system", "{ operationalPlans { id } }"),
        ("planning", "reader", "mutation { openCycle(kind: ANNUAL, startYear: 2031) { id } }"),
        ("followup", "budget-system", "{ periods { id } }"),
        ("planning", "budget-system", "{ directives { concreteGoals { id plans { id } } } }"),
        ("followup", "planner", 'mutation { setActionState(id: "x", state: DONE) { id } }'),
    ],
)
async def test_a_subgraph_refuses_what_the_front_door_would(stack: Stack, service: str, role: str, query: str) -> None:
    resp = await subgraph(stack, service, query, **stack.auth_headers(role, org=ORG_OF.get(role)))
    body = resp.json()
    assert "FORBIDDEN" in codes(body), body  # the subgraph's own refusal, not the router's
    assert body.get("data") is None


async def test_a_subgraph_gives_the_budget_system_only_a_goals_own_fields(stack: Stack) -> None:
    # What the router fetches for `directives { concreteGoals { ... } }`: the goal as an entity.
    reps = {"r": [{"__typename": "Goal", "id": str(demo_id("goal", "K1"))}]}
    entities = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Goal { %s } } }"
    headers = stack.auth_headers("budget-system")
    own = await subgraph(
        stack, "goals", entities % "id title level validFrom validTo organizations { code }", reps, **headers
    )
    assert own.json()["data"]["_entities"][0]["level"] == "CONCRETE", own.json()
    for selection in ("employeeGoals { totalCount }", "parents { id }", "themes { name }"):
        body = (await subgraph(stack, "goals", entities % selection, reps, **headers)).json()
        assert forbidden(body) and body.get("data") is None, (selection, body)
    body = (await subgraph(stack, "followup", entities % "fulfilment { status }", reps, **headers)).json()
    assert forbidden(body) and body.get("data") is None, body


async def test_entities_of_medarbetarmal_are_refused_to_roles_without_personal_data(stack: Stack) -> None:
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on EmployeeGoal { employeeRef title } } }"
    reps = {"r": [{"__typename": "EmployeeGoal", "id": str(uuid.uuid4())}]}
    for role in ("reader", "committee", "budget-system", "planner"):
        body = (await subgraph(stack, "goals", query, reps, **stack.auth_headers(role, org=ORG_OF.get(role)))).json()
        assert forbidden(body), (role, body)
        assert body.get("data") is None


async def test_a_subgraph_refuses_requests_that_bypass_the_front_door_or_carry_no_valid_token(stack: Stack) -> None:
    query = "{ vision { id } }"
    token = stack.token("reader")
    head, payload, signature = token.split(".")
    tampered = ".".join([head, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), signature])
    for service in ("goals", "planning", "followup"):
        url = f"{stack.config.service_url(service)}/graphql"
        async with httpx.AsyncClient(timeout=30) as http:
            no_secret = await http.post(url, json={"query": query}, headers={"authorization": f"Bearer {token}"})
        assert no_secret.status_code == 403, service
        assert (await subgraph(stack, service, query)).status_code == 401, service
        for bad in (tampered, "not-a-jwt", stack.token("reader", ttl=1).rsplit(".", 1)[0] + ".x"):
            resp = await subgraph(stack, service, query, authorization=f"Bearer {bad}")
            assert resp.status_code == 401, (service, bad[:20])
            assert resp.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await subgraph(stack, service, query, authorization=f"Bearer {token}")).status_code == 200


# ====================================================================== rows: whose medarbetarmål
UPSERT = """mutation($g: [EmployeeGoalInput!]!) {
  upsertEmployeeGoals(sourceSystem: "matrix", goals: $g) { created updated unchanged errors { index message } } }"""
MINE = "query($ref: String, $unit: ID) { employeeGoals(employeeRef: $ref, unitId: $unit, first: 100) { edges { node { id employeeRef unit { code } } } } }"  # noqa: E501
NESTED = "query($id: ID!) { goal(id: $id) { employeeGoals(first: 100) { edges { node { employeeRef } } } } }"
EXPORT = 'query($ref: String!) { employeeDataExport(employeeRef: $ref, purpose: "test") { employeeGoals { id } accessLog { actor operation } } }'  # noqa: E501


@pytest.fixture(scope="module")
async def people(stack: Stack) -> AsyncIterator[dict[str, Any]]:
    """Two employees in two units, with medarbetarmål on one adopted verksamhetsmål."""
    suffix = uuid.uuid4().hex[:8]
    a, b = f"emp-a-{suffix}", f"emp-b-{suffix}"
    async with role_client(stack, "hr-system") as hr:
        found = await gql(
            hr,
            stack.config.gateway_url,
            "{ goals(level: OPERATIONAL, state: ADOPTED, first: 1) { edges { node { id } } }"
            ' c: organization(code: "BUF-CENTRUM") { id } s: organization(code: "SOCF-HEMTJ") { id } }',
        )
        data = found["data"]
        goal = data["goals"]["edges"][0]["node"]["id"]
        rows = [
            {
                "externalId": f"{a}-1",
                "employeeRef": a,
                "unitId": data["c"]["id"],
                "operationalGoalId": goal,
                "title": "A",
            },
            {
                "externalId": f"{b}-1",
                "employeeRef": b,
                "unitId": data["s"]["id"],
                "operationalGoalId": goal,
                "title": "B",
            },
        ]
        body = await gql(hr, stack.config.gateway_url, UPSERT, {"g": rows})
        assert body["data"]["upsertEmployeeGoals"]["created"] == 2, body
        ids = await gql(hr, stack.config.gateway_url, MINE, {"ref": b})
        b_id = ids["data"]["employeeGoals"]["edges"][0]["node"]["id"]
    yield {"a": a, "b": b, "goal": goal, "centrum": data["c"]["id"], "hemtj": data["s"]["id"], "b_id": b_id}


async def test_an_employee_sees_only_their_own_medarbetarmal(stack: Stack, people: dict[str, Any]) -> None:
    url = stack.config.gateway_url
    async with client(stack, "employee", sub=people["a"]) as http:
        mine = await gql(http, url, MINE)
        assert {e["node"]["employeeRef"] for e in mine["data"]["employeeGoals"]["edges"]} == {people["a"]}
        nested = await gql(http, url, NESTED, {"id": people["goal"]})
        assert {e["node"]["employeeRef"] for e in nested["data"]["goal"]["employeeGoals"]["edges"]} == {people["a"]}
        other = await gql(http, url, MINE, {"ref": people["b"]})
        assert forbidden(other) and other["errors"][0]["extensions"]["field"] == "employeeRef"
        assert (await gql(http, url, EXPORT, {"ref": people["a"]}))["data"]["employeeDataExport"]["employeeGoals"]
        assert forbidden(await gql(http, url, EXPORT, {"ref": people["b"]}))
    # _entities straight at the goals subgraph: another employee's goal resolves to nothing.
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on EmployeeGoal { employeeRef } } }"
    reps = {"r": [{"__typename": "EmployeeGoal", "id": people["b_id"]}]}
    as_a = await subgraph(stack, "goals", query, reps, **stack.auth_headers("employee", sub=people["a"]))
    assert as_a.json()["data"]["_entities"] == [None]
    as_b = await subgraph(stack, "goals", query, reps, **stack.auth_headers("employee", sub=people["b"]))
    assert as_b.json()["data"]["_entities"] == [{"employeeRef": people["b"]}]


async def test_a_manager_sees_the_medarbetarmal_of_their_unit_only(stack: Stack, people: dict[str, Any]) -> None:
    url = stack.config.gateway_url
    async with role_client(stack, "manager") as http:  # BUF-CENTRUM
        unit = await gql(http, url, MINE)
        edges = unit["data"]["employeeGoals"]["edges"]
        assert {e["node"]["unit"]["code"] for e in edges} == {"BUF-CENTRUM"}
        assert people["a"] in {e["node"]["employeeRef"] for e in edges}
        nested = await gql(http, url, NESTED, {"id": people["goal"]})
        refs = {e["node"]["employeeRef"] for e in nested["data"]["goal"]["employeeGoals"]["edges"]}
        assert people["a"] in refs and people["b"] not in refs
        other = await gql(http, url, MINE, {"unit": people["hemtj"]})
        assert forbidden(other) and other["errors"][0]["extensions"]["field"] == "unitId"
        assert forbidden(await gql(http, url, EXPORT, {"ref": people["a"]}))


async def test_the_hr_system_sees_all_and_the_access_log_names_the_verified_subject(
    stack: Stack, people: dict[str, Any]
) -> None:
    url = stack.config.gateway_url
    async with client(stack, "employee", sub=people["a"]) as own:
        assert not (await gql(own, url, MINE)).get("errors")
    async with role_client(stack, "hr-system") as http:
        both = await gql(http, url, NESTED, {"id": people["goal"]})
        refs = {e["node"]["employeeRef"] for e in both["data"]["goal"]["employeeGoals"]["edges"]}
        assert {people["a"], people["b"]} <= refs
        # A client-sent actor header is ignored: the log names the token's subject.
        export = await http.post(
            url, json={"query": EXPORT, "variables": {"ref": people["a"]}}, headers={"x-vsm-actor": "someone-else"}
        )
    actors = {e["actor"] for e in export.json()["data"]["employeeDataExport"]["accessLog"]}
    assert "hr-system" in actors and people["a"] in actors  # the HR system's reads and the employee's own
    assert "someone-else" not in actors


# ====================================================================== rows: whose plans, assessments, actions
ADD_ACTION = """mutation($g: ID!, $o: ID!) {
  addAction(goalId: $g, input: {title: "Åtgärd", ownerId: $o}) { id } }"""


async def test_a_committee_follows_up_only_its_own_goals(stack: Stack) -> None:
    url = stack.config.gateway_url
    sn_goal = str(demo_id("goal", "V3"))  # owned by SN (demo data, only read here)
    bun, sn = str(demo_id("org", "BUN")), str(demo_id("org", "SN"))
    async with client(stack, "planner") as planner:  # a goal of BUN's own, so the demo data stay as they are
        created = await gql(
            planner,
            url,
            "mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }",
            {"i": {"level": "OPERATIONAL", "title": f"Matris {uuid.uuid4().hex[:6]}", "organizationIds": [bun]}},
        )
        assert not created.get("errors"), created
        bun_goal = created["data"]["createGoal"]["id"]
    async with client(stack, "committee", org="BUN") as bun_http, client(stack, "committee", org="SN") as sn_http:

        async def added() -> dict[str, Any] | None:  # follow-up learns of the goal through Kafka
            body = await gql(bun_http, url, ADD_ACTION, {"g": bun_goal, "o": bun})
            return None if "NOT_FOUND" in codes(body) else body

        own = await eventually(added, what="follow-up to know the new goal")
        assert not own.get("errors"), own
        action = own["data"]["addAction"]["id"]
        other = await gql(bun_http, url, ADD_ACTION, {"g": sn_goal, "o": sn})
        assert forbidden(other) and other["errors"][0]["extensions"]["rule"] == "access.own_organization"
        state = "mutation($id: ID!) { setActionState(id: $id, state: IN_PROGRESS) { id } }"
        assert forbidden(await gql(sn_http, url, state, {"id": action}))
        assess = "mutation($g: ID!, $p: ID!) { assessGoal(goalId: $g, periodId: $p, status: ACHIEVED) { status } }"
        refused = await gql(bun_http, url, assess, {"g": sn_goal, "p": str(uuid.uuid4())})
        assert forbidden(refused) and refused["errors"][0]["extensions"]["field"] == "goalId"
        plan = "mutation($c: ID!, $o: ID!) { createOperationalPlan(cycleId: $c, organizationId: $o) { id } }"
        refused = await gql(bun_http, url, plan, {"c": str(uuid.uuid4()), "o": sn})
        assert forbidden(refused) and refused["errors"][0]["extensions"]["field"] == "organizationId"
        allowed = await gql(bun_http, url, plan, {"c": str(uuid.uuid4()), "o": bun})
        assert not forbidden(allowed), allowed  # refused for the unknown cycle, not for who asks
