"""docs/api.md works: every example runs unchanged against the stack with a token of its role and answers as documented.

An example in the document is an HTML comment followed by fenced blocks::

    <!-- example: NAME role=ROLE [org=ORG] [sub=SUB] [status=401] [expect=errors] [exact] -->
    ```graphql   the operation
    ```json      its variables
    ```sh        (optional) the curl command, reading NAME.graphql and NAME.json
    ...
    <!-- response: NAME -->
    ```json      the documented answer (lists may be shortened)

``role=none`` sends no token. The examples are read out of the document and sent as they are written,
query and variables, on a stack with the demo data of a fresh ``make run``: only the token is the test
stack's (and the curl commands get its address). A worked example must answer without errors and with
data; the answer must have the documented shape: every documented key, with a value of the documented JSON
type (``null`` documents anything), every documented list element matched by an element of the answer;
``exact`` answers must be equal. ``expect=errors`` examples must fail with the documented codes, and the
documented ``rule`` and ``field`` (a service's refusal) or ``affectedPath`` (the front door's). Nothing is
substituted, so an example may send only ids that are the same on every installation: each id in its
variables must be in the documented answer of an earlier example and, on the stack, in that example's real
answer (the demo data's organisations and goals have fixed ids; periods, directive revisions and
medarbetarmål do not, so examples name periods by label). README.md's curl command runs the same way. The
operations are also checked, without a stack, against the committed supergraph and the access
policy its @requiresScopes directives declare (each is allowed for its role, or documented as refused by
the front door: Hive Router's UNAUTHORIZED_FIELD_OR_TYPE, one error per refused field by its response path).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest

from vsm_common import authz, scopes
from vsm_dev.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "api.md"
README = ROOT / "README.md"
SUPERGRAPH = ROOT / "services" / "gateway" / "supergraph.graphql"
DOC_URL = "http://127.0.0.1:4000/graphql"
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EXPECTED = [
    "no-token",
    "budget-system-forbidden",
    "bad-id",
    "budget-directives",
    "budget-frames",
    "hr-lookup",
    "hr-upsert",
    "hr-upsert-row-errors",
    "hr-read-back",
    "namnd-lookup",
    "namnd-goals",
    "namnd-report",
    "viewer",
]
WORKED = EXPECTED[3:]  # the worked examples; the first three illustrate errors


# ------------------------------------------------------------------ the document
@dataclass
class Example:
    name: str
    role: str | None
    org: str | None = None
    sub: str | None = None
    status: int = 200
    expect_errors: bool = False
    exact: bool = False
    query: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    curl: str | None = None
    has_variables: bool = False
    response: Any = None
    has_response: bool = False


TOKEN = re.compile(r"<!--\s*(example|response):\s*([^>]*?)\s*-->|```(\w*)\n(.*?)\n```", re.DOTALL)


def parse_examples(text: str) -> list[Example]:
    examples: dict[str, Example] = {}
    current: Example | None = None  # the example whose blocks follow
    answering: Example | None = None  # the example whose answer follows
    for match in TOKEN.finditer(text):
        kind, spec, language, body = match.groups()
        if kind == "example":
            name, *options = spec.split()
            settings = dict(option.split("=", 1) for option in options if "=" in option)
            flags = {option for option in options if "=" not in option}
            role = settings.get("role")
            assert role, f"example {name} names no role"
            assert name not in examples, f"example {name} appears twice"
            current = examples[name] = Example(
                name,
                None if role == "none" else role,
                org=settings.get("org"),
                sub=settings.get("sub"),
                status=int(settings.get("status", "200")),
                expect_errors=settings.get("expect") == "errors",
                exact="exact" in flags,
            )
            answering = None
        elif kind == "response":
            assert spec in examples, f"response of unknown example {spec}"
            answering, current = examples[spec], None
        elif answering is not None and language == "json":
            answering.response, answering.has_response = json.loads(body), True
            answering = None
        elif current is not None:
            if language == "graphql" and not current.query:
                current.query = body
            elif language == "json" and current.query and not current.has_variables:
                current.variables, current.has_variables = json.loads(body), True
            elif language == "sh" and current.has_variables and current.curl is None:
                current.curl = body
    return list(examples.values())


EXAMPLES = parse_examples(DOC.read_text())
BY_NAME = {e.name: e for e in EXAMPLES}


# ------------------------------------------------------------------ comparing answers
def _scalars(node: Any) -> dict[str, Any]:
    return {k: v for k, v in node.items() if not isinstance(v, dict | list)} if isinstance(node, dict) else {}


def best_match(item: Any, candidates: list[Any]) -> Any:
    """The element of ``candidates`` most like ``item`` (most equal scalar fields; the first on a tie)."""
    if not candidates:
        return None
    if not isinstance(item, dict):
        return next((c for c in candidates if c == item), candidates[0])
    wanted = _scalars(item)
    return max(candidates, key=lambda c: sum(1 for k, v in wanted.items() if _scalars(c).get(k) == v))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "list" if isinstance(value, list) else "null"


def shape_errors(sample: Any, actual: Any, path: str = "") -> list[str]:
    """How ``actual`` differs from the documented ``sample`` in shape (empty: it has the documented shape)."""
    if sample is None:
        return []
    if _kind(sample) != _kind(actual):
        return [f"{path or '.'}: documented a {_kind(sample)}, got {json.dumps(actual)[:200]}"]
    if isinstance(sample, dict):
        problems = [f"{path}.{key}: missing" for key in sample if key not in actual]
        for key, value in sample.items():
            if key in actual:
                problems += shape_errors(value, actual[key], f"{path}.{key}")
        return problems
    if isinstance(sample, list):
        if sample and not actual:
            return [f"{path}: documented {len(sample)} element(s), got none"]
        problems = []
        for index, item in enumerate(sample):
            if not any(not shape_errors(item, candidate) for candidate in actual):
                problems += shape_errors(item, best_match(item, actual), f"{path}[{index}]")
        return problems
    return []


def ids_in(value: Any) -> set[str]:
    """Every id (a UUID string) anywhere in a JSON value."""
    if isinstance(value, dict):
        return set().union(*(ids_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(ids_in(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) and UUID_TEXT.fullmatch(value) else set()


def data_problems(body: Any) -> list[str]:
    """A worked example must answer with data: every field it asked for at the top non-null and non-empty."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not data:
        return [f"no data: {json.dumps(body, ensure_ascii=False)[:300]}"]
    return [f"data.{key} is {json.dumps(value)}" for key, value in data.items() if value in (None, [], {})]


def answer_problems(example: Example, status: int, body: Any) -> list[str]:
    """What in a real answer contradicts the documented one."""
    problems = [] if status == example.status else [f"HTTP {status}, documented {example.status}"]
    errors = body.get("errors") if isinstance(body, dict) else None
    if example.expect_errors or example.status != 200:
        documented = example.response.get("errors") or []
        got = [(e.get("extensions") or {}) for e in errors or []]
        want = [(e.get("extensions") or {}) for e in documented]
        if [g.get("code") for g in got] != [w.get("code") for w in want]:
            problems.append(f"error codes {[g.get('code') for g in got]}, documented {[w.get('code') for w in want]}")
        for g, w in zip(got, want, strict=False):
            for key in ("rule", "field", "affectedPath"):
                if key in w and g.get(key) != w[key]:
                    problems.append(f"error {key} {g.get(key)!r}, documented {w[key]!r}")
        if "data" in example.response:
            problems += shape_errors(example.response["data"], body.get("data"), "data")
        elif isinstance(body, dict) and body.get("data") is not None:
            problems.append(f"documented no data, got {json.dumps(body['data'])[:200]}")
        return problems
    if errors:
        return [*problems, f"errors: {json.dumps(errors, ensure_ascii=False)[:1000]}"]
    problems += data_problems(body)
    if example.exact:
        return problems if body == example.response else [*problems, f"not the documented answer: {body}"]
    return problems + shape_errors(example.response, body)


# ------------------------------------------------------------------ without a stack
def test_the_document_has_every_example_complete() -> None:
    assert [e.name for e in EXAMPLES] == EXPECTED
    for example in EXAMPLES:
        assert example.query and example.has_variables and example.has_response, example.name
        assert isinstance(example.variables, dict), example.name
        if example.role is not None:
            assert example.role in scopes.ROLES, example.name
    with_curl = [e.name for e in EXAMPLES if e.curl]
    assert with_curl == WORKED  # every worked example (not the error illustrations) shows its curl
    for example in EXAMPLES:
        if example.curl:
            assert f"--rawfile query {example.name}.graphql" in example.curl, example.name
            assert f"--slurpfile variables {example.name}.json" in example.curl, example.name
            token = f"$(make -s token ROLE={example.role}" + (f" ORG={example.org}" if example.org else "") + ")"
            assert token in example.curl, example.name
            assert DOC_URL in example.curl, example.name


def test_an_example_sends_only_ids_an_earlier_example_documents() -> None:
    # Ids differ between installations unless they are the demo data's fixed ones: an example that sends
    # an id must have got it from a step before it (which the stack tests check it really answers), and
    # its query text names things by code or label, never by a literal id.
    documented: set[str] = set()
    for example in EXAMPLES:
        assert not UUID_TEXT.search(example.query), f"{example.name}: a literal id in the query"
        unexplained = ids_in(example.variables) - documented
        assert not unexplained, f"{example.name} sends {unexplained}, which no earlier example's answer shows"
        documented |= ids_in(example.response)


def _public_schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(SUPERGRAPH.read_text())


# What Hive Router answers for a field @requiresScopes denies (reject mode: the whole operation, 403).
POLICY_REFUSAL = "UNAUTHORIZED_FIELD_OR_TYPE"


def refused_paths(schema: graphql.GraphQLSchema, document: graphql.DocumentNode, role: str) -> dict[str, str]:
    """The access policy (the supergraph's @requiresScopes, vsm_common.authz's rules) as the front door
    applies it: the response path of each field ``role`` may not use, in document order, as Hive Router's
    ``affectedPath`` names it (response keys joined by dots, fragments left out, nothing below a refused
    field), to the field's coordinate."""
    rules, roles = authz.scope_rules(schema), frozenset({role})
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)}
    refused: dict[str, str] = {}

    def walk(selection_set: graphql.SelectionSetNode, parent: graphql.GraphQLObjectType, prefix: str) -> None:
        for node in selection_set.selections:
            if isinstance(node, graphql.FieldNode):
                name = node.name.value
                if name.startswith("__"):
                    continue  # introspection: no rule
                path = ".".join(filter(None, (prefix, node.alias.value if node.alias else name)))
                result = graphql.get_named_type(parent.fields[name].type)
                if not rules.may_use(roles, parent.name, name, result.name):
                    refused.setdefault(path, f"{parent.name}.{name}")
                elif node.selection_set and isinstance(result, graphql.GraphQLObjectType):
                    walk(node.selection_set, result, path)
            else:
                condition: graphql.NamedTypeNode | None
                if isinstance(node, graphql.FragmentSpreadNode):
                    fragment = fragments[node.name.value]
                    condition, selections = fragment.type_condition, fragment.selection_set
                else:
                    assert isinstance(node, graphql.InlineFragmentNode)
                    condition, selections = node.type_condition, node.selection_set
                target = schema.get_type(condition.name.value) if condition else parent
                assert isinstance(target, graphql.GraphQLObjectType), "the API has no abstract types to spread on"
                walk(selections, target, prefix)

    for definition in document.definitions:
        if isinstance(definition, graphql.OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            assert isinstance(root, graphql.GraphQLObjectType)
            walk(definition.selection_set, root, "")
    return refused


@pytest.mark.parametrize("name", EXPECTED)
def test_the_example_is_valid_for_the_committed_schema_and_its_role(name: str) -> None:
    example = BY_NAME[name]
    schema = _public_schema()
    document = graphql.parse(example.query)
    assert graphql.validate(schema, document) == [], name
    if example.role is None:
        return
    refused = refused_paths(schema, document, example.role)
    documented = example.response.get("errors", []) if example.expect_errors else []
    forbidden = [e["extensions"]["affectedPath"] for e in documented if e["extensions"]["code"] == POLICY_REFUSAL]
    assert list(refused) == forbidden, (
        f"{name}: the policy refuses {list(refused)} for {example.role}, documented {forbidden}"
    )
    # The same fields as vsm_common.authz's walk finds, the one the subgraphs run, by coordinate.
    assert set(refused.values()) == set(authz.refused_fields(schema, document, frozenset({example.role}))), name


# ------------------------------------------------------------------ against the stack
@dataclass
class Answer:
    status: int
    body: Any


@dataclass
class Run:
    answers: dict[str, Answer]


def headers_for(stack: Stack, example: Example) -> dict[str, str]:
    return {} if example.role is None else stack.auth_headers(example.role, sub=example.sub, org=example.org)


def wait_for_the_demo_goals(stack: Stack, http: httpx.Client) -> None:
    """The nämnd's verksamhetsmål are adopted through Kafka after the seed: wait (bounded) until they are."""
    query = "query($org: ID!) { goals(organizationId: $org, level: OPERATIONAL, state: ADOPTED) { totalCount } }"
    request = {"query": query, "variables": {"org": BY_NAME["namnd-lookup"].response["data"]["organization"]["id"]}}
    deadline = time.monotonic() + 60
    while True:
        body = http.post(stack.config.gateway_url, json=request, headers=stack.auth_headers("planner"))
        if (body.json().get("data") or {}).get("goals", {}).get("totalCount", 0) >= 2:
            return
        assert time.monotonic() < deadline, f"BUN's verksamhetsmål were not adopted within 60 s: {body.text}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def run(stack: Stack) -> Iterator[Run]:
    """Every example, in the document's order, sent exactly as the document writes it (only the token is ours)."""
    answers: dict[str, Answer] = {}
    with httpx.Client(timeout=30) as http:
        wait_for_the_demo_goals(stack, http)
        for example in EXAMPLES:
            response = http.post(
                stack.config.gateway_url,
                json={"query": example.query, "variables": example.variables},
                headers=headers_for(stack, example),
            )
            answers[example.name] = Answer(response.status_code, response.json())
    yield Run(answers)


@pytest.mark.e2e
@pytest.mark.parametrize("name", EXPECTED)
def test_the_example_answers_as_documented(run: Run, name: str) -> None:
    example, answer = BY_NAME[name], run.answers[name]
    problems = answer_problems(example, answer.status, answer.body)
    assert not problems, f"{name} as {example.role}: " + "; ".join(problems)


@pytest.mark.e2e
def test_the_ids_an_example_sends_are_in_an_earlier_answer_on_this_stack(run: Run) -> None:
    # The document's ids are this stack's too: a fresh `make run` answers the earlier step with them.
    answered: set[str] = set()
    for example in EXAMPLES:
        missing = ids_in(example.variables) - answered
        assert not missing, f"{example.name} sends {missing}, which no earlier answer on a fresh stack held"
        answered |= ids_in(run.answers[example.name].body)


@pytest.mark.e2e
def test_the_budget_system_gets_frames_for_three_years_and_the_tax_rate(run: Run) -> None:
    directives = run.answers["budget-directives"].body["data"]["directives"]
    by_kind = {d["kind"]: d for d in directives}
    assert set(by_kind) == {"PLANNING_DIRECTIVE", "OWNER_DIRECTIVE"}
    planning, owner = by_kind["PLANNING_DIRECTIVE"], by_kind["OWNER_DIRECTIVE"]
    assert (planning["taxRate"], planning["revision"], owner["taxRate"]) == ("20.38", 2, None)
    assert planning["lineageId"] != planning["id"]  # the tax rate came with revision 2, in November
    for directive in directives:
        recipients = {r["code"] for r in directive["recipients"]}
        frames = {(f["organization"]["code"], f["year"]) for f in directive["budgetFrames"]}
        assert frames == {(code, year) for code in recipients for year in (2027, 2028, 2029)}
        assert all(re.fullmatch(r"\d+\.\d\d", f["amount"]) for f in directive["budgetFrames"])
        assert directive["adopted"]["body"]["code"] == "KF"
        assert directive["goalEstablishment"]["state"] == "ESTABLISHED"
    # KF's konkretiserade mål came with the planeringsdirektiv, each for 2027-2029 and one or more nämnder.
    goals = {g["title"]: g for g in planning["concreteGoals"]}
    assert len(goals) == 3 and owner["concreteGoals"] == []
    for goal in goals.values():
        assert (goal["level"], goal["state"], goal["validFrom"], goal["validTo"]) == (
            "CONCRETE",
            "ADOPTED",
            "2027-01-01",
            "2029-12-31",
        )
        assert {o["code"] for o in goal["organizations"]} <= {r["code"] for r in planning["recipients"]}
    assert {o["code"] for o in goals["Kultur- och fritidsutbudet ska nå fler unga"]["organizations"]} == {"KFN", "TFN"}


@pytest.mark.e2e
def test_the_budget_system_gets_each_recipients_frames_of_a_year(run: Run) -> None:
    [planning] = run.answers["budget-frames"].body["data"]["directives"]
    assert {r["code"] for r in planning["recipients"]} == {"BUN", "SN", "KFN", "TFN"}
    for recipient in planning["recipients"]:
        assert [(f["year"], f["directive"]["budgetYear"]) for f in recipient["budgetFrames"]] == [(2028, 2027)]


@pytest.mark.e2e
def test_sending_the_hr_batch_again_changes_nothing(stack: Stack, run: Run) -> None:
    example = BY_NAME["hr-upsert"]
    again = httpx.post(
        stack.config.gateway_url,
        json={"query": example.query, "variables": example.variables},
        headers=headers_for(stack, example),
        timeout=30,
    ).json()
    assert again == {"data": {"upsertEmployeeGoals": {"created": 0, "updated": 0, "unchanged": 2, "errors": []}}}
    assert DOC.read_text().count(json.dumps(again, ensure_ascii=False)) == 1  # as the document says


@pytest.mark.e2e
def test_the_hr_system_reads_back_what_it_sent(run: Run) -> None:
    sent = {g["externalId"]: g for g in BY_NAME["hr-upsert"].variables["goals"]}
    page = run.answers["hr-read-back"].body["data"]["employeeGoals"]
    stored = {e["node"]["externalId"]: e["node"] for e in page["edges"] if e["node"]["externalId"] in sent}
    assert set(stored) == set(sent)  # and nothing of the refused batch
    assert "HR-2027-000125" not in {e["node"]["externalId"] for e in page["edges"]}
    for external_id, node in stored.items():
        row = sent[external_id]
        assert (node["employeeRef"], node["title"], node["sourceSystem"]) == (
            row["employeeRef"],
            row["title"],
            "heroma",
        )
        assert node["operationalGoal"]["id"] == row["operationalGoalId"] and node["unit"]["code"] == "BUF-CENTRUM"


@pytest.mark.e2e
def test_the_front_end_gets_the_namnds_goals_with_the_periods_fulfilment(run: Run) -> None:
    period = BY_NAME["namnd-goals"].variables["periodLabel"]
    periods = {p["label"]: p for p in run.answers["namnd-lookup"].body["data"]["periods"]}
    assert periods[period]["kind"] == "INTERIM"  # the delårsrapport, as documented, a label step 1 lists
    goals = [e["node"] for e in run.answers["namnd-goals"].body["data"]["goals"]["edges"]]
    assert {g["level"] for g in goals} == {"CONCRETE", "OPERATIONAL"}
    for goal in goals:
        fulfilment = goal["fulfilment"]
        assert fulfilment["period"]["label"] == period
        assert fulfilment["explanation"]
    concrete = next(g for g in goals if g["level"] == "CONCRETE")
    assert concrete["fulfilment"]["basis"] == "ROLLED_UP" and len(concrete["fulfilment"]["contributors"]) == 2
    # The printable report of the same period tells the same fulfilment of every goal the front end
    # showed (it may hold more: goals other tests of the session made for the nämnd, drafts among them).
    report = run.answers["namnd-report"].body["data"]["organization"]["followUpReport"]
    assert report["period"]["label"] == period and "<html" in report["html"]
    assert {(g["title"], g["fulfilment"]["status"]) for g in goals} <= {
        (f["goal"]["title"], f["status"]) for f in report["goals"]
    }


def run_shell(
    stack: Stack, command: str, role: str, workdir: Path, *, sub: str | None = None, org: str | None = None
) -> Any:
    """A documented shell command, with this stack's address and a token of this stack's issuer for ``role``."""
    token = stack.token(role, sub=sub, org=org)
    script = re.sub(r"\$\(make -s token [^)]*\)", token, command).replace(DOC_URL, stack.config.gateway_url)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=workdir, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def run_curl(stack: Stack, example: Example, workdir: Path) -> Any:
    """The example's curl command, reading the operation and variables saved as the document says."""
    assert example.curl is not None and example.role is not None
    (workdir / f"{example.name}.graphql").write_text(example.query + "\n")
    (workdir / f"{example.name}.json").write_text(json.dumps(example.variables, ensure_ascii=False))
    return run_shell(stack, example.curl, example.role, workdir, sub=example.sub, org=example.org)


@pytest.mark.e2e
@pytest.mark.parametrize("name", WORKED)
def test_the_curl_command_works(stack: Stack, run: Run, name: str, tmp_path: Path) -> None:
    example = BY_NAME[name]
    body = run_curl(stack, example, tmp_path)
    assert not body.get("errors") and not data_problems(body), body
    if example.exact and name != "hr-upsert":  # the batch was sent before: now all of it is unchanged
        assert body == example.response
    assert not shape_errors(example.response, body), shape_errors(example.response, body)


def readme_commands() -> list[tuple[str, str]]:
    """README.md's shell commands that call the API, each with the role of the token it asks for."""
    blocks = re.findall(r"```sh\n(.*?)\n```", README.read_text(), re.DOTALL)
    found = []
    for block in blocks:
        if DOC_URL in block:
            role = re.search(r"\$\(make -s token ROLE=([\w-]+)\)", block)
            assert role, f"README.md calls the API without a token: {block}"
            found.append((block, role.group(1)))
    return found


def test_the_readme_shows_a_whole_api_call() -> None:
    assert readme_commands(), "README.md has no curl command that runs as is"


@pytest.mark.e2e
def test_the_readme_api_call_works(stack: Stack, tmp_path: Path) -> None:
    for command, role in readme_commands():
        body = run_shell(stack, command, role, tmp_path)
        assert not body.get("errors") and not data_problems(body), body
