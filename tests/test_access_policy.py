"""One access policy, two enforcers that decide alike: the gateway (services/gateway/src/authz.ts) and
every subgraph (vsm_common.authz) refuse the same fields of the same operations for the same roles.

Runs without a stack: the same operations go through the Python policy here and through the gateway's
TypeScript policy in node (with the gateway's own TypeScript loader), both against the committed API
schema. The stack tests (test_authorization_matrix.py) check that each enforcer is really in the path.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import graphql
import pytest

from vsm_common.authz import AccessPolicy, refused_fields

ROOT = Path(__file__).resolve().parents[1]
GATEWAY = ROOT / "services" / "gateway"
SCHEMA = GATEWAY / "schema.graphql"
POLICY = AccessPolicy.load()

OPERATIONS = [
    "{ directives { id taxRate budgetFrames { year amount organization { code } } } }",
    "{ directives { recipients { code budgetFrames(year: 2027) { year amount directive { id } } } } }",
    "{ directives { concreteGoals { id title level state description validFrom validTo organizations { code } } } }",
    "{ directives { concreteGoals { adopted { date body { code } } } assignments { id recipients { code } } } }",
    "{ directives { concreteGoals { id employeeGoals { totalCount } } } }",
    "{ directives { concreteGoals { ... on Goal { mine: employeeGoals { edges { node { employeeRef } } } } } } }",
    "query { directives { concreteGoals { ...G } } } fragment G on Goal { parents { id } fulfilment { status } }",
    "{ directives { concreteGoals { children { id } plans { id } revisions { number } themes { name } } } }",
    "{ directives { cycle { id } goalEstablishment { state refusals { goalId } } } }",
    '{ directive(id: "x") { recipients { operationalPlan { id } directives { id } } } }',
    "{ goals(first: 1) { edges { node { id title } } } }",
    "{ employeeGoals(first: 1) { totalCount } }",
    "{ organizations { code } periods { id } vision { title } }",
    'mutation { upsertEmployeeGoals(sourceSystem: "x", goals: []) { created } }',
    'mutation { setTaxRate(directiveId: "x", rate: "1") { id } }',
]
ROLE_SETS = [[role] for role in sorted(POLICY.roles)] + [
    ["budget-system", "reader"],
    ["budget-system", "hr-system"],
    [],
]

NODE_SCRIPT = """
import { register } from 'node:module';
import { readFileSync } from 'node:fs';
register('@graphql-hive/importer/hooks', import.meta.url);
const { AccessPolicy, policyPath } = await import('./src/authz.ts');
const { buildSchema, parse } = await import('graphql');
const input = JSON.parse(readFileSync(0, 'utf8'));
const schema = buildSchema(readFileSync(input.schema, 'utf8'));
const policy = AccessPolicy.load(policyPath());
const answers = input.cases.map(([roles, query]) => [...policy.refusedFields(schema, parse(query), roles).keys()]);
process.stdout.write(JSON.stringify(answers));
"""


def python_refusals(schema: graphql.GraphQLSchema, roles: list[str], query: str) -> list[str]:
    return list(refused_fields(schema, graphql.parse(query), POLICY, frozenset(roles)))


@pytest.fixture(scope="module")
def gateway_refusals() -> dict[tuple[tuple[str, ...], str], list[str]]:
    cases = [[roles, query] for roles in ROLE_SETS for query in OPERATIONS]
    # Evaluated from the gateway's folder, so 'graphql' and './src/authz.ts' resolve as the gateway's own do.
    done = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SCRIPT],
        cwd=GATEWAY,
        input=json.dumps({"schema": str(SCHEMA), "cases": cases}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    return {(tuple(roles), query): answer for (roles, query), answer in zip(cases, answers, strict=True)}


def test_the_gateway_and_the_subgraphs_refuse_the_same_fields(
    gateway_refusals: dict[tuple[tuple[str, ...], str], list[str]],
) -> None:
    schema = graphql.build_schema(SCHEMA.read_text())
    differ = [
        f"{list(roles)} {query}: gateway {gateway}, subgraphs {python_refusals(schema, list(roles), query)}"
        for (roles, query), gateway in gateway_refusals.items()
        if sorted(gateway) != sorted(python_refusals(schema, list(roles), query))
    ]
    assert not differ, "\n".join(differ)


def test_the_budget_system_reads_a_goals_own_fields_and_nothing_personal(
    gateway_refusals: dict[tuple[tuple[str, ...], str], list[str]],
) -> None:
    def refused(query: str, roles: tuple[str, ...] = ("budget-system",)) -> list[str]:
        return gateway_refusals[(roles, query)]

    for allowed in OPERATIONS[:4]:
        assert refused(allowed) == [], allowed
    assert refused(OPERATIONS[4]) == ["Goal.employeeGoals"]
    assert refused(OPERATIONS[5]) == ["Goal.employeeGoals"]  # through an inline fragment and an alias
    assert refused(OPERATIONS[6]) == ["Goal.parents", "Goal.fulfilment"]
    assert refused(OPERATIONS[7]) == ["Goal.children", "Goal.plans", "Goal.revisions", "Goal.themes"]
    assert refused(OPERATIONS[8]) == ["Directive.cycle"]
    assert refused(OPERATIONS[9]) == ["Organization.operationalPlan"]
    assert refused(OPERATIONS[11]) == ["Query.employeeGoals"]
    # A field list binds only its own role: with the reader's role too, a goal's links are readable;
    # medarbetarmål stay refused unless a role reads personal data.
    assert refused(OPERATIONS[6], ("budget-system", "reader")) == []
    assert refused(OPERATIONS[4], ("budget-system", "reader")) == ["Goal.employeeGoals"]
