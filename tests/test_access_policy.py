"""One access policy, two enforcers that decide alike: the front door (Hive Router, reading the
supergraph's @requiresScopes) and every subgraph (vsm_common.authz) refuse the same fields of the same
operations for the same roles.

The policy is the subgraphs' @requiresScopes directives. Without a stack: every field a subgraph declares
is decided from the subgraph's own schema as from the supergraph. With the stack (e2e): the same
operations, for every role set, go through the stack's router, whose refusals (403
UNAUTHORIZED_FIELD_OR_TYPE, by response path) must be the fields the Python walk refuses with the
committed supergraph's rules. test_authorization_matrix.py checks the role x operation matrix itself.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import graphql
import httpx
import pytest

from vsm_common import scopes
from vsm_common.authz import FEDERATION_FIELDS, ScopeRules, refused_fields
from vsm_dev.stack import Stack
from vsm_followup.api.schema import schema as followup_schema
from vsm_goals.api.schema import schema as goals_schema
from vsm_planning.api.schema import schema as planning_schema

ROOT = Path(__file__).resolve().parents[1]
GATEWAY = ROOT / "services" / "gateway"
SUPERGRAPH = GATEWAY / "supergraph.graphql"
SUBGRAPHS = [goals_schema._schema, planning_schema._schema, followup_schema._schema]

OPERATIONS = [
    "{ directives { id taxRate budgetFrames { year amount organization { code } } } }",
    "{ directives { recipients { code budgetFrames(year: 2027) { year amount directive { id } } } } }",
    "{ directives { concreteGoals { id title level state description validFrom validTo organizations { code } } } }",
    "{ directives { concreteGoals { adopted { date body { code } } retired { date } } "
    "assignments { id overdue recipients { code } } } }",
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


def python_refusals(schema: graphql.GraphQLSchema, roles: list[str], query: str) -> list[str]:
    return list(refused_fields(schema, graphql.parse(query), frozenset(roles)))


def coordinates_by_response_path(schema: graphql.GraphQLSchema, query: str) -> dict[str, str]:
    """Every field of ``query`` by the path Hive Router names in ``affectedPath`` (response keys joined by
    dots, fragments left out), to its coordinate (``Goal.employeeGoals``)."""
    document = graphql.parse(query)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)}
    found: dict[str, str] = {}

    def walk(selections: graphql.SelectionSetNode, parent: graphql.GraphQLObjectType, prefix: str) -> None:
        for node in selections.selections:
            if isinstance(node, graphql.FieldNode):
                name = node.name.value
                if name.startswith("__"):
                    continue
                path = ".".join(filter(None, (prefix, node.alias.value if node.alias else name)))
                found[path] = f"{parent.name}.{name}"
                result = graphql.get_named_type(parent.fields[name].type)
                if node.selection_set and isinstance(result, graphql.GraphQLObjectType):
                    walk(node.selection_set, result, path)
            elif isinstance(node, graphql.InlineFragmentNode):
                condition = schema.get_type(node.type_condition.name.value) if node.type_condition else parent
                assert isinstance(condition, graphql.GraphQLObjectType)
                walk(node.selection_set, condition, prefix)
            elif isinstance(node, graphql.FragmentSpreadNode):
                fragment = fragments[node.name.value]
                condition = schema.get_type(fragment.type_condition.name.value)
                assert isinstance(condition, graphql.GraphQLObjectType)
                walk(fragment.selection_set, condition, prefix)

    for definition in document.definitions:
        if isinstance(definition, graphql.OperationDefinitionNode):
            root = schema.mutation_type if definition.operation.value == "mutation" else schema.query_type
            assert root is not None
            walk(definition.selection_set, root, "")
    return found


def token_with_roles(stack: Stack, roles: list[str]) -> str:
    """A development token whose ``vsm_roles`` are exactly ``roles`` (none, or one no rule names)."""
    assert stack.issuer is not None
    claims = stack.issuer.claims("reader")
    claims["vsm_roles"] = roles
    org = "BUN" if "committee" in roles else "BUF-CENTRUM" if "manager" in roles else None
    if org:
        claims["vsm_org"] = org
    return stack.issuer.sign(claims)


@pytest.fixture(scope="module")
def router_refusals(stack: Stack) -> dict[tuple[tuple[str, ...], str], list[str]]:
    """What the front door (Hive Router, from the supergraph's @requiresScopes) refuses, by coordinate:
    each OPERATIONS × ROLE_SETS sent to the stack's router, its UNAUTHORIZED_FIELD_OR_TYPE errors' paths
    mapped back to coordinates, and any field a subgraph refuses by its own walk (FORBIDDEN access.field)."""
    schema = graphql.build_schema(SUPERGRAPH.read_text())
    answers: dict[tuple[tuple[str, ...], str], list[str]] = {}
    with httpx.Client(timeout=60) as http:
        for roles in ROLE_SETS:
            headers = {"authorization": f"Bearer {token_with_roles(stack, roles)}"}
            for query in OPERATIONS:
                response = http.post(stack.config.gateway_url, json={"query": query}, headers=headers)
                body = response.json()
                paths = coordinates_by_response_path(schema, query)
                refused: list[str] = []
                for error in body.get("errors") or []:
                    extensions = error.get("extensions") or {}
                    if extensions.get("code") == "UNAUTHORIZED_FIELD_OR_TYPE":
                        # Reject mode: the whole operation is refused before any subgraph, without data.
                        assert response.status_code == 403 and "data" not in body, (roles, query, body)
                        refused.append(paths[extensions["affectedPath"]])
                    elif extensions.get("code") == "FORBIDDEN" and extensions.get("rule") == "access.field":
                        refused.append(extensions["field"])
                answers[(tuple(roles), query)] = list(dict.fromkeys(refused))
    return answers


@pytest.mark.e2e
def test_the_router_and_the_subgraphs_refuse_the_same_fields(
    router_refusals: dict[tuple[tuple[str, ...], str], list[str]],
) -> None:
    schema = graphql.build_schema(SUPERGRAPH.read_text())
    differ = [
        f"{list(roles)} {query}: router {router}, subgraphs {python_refusals(schema, list(roles), query)}"
        for (roles, query), router in router_refusals.items()
        if sorted(router) != sorted(python_refusals(schema, list(roles), query))
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


@pytest.mark.e2e
def test_the_budget_system_reads_a_goals_own_fields_and_nothing_personal(
    router_refusals: dict[tuple[tuple[str, ...], str], list[str]],
) -> None:
    def refused(query: str, roles: tuple[str, ...] = ("budget-system",)) -> list[str]:
        return sorted(router_refusals[(roles, query)])  # in the router's order, which normalisation may change

    for allowed in OPERATIONS[:4]:
        assert refused(allowed) == [], allowed
    assert refused(OPERATIONS[4]) == ["Goal.employeeGoals"]
    assert refused(OPERATIONS[5]) == ["Goal.employeeGoals"]  # through an inline fragment and an alias
    assert refused(OPERATIONS[6]) == ["Goal.fulfilment", "Goal.parents"]
    assert refused(OPERATIONS[7]) == ["Goal.children", "Goal.plans", "Goal.revisions", "Goal.themes"]
    assert refused(OPERATIONS[8]) == ["Directive.cycle"]
    assert refused(OPERATIONS[9]) == ["Organization.operationalPlan"]
    assert refused(OPERATIONS[11]) == ["Query.employeeGoals"]
    # A field list binds only its own role: with the reader's role too, a goal's links are readable;
    # medarbetarmål stay refused unless a role reads personal data.
    assert refused(OPERATIONS[6], ("budget-system", "reader")) == []
    assert refused(OPERATIONS[4], ("budget-system", "reader")) == ["Goal.employeeGoals"]
