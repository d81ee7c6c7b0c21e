"""schemathesis in GraphQL mode against the front door (Hive Router): generated operations never make it fail.

The schema comes from the router's introspection (the development profile allows it). Every root field
is an operation; for each, schemathesis (hypothesis-graphql) generates documents with random arguments and
random selections, sent as a planner and as a reader (JSON POST with the role's token). Query arguments of
type ``ID`` are drawn partly from the ids of the demo data, so resolvers run on real rows and not only on
``id.format`` refusals. Mutations get random ids only, so they change nothing that exists; mutations that
create something from nothing (listed in ``CREATING_MUTATIONS``) are left out, or random organisations,
cycles and periods would change what the other tests of the session read.

Checks on every exchange: no 5xx; schemathesis' ``not_a_server_error`` (with vsm's client error codes
counted as client errors, see ``CLIENT_ERROR_CODES``); no masked internal error in a 200 answer; a
well-formed GraphQL response; negative cases (arguments of the wrong type) refused. And the access policy
(the committed supergraph's ``@requiresScopes``): a mutation the role's scopes do not allow never succeeds
and personal data never reaches a role that may not read it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
import schemathesis
from graphql import StringValueNode
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.graphql import nodes
from schemathesis.graphql.checks import GraphQLServerError

from vsm_common.authz import ScopeRules, satisfies
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
SUPERGRAPH = graphql.build_schema((ROOT / "services" / "gateway" / "supergraph.graphql").read_text())
RULES = ScopeRules(SUPERGRAPH)

ROLES = ("planner", "reader")
POSITIVE_EXAMPLES = 15  # per operation and role: about 25 s per role on 2 cores
NEGATIVE_EXAMPLES = 3
SEEDS = {"planner": 20261127, "reader": 20261128}  # reproducible, and not the same documents for both roles

CREATING_MUTATIONS = frozenset(
    {"registerOrganization", "createGoal", "openCycle", "definePeriods", "defineIndicator", "importKolada"}
)
# Errors that say the request was refused, not that the server failed: vsm's own codes (vsm_common.errors,
# the subgraphs' authentication) and the router's validation, limits and access policy (docs/api.md).
CLIENT_ERROR_CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "CONFLICT",
        "FORBIDDEN",
        "UNAUTHENTICATED",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "MAX_DEPTH_EXCEEDED",
        "MAX_ALIASES_EXCEEDED",
        "TOKEN_LIMIT_EXCEEDED",
        "COST_ESTIMATED_TOO_EXPENSIVE",
        "UNAUTHORIZED_FIELD_OR_TYPE",
    }
)
POLICY_REFUSAL = "UNAUTHORIZED_FIELD_OR_TYPE"  # the router's 403 for what @requiresScopes denies
MASKED_MESSAGES = ("Unexpected error.", "Internal error")
PERSONAL_FIELDS = frozenset({"employeeGoals", "employeeDataExport"})  # fields whose type is personal data


# ------------------------------------------------------------------ scalars
class IdPool:
    """Where ``ID`` arguments come from: the demo data's ids for queries, none for mutations."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def node(self, index: int) -> StringValueNode:
        return nodes.String(self.ids[index % len(self.ids)] if self.ids else str(uuid.UUID(int=index)))


ID_POOL = IdPool()
schemathesis.graphql.scalar(
    "ID",
    st.one_of(
        st.integers(min_value=0, max_value=2**31).map(ID_POOL.node),
        st.uuids().map(lambda u: nodes.String(str(u))),
        st.text(max_size=40).map(nodes.String),
    ),
)
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(min_value=-(10**13), max_value=10**13, places=2).map(lambda d: nodes.String(str(d))),
        st.integers().map(nodes.Int),
        st.sampled_from(["NaN", "Infinity", "-0", "1e400", "1E-400", "", "12,5", " 20.38 ", "0x10"]).map(nodes.String),
    ),
)
# Date and DateTime: schemathesis' own strategies (ISO 8601 strings).


# ------------------------------------------------------------------ one run per role
@dataclass
class Exchange:
    role: str
    operation: str
    negative: bool
    body: dict[str, Any]
    status: int
    content_type: str
    answer: Any  # the parsed JSON, or the text when it is not JSON
    failures: list[str] = field(default_factory=list)

    @property
    def field_name(self) -> str:
        return self.operation.split(".", 1)[1]

    @property
    def is_mutation(self) -> bool:
        return self.operation.startswith("Mutation.")

    def errors(self) -> list[dict[str, Any]]:
        errors = self.answer.get("errors") if isinstance(self.answer, dict) else None
        return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []

    def codes(self) -> list[str | None]:
        return [(e.get("extensions") or {}).get("code") for e in self.errors()]

    def report(self, url: str, why: str) -> str:
        answer = json.dumps(self.answer, ensure_ascii=False) if not isinstance(self.answer, str) else self.answer
        return (
            f"{self.role} {self.operation} -> HTTP {self.status}: {'; '.join(self.failures) or why}\n"
            f'  request: curl -sS {url} -H "authorization: Bearer $(make -s token ROLE={self.role})" '
            f"-H 'content-type: application/json' --data-binary {_shell_quote(json.dumps(self.body))}\n"
            f"  answer:  {answer[:1500]}"
        )


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@dataclass
class FuzzRun:
    role: str
    url: str
    operations: list[str]
    skipped: list[str]
    exchanges: list[Exchange]
    seconds: float

    def reports(self, select: Callable[[Exchange], bool], why: str) -> str:
        found = [e for e in self.exchanges if select(e)]
        shown = "\n".join(e.report(self.url, why) for e in found[:10])
        return f"{len(found)} of {len(self.exchanges)} exchange(s) as {self.role}:\n{shown}"


def _judge(case: schemathesis.Case[Any], response: schemathesis.Response) -> list[str]:
    """schemathesis' not_a_server_error, with vsm's client error codes taken as client errors."""
    try:
        case.validate_response(response, checks=[not_a_server_error])
    except BaseException as raised:  # a Failure, or a FailureGroup of them
        failures = list(raised.exceptions) if isinstance(raised, BaseExceptionGroup) else [raised]
        found = []
        for failure in failures:
            if isinstance(failure, GraphQLServerError) and all(
                (error.get("extensions") or {}).get("code") in CLIENT_ERROR_CODES for error in failure.errors
            ):
                continue
            found.append(f"not_a_server_error: {getattr(failure, 'title', type(failure).__name__)}")
        return found
    return []


def _parse(response: schemathesis.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.content.decode(errors="replace")


def _generate(
    operation: APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    examples: int,
    role: str,
    headers: dict[str, str],
    exchanges: list[Exchange],
) -> None:
    """Send ``examples`` generated documents of one operation and record each exchange."""

    @seed(SEEDS[role])
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # nothing is raised, so nothing to shrink
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(mode))
    def exchange(case: schemathesis.Case[Any]) -> None:
        response = case.call(headers=headers, timeout=30)
        negative = case.meta is not None and case.meta.generation.mode.is_negative
        body = case.body if isinstance(case.body, dict) else {"query": str(case.body)}
        content_type = response.headers.get("content-type", [""])[0]
        exchanges.append(
            Exchange(
                role,
                operation.label,
                negative,
                body,
                response.status_code,
                content_type,
                _parse(response),
                _judge(case, response),
            )
        )

    exchange()


def fuzz(stack: Stack, role: str, ids: list[str]) -> FuzzRun:
    url = stack.config.gateway_url
    headers = stack.auth_headers(role)
    started = time.monotonic()
    schema = schemathesis.graphql.from_url(url, headers=headers, timeout=30)
    operations: list[str] = []
    skipped: list[str] = []
    exchanges: list[Exchange] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"schemathesis cannot test an operation: {result.err()}"
        operation = result.ok()
        is_mutation = operation.label.startswith("Mutation.")
        if is_mutation and operation.label.split(".", 1)[1] in CREATING_MUTATIONS:
            skipped.append(operation.label)
            continue
        operations.append(operation.label)
        ID_POOL.ids = [] if is_mutation else ids
        _generate(operation, GenerationMode.POSITIVE, POSITIVE_EXAMPLES, role, headers, exchanges)
        _generate(operation, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, role, headers, exchanges)
    return FuzzRun(role, url, operations, skipped, exchanges, time.monotonic() - started)


def demo_ids(stack: Stack) -> list[str]:
    """Every id the demo data shows a planner: organisations, goals, cycles, directives, plans, periods, ..."""
    query = """{ organizations { id } goals(first: 200) { edges { node { id actions { id } } } }
      cycles { id operationalPlans { id } directives { id assignments { id } } } periods { id } indicators { id } }"""
    answer = httpx.post(
        stack.config.gateway_url, json={"query": query}, headers=stack.auth_headers("planner"), timeout=30
    )
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "id" and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(answer.json()["data"])
    return sorted(found)


@pytest.fixture(scope="module")
def runs(stack: Stack) -> Iterator[Callable[[str], FuzzRun]]:
    ids = demo_ids(stack)
    assert len(ids) > 30, "the demo data should be seeded"
    done: dict[str, FuzzRun] = {}

    def run(role: str) -> FuzzRun:
        if role not in done:
            done[role] = fuzz(stack, role, ids)
        return done[role]

    yield run
    ID_POOL.ids = []


# ------------------------------------------------------------------ the checks
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_is_exercised(runs: Callable[[str], FuzzRun], role: str) -> None:
    run = runs(role)
    assert sorted(name.split(".", 1)[1] for name in run.skipped) == sorted(CREATING_MUTATIONS)
    assert len(run.operations) >= 45, run.operations  # 21 queries and 34 mutations at the time of writing
    per_operation = Counter(e.operation for e in run.exchanges)
    assert set(per_operation) == set(run.operations)
    assert sum(per_operation.values()) >= len(run.operations) * 5
    answered = Counter(e.operation for e in run.exchanges if not e.negative and not e.errors())
    # Queries do run: most of them answer some generated documents without any error.
    queries = [op for op in run.operations if op.startswith("Query.")]
    assert sum(1 for op in queries if answered[op]) >= len(queries) * 2 // 3, answered


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error(runs: Callable[[str], FuzzRun], role: str) -> None:
    run = runs(role)
    failed = [e for e in run.exchanges if e.status >= 500 or e.failures]
    assert not failed, run.reports(lambda e: e.status >= 500 or bool(e.failures), "server error")


@pytest.mark.parametrize("role", ROLES)
def test_no_internal_error_hides_in_a_200(runs: Callable[[str], FuzzRun], role: str) -> None:
    run = runs(role)

    def internal(e: Exchange) -> bool:
        return any(
            error.get("message") in MASKED_MESSAGES or (error.get("extensions") or {}).get("code") == "INTERNAL"
            for error in e.errors()
        )

    assert not any(internal(e) for e in run.exchanges), run.reports(internal, "an internal error in a 200 answer")


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_is_a_graphql_response(runs: Callable[[str], FuzzRun], role: str) -> None:
    run = runs(role)

    def malformed(e: Exchange) -> bool:
        if not e.content_type.startswith("application/json") or not isinstance(e.answer, dict):
            return True
        # 200, or 403 when the router refuses the operation by the access policy (and only then)
        if e.status != 200 and not (e.status == 403 and e.codes() and set(e.codes()) == {POLICY_REFUSAL}):
            return True
        if not ({"data", "errors"} & set(e.answer)) or not set(e.answer) <= {"data", "errors", "extensions"}:
            return True
        return any(not isinstance(error.get("message"), str) for error in e.errors())

    assert not any(malformed(e) for e in run.exchanges), run.reports(malformed, "not a GraphQL response over JSON")


@pytest.mark.parametrize("role", ROLES)
def test_arguments_of_the_wrong_type_are_refused(runs: Callable[[str], FuzzRun], role: str) -> None:
    run = runs(role)
    negatives = [e for e in run.exchanges if e.negative]
    assert len(negatives) >= len(run.operations)

    def accepted(e: Exchange) -> bool:
        return e.negative and (not e.errors() or (isinstance(e.answer, dict) and e.answer.get("data") is not None))

    assert not any(accepted(e) for e in run.exchanges), run.reports(
        accepted, "arguments of the wrong type were accepted"
    )


def _personal_data(node: Any) -> bool:
    if isinstance(node, dict):
        return any(
            (key in PERSONAL_FIELDS and value is not None) or _personal_data(value) for key, value in node.items()
        )
    if isinstance(node, list):
        return any(_personal_data(value) for value in node)
    return False


@pytest.mark.parametrize("role", ROLES)
def test_the_access_policy_holds_under_fuzzing(runs: Callable[[str], FuzzRun], role: str) -> None:
    """Needs the policy's enforcement (the router's @requiresScopes and the subgraphs' checks)."""
    run = runs(role)
    roles = frozenset({role})
    assert SUPERGRAPH.mutation_type is not None
    # A mutation without a rule counts as allowed to nobody: the fuzzing then shows it let through.
    allowed = {m for m in SUPERGRAPH.mutation_type.fields if satisfies(roles, RULES.fields.get(f"Mutation.{m}", ()))}
    reads_personal = satisfies(roles, RULES.types["EmployeeGoal"])

    def breach(e: Exchange) -> bool:
        data = e.answer.get("data") if isinstance(e.answer, dict) else None
        if not isinstance(data, dict):
            return False
        if e.is_mutation and e.field_name not in allowed and data.get(e.field_name) is not None:
            return True
        return not reads_personal and _personal_data(data)

    assert not any(breach(e) for e in run.exchanges), run.reports(
        breach, f"a mutation or personal data that {role} may not have (@requiresScopes)"
    )
