"""docs/api.md works: every example runs against the stack with a token of its role and answers as documented.

An example in the document is an HTML comment followed by fenced blocks::

    <!-- example: NAME role=ROLE [org=ORG] [sub=SUB] [status=401] [expect=errors] [exact] -->
    ```graphql   the operation
    ```json      its variables
    ```sh        (optional) the curl command, reading NAME.graphql and NAME.json
    ...
    <!-- response: NAME -->
    ```json      the documented answer (lists may be shortened)

``role=none`` sends no token. The answer must have the documented shape: every documented key, with a
value of the documented JSON type (``null`` documents anything), every documented list element matched
by an element of the answer; ``exact`` answers must be equal. ``expect=errors`` examples must fail with
the documented codes, rules and fields. Ids in the variables that an earlier example's answer documents
are replaced by what that answer really held (the demo data's ids are fixed, period and directive
revision ids are not). The operations are also checked, without a stack, against the committed supergraph
and the access policy (each is allowed for its role, or documented as refused).
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

from vsm_dev.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "api.md"
SUPERGRAPH = ROOT / "services" / "gateway" / "supergraph.graphql"
POLICY = json.loads((ROOT / "libs" / "vsm_common" / "policy" / "access.json").read_text())
DOC_URL = "http://127.0.0.1:4000/graphql"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EXPECTED = [
    "no-token",
    "budget-system-forbidden",
    "bad-id",
    "budget-directives",
    "hr-lookup",
    "hr-upsert",
    "hr-upsert-row-errors",
    "hr-read-back",
    "namnd-lookup",
    "namnd-goals",
]


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


def id_replacements(sample: Any, actual: Any) -> dict[str, str]:
    """Documented id -> the id at the same place of the real answer (lists matched element by element)."""
    found: dict[str, str] = {}

    def walk(s: Any, a: Any) -> None:
        if isinstance(s, dict) and isinstance(a, dict):
            for key, value in s.items():
                if key in a:
                    walk(value, a[key])
        elif isinstance(s, list) and isinstance(a, list):
            for item in s:
                match = best_match(item, a)
                if match is not None:
                    walk(item, match)
        elif isinstance(s, str) and isinstance(a, str) and UUID.match(s) and UUID.match(a):
            found[s] = a

    walk(sample, actual)
    return found


def replace_ids(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: replace_ids(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_ids(v, replacements) for v in value]
    return replacements.get(value, value) if isinstance(value, str) else value


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
            for key in ("rule", "field"):
                if key in w and g.get(key) != w[key]:
                    problems.append(f"error {key} {g.get(key)!r}, documented {w[key]!r}")
        if "data" in example.response:
            problems += shape_errors(example.response["data"], body.get("data"), "data")
        elif isinstance(body, dict) and body.get("data") is not None:
            problems.append(f"documented no data, got {json.dumps(body['data'])[:200]}")
        return problems
    if errors:
        return [*problems, f"errors: {json.dumps(errors, ensure_ascii=False)[:1000]}"]
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
            assert example.role in POLICY["roles"], example.name
    with_curl = [e.name for e in EXAMPLES if e.curl]
    assert with_curl == EXPECTED[3:]  # every worked example (not the error illustrations) shows its curl
    for example in EXAMPLES:
        if example.curl:
            assert f"--rawfile query {example.name}.graphql" in example.curl, example.name
            assert f"--slurpfile variables {example.name}.json" in example.curl, example.name
            token = f"$(make -s token ROLE={example.role}" + (f" ORG={example.org}" if example.org else "") + ")"
            assert token in example.curl, example.name
            assert DOC_URL in example.curl, example.name


def _public_schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(SUPERGRAPH.read_text())


def refused_fields(schema: graphql.GraphQLSchema, document: graphql.DocumentNode, role: str) -> list[str]:
    """The access policy (access.json) as the gateway applies it: the coordinates ``role`` may not use."""
    rule = POLICY["roles"][role]
    personal = set(POLICY["personalTypes"])

    def may_read(type_name: str) -> bool:
        read = rule["read"]
        return read == "all" or (read == "public" and type_name not in personal) or type_name in read

    refused: list[str] = []
    info = graphql.TypeInfo(schema)

    class Visitor(graphql.Visitor):
        def enter_field(self, node: graphql.FieldNode, *_: Any) -> Any:
            parent, definition = info.get_parent_type(), info.get_field_def()
            if parent is None or definition is None or node.name.value.startswith("__"):
                return None
            named = graphql.get_named_type(definition.type)
            name = node.name.value
            if parent.name == "Mutation":
                allowed = name in rule["mutations"]
            elif parent.name == "Query":
                allowed = "queries" not in rule or name in rule["queries"]
            else:
                allowed = may_read(parent.name)
            if allowed and not graphql.is_leaf_type(named):
                allowed = may_read(named.name)
            if not allowed:
                refused.append(f"{parent.name}.{name}")
                return graphql.SKIP
            return None

    graphql.visit(document, graphql.TypeInfoVisitor(info, Visitor()))
    return refused


@pytest.mark.parametrize("name", EXPECTED)
def test_the_example_is_valid_for_the_committed_schema_and_its_role(name: str) -> None:
    example = BY_NAME[name]
    schema = _public_schema()
    document = graphql.parse(example.query)
    assert graphql.validate(schema, document) == [], name
    if example.role is None:
        return
    refused = refused_fields(schema, document, example.role)
    documented = example.response.get("errors", []) if example.expect_errors else []
    forbidden = [e["extensions"]["field"] for e in documented if e["extensions"]["code"] == "FORBIDDEN"]
    assert refused == forbidden, f"{name}: the policy refuses {refused} for {example.role}, documented {forbidden}"


# ------------------------------------------------------------------ against the stack
@dataclass
class Answer:
    status: int
    body: Any
    variables: dict[str, Any]


@dataclass
class Run:
    answers: dict[str, Answer]
    replacements: dict[str, str]


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
    """Every example, in the document's order, each with the ids earlier answers really held."""
    answers: dict[str, Answer] = {}
    replacements: dict[str, str] = {}
    with httpx.Client(timeout=30) as http:
        wait_for_the_demo_goals(stack, http)
        for example in EXAMPLES:
            variables = replace_ids(example.variables, replacements)
            response = http.post(
                stack.config.gateway_url,
                json={"query": example.query, "variables": variables},
                headers=headers_for(stack, example),
            )
            body = response.json()
            answers[example.name] = Answer(response.status_code, body, variables)
            if not example.expect_errors and example.status == 200:
                replacements |= id_replacements(example.response, body)
    yield Run(answers, replacements)


@pytest.mark.e2e
@pytest.mark.parametrize("name", EXPECTED)
def test_the_example_answers_as_documented(run: Run, name: str) -> None:
    example, answer = BY_NAME[name], run.answers[name]
    problems = answer_problems(example, answer.status, answer.body)
    assert not problems, f"{name} as {example.role}: " + "; ".join(problems)


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


@pytest.mark.e2e
def test_sending_the_hr_batch_again_changes_nothing(stack: Stack, run: Run) -> None:
    example = BY_NAME["hr-upsert"]
    again = httpx.post(
        stack.config.gateway_url,
        json={"query": example.query, "variables": run.answers["hr-upsert"].variables},
        headers=headers_for(stack, example),
        timeout=30,
    ).json()
    assert again == {"data": {"upsertEmployeeGoals": {"created": 0, "updated": 0, "unchanged": 2, "errors": []}}}
    assert DOC.read_text().count(json.dumps(again, ensure_ascii=False)) == 1  # as the document says


@pytest.mark.e2e
def test_the_hr_system_reads_back_what_it_sent(run: Run) -> None:
    sent = {g["externalId"]: g for g in run.answers["hr-upsert"].variables["goals"]}
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
    period = run.answers["namnd-goals"].variables["periodId"]
    periods = {p["id"]: p for p in run.answers["namnd-lookup"].body["data"]["periods"]}
    assert periods[period]["kind"] == "INTERIM"  # the delårsrapport, as documented
    goals = [e["node"] for e in run.answers["namnd-goals"].body["data"]["goals"]["edges"]]
    assert {g["level"] for g in goals} == {"CONCRETE", "OPERATIONAL"}
    for goal in goals:
        fulfilment = goal["fulfilment"]
        assert fulfilment["period"]["label"] == periods[period]["label"]
        assert fulfilment["explanation"]
    concrete = next(g for g in goals if g["level"] == "CONCRETE")
    assert concrete["fulfilment"]["basis"] == "ROLLED_UP" and len(concrete["fulfilment"]["contributors"]) == 2


def run_curl(stack: Stack, example: Example, variables: dict[str, Any], workdir: Path) -> Any:
    """The documented shell command, with this stack's address and a token of this stack's issuer."""
    assert example.curl is not None and example.role is not None
    (workdir / f"{example.name}.graphql").write_text(example.query + "\n")
    (workdir / f"{example.name}.json").write_text(json.dumps(variables, ensure_ascii=False))
    token = stack.token(example.role, sub=example.sub, org=example.org)
    script = re.sub(r"\$\(make -s token [^)]*\)", token, example.curl).replace(DOC_URL, stack.config.gateway_url)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=workdir, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.e2e
@pytest.mark.parametrize("name", EXPECTED[3:])
def test_the_curl_command_works(stack: Stack, run: Run, name: str, tmp_path: Path) -> None:
    example = BY_NAME[name]
    body = run_curl(stack, example, run.answers[name].variables, tmp_path)
    assert not body.get("errors"), body
    if example.exact and name != "hr-upsert":  # the batch was sent before: now all of it is unchanged
        assert body == example.response
    assert not shape_errors(example.response, body), shape_errors(example.response, body)
