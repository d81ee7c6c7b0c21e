"""One access policy, two enforcers that decide alike: the gateway (services/gateway/src/authz.ts) and
every subgraph (vsm_common.authz) refuse the same fields of the same operations for the same roles.

The policy is the subgraphs' @requiresScopes directives. Runs without a stack: the same operations go
through the Python walk here with the rules of the committed supergraph, and through the gateway's
TypeScript walk in node (with the gateway's own TypeScript loader) with the rules it reads from the
committed supergraph; and every field a subgraph declares is decided from the subgraph's own schema as
from the supergraph. The stack tests (test_authorization_matrix.py) check that each enforcer is really in the path.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import graphql
import pytest

from vsm_common import scopes
from vsm_common.authz import FEDERATION_FIELDS, ScopeRules, refused_fields
from vsm_followup.api.schema import schema as followup_schema
from vsm_goals.api.schema import schema as goals_schema
from vsm_planning.api.schema import schema as planning_schema

ROOT = Path(__file__).resolve().parents[1]
GATEWAY = ROOT / "services" / "gateway"
SCHEMA = GATEWAY / "schema.graphql"
SUPERGRAPH = GATEWAY / "supergraph.graphql"
SUBGRAPHS = [goals_schema._schema, planning_schema._schema, followup_schema._schema]

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
ROLE_SETS = [[role] for role in sorted(scopes.ROLES)] + [
    ["budget-system", "reader"],
    ["budget-system", "hr-system"],
    ["stranger"],
    [],
]

NODE_SCRIPT = """
import { register } from 'node:module';
import { readFileSync } from 'node:fs';
register('@graphql-hive/importer/hooks', import.meta.url);
const { ScopeRules } = await import('./src/authz.ts');
const { buildSchema, parse } = await import('graphql');
const input = JSON.parse(readFileSync(0, 'utf8'));
const schema = buildSchema(readFileSync(input.schema, 'utf8'));
const rules = ScopeRules.load(input.supergraph, (path) => readFileSync(path, 'utf8'));
const answers = input.cases.map(([roles, query]) => [...rules.refusedFields(schema, parse(query), roles).keys()]);
process.stdout.write(JSON.stringify(answers));
"""


def python_refusals(schema: graphql.GraphQLSchema, roles: list[str], query: str) -> list[str]:
    return list(refused_fields(schema, graphql.parse(query), frozenset(roles)))


@pytest.fixture(scope="module")
def gateway_refusals() -> dict[tuple[tuple[str, ...], str], list[str]]:
    cases = [[roles, query] for roles in ROLE_SETS for query in OPERATIONS]
    # Evaluated from the gateway's folder, so 'graphql' and './src/authz.ts' resolve as the gateway's own do.
    done = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SCRIPT],
        cwd=GATEWAY,
        input=json.dumps({"schema": str(SCHEMA), "supergraph": str(SUPERGRAPH), "cases": cases}),
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
    schema = graphql.build_schema(SUPERGRAPH.read_text())
    differ = [
        f"{list(roles)} {query}: gateway {gateway}, subgraphs {python_refusals(schema, list(roles), query)}"
        for (roles, query), gateway in gateway_refusals.items()
        if sorted(gateway) != sorted(python_refusals(schema, list(roles), query))
    ]
    assert not differ, "\n".join(differ)


def test_each_subgraph_decides_every_field_from_its_own_schema_as_the_supergraph_does() -> None:
    # A subgraph sees the fields it declares (directly or in an _entities selection): each of them, for
    # each role set, must be usable there exactly when the supergraph (the front door) lets it through.
    front_door = ScopeRules(graphql.build_schema(SUPERGRAPH.read_text()))
    role_sets = [frozenset(roles) for roles in ROLE_SETS] + [
        frozenset(pair) for pair in itertools.combinations(scopes.ROLES, 2)
    ]
    differ: list[str] = []
    for schema in SUBGRAPHS:
        own = ScopeRules(schema)
        for type_ in schema.type_map.values():
            if not isinstance(type_, graphql.GraphQLObjectType) or type_.name.startswith("_"):
                continue
            for name, field in type_.fields.items():
                if name in FEDERATION_FIELDS:
                    continue
                result = graphql.get_named_type(field.type).name
                differ += [
                    f"{type_.name}.{name} for {sorted(roles)}"
                    for roles in role_sets
                    if own.may_use(roles, type_.name, name, result)
                    != front_door.may_use(roles, type_.name, name, result)
                ]
    assert not differ, "\n".join(differ[:50])


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
