"""The access policy as the three subgraphs declare it: ``@requiresScopes`` on their types and fields.

Composition ANDs the type rules a type gets in each subgraph that declares it, so an entity (Goal,
Organization, Decision, ...) or shareable type (RowError, PageInfo) must carry the same type rule
everywhere, or a role would silently lose it at the front door. Every object type and every mutation
must carry a rule at all: a caller with no known role must be refused everything.
"""

from __future__ import annotations

from collections import defaultdict

import graphql
import pytest
import strawberry

from vsm_common import scopes
from vsm_common.auth import Principal
from vsm_common.authz import ScopeRules, acting_organization, refused_fields
from vsm_common.errors import Forbidden
from vsm_followup.api.schema import schema as followup_schema
from vsm_goals.api.schema import schema as goals_schema
from vsm_planning.api.schema import schema as planning_schema

SUBGRAPHS: dict[str, strawberry.federation.Schema] = {
    "goals": goals_schema,
    "planning": planning_schema,
    "followup": followup_schema,
}
ROOTS = {"Query", "Mutation"}
FEDERATION_TYPES = {"_Service"}  # federation's own; _service is open so the router can compose


def _type_rules_in_sdl(sdl: str) -> dict[str, list[list[list[str]]]]:
    """Each object type's @requiresScopes arguments, as the subgraph's SDL prints them."""
    found: dict[str, list[list[list[str]]]] = {}
    for definition in graphql.parse(sdl).definitions:
        if isinstance(definition, graphql.ObjectTypeDefinitionNode | graphql.ObjectTypeExtensionNode):
            found[definition.name.value] = [
                graphql.value_from_ast_untyped(arg.value)
                for directive in definition.directives or ()
                if directive.name.value == "requiresScopes"
                for arg in directive.arguments or ()
            ]
    return found


def test_a_type_declared_in_several_subgraphs_carries_the_same_rule_in_each() -> None:
    by_type: dict[str, dict[str, list[list[list[str]]]]] = defaultdict(dict)
    for name, schema in SUBGRAPHS.items():
        for type_name, rules in _type_rules_in_sdl(schema.as_str()).items():
            if type_name not in ROOTS | FEDERATION_TYPES:
                by_type[type_name][name] = rules
    shared = {type_name: rules for type_name, rules in by_type.items() if len(rules) > 1}
    assert {"Goal", "Organization", "Decision", "RowError"} <= set(shared)
    differ = {
        type_name: rules
        for type_name, rules in shared.items()
        if len({repr(rule) for rule in rules.values()}) > 1 or any(len(rule) != 1 for rule in rules.values())
    }
    assert not differ, f"type rules differ between subgraphs (composition would AND them): {differ}"


@pytest.mark.parametrize("name", SUBGRAPHS)
def test_every_object_type_and_mutation_has_a_rule(name: str) -> None:
    schema = SUBGRAPHS[name]._schema
    rules = ScopeRules(schema)
    objects = {
        t.name
        for t in schema.type_map.values()
        if isinstance(t, graphql.GraphQLObjectType) and not t.name.startswith("__")
    }
    assert objects - ROOTS - FEDERATION_TYPES - set(rules.types) == set()
    mutation = schema.mutation_type
    assert mutation is not None
    assert {f"Mutation.{field}" for field in mutation.fields} - set(rules.fields) == set()
    # Nobody without a known role gets anything but __typename and federation's own fields.
    for type_name in objects - ROOTS - FEDERATION_TYPES:
        assert not rules.may_use(frozenset({"stranger"}), type_name, "id", "ID")


def test_the_type_rules_are_the_declared_scope_sets() -> None:
    rules = ScopeRules(goals_schema._schema)
    assert rules.types["Goal"] == tuple(frozenset(group) for group in scopes.ALL)
    assert rules.types["EmployeeGoal"] == tuple(frozenset(group) for group in scopes.PERSONAL)
    assert rules.types["Vision"] == tuple(frozenset(group) for group in scopes.PUBLIC)
    assert rules.fields["Mutation.upsertEmployeeGoals"] == tuple(frozenset(group) for group in scopes.HR_SYSTEM)
    assert "Query.directives" not in ScopeRules(planning_schema._schema).fields  # the budget system's query


def test_the_walk_takes_each_rule_from_the_schema() -> None:
    schema = planning_schema._schema
    budget = frozenset({scopes.BUDGET_SYSTEM_ROLE})
    query = "{ directives { concreteGoals { id title ... on Goal { x: plans { id } } } cycle { id } } }"
    assert list(refused_fields(schema, graphql.parse(query), budget)) == ["Goal.plans", "Directive.cycle"]
    assert refused_fields(schema, graphql.parse(query), budget | {scopes.READER_ROLE}) == {}
    entities = '{ _entities(representations: [{__typename: "Goal", id: "x"}]) { ... on Goal { plans { id } } } }'
    assert list(refused_fields(schema, graphql.parse(entities), budget)) == ["Goal.plans"]
    assert list(refused_fields(schema, graphql.parse("{ cycles { id } }"), frozenset())) == ["Query.cycles"]


def test_a_named_fragment_is_judged_where_it_is_spread_as_the_front_door_judges_it() -> None:
    schema = planning_schema._schema
    budget = frozenset({scopes.BUDGET_SYSTEM_ROLE})
    spread = "query { directives { concreteGoals { ...G } } } fragment G on Goal { id plans { id } }"
    assert list(refused_fields(schema, graphql.parse(spread), budget)) == ["Goal.plans"]
    # Under a refused field the fragment is refused with it: one refusal, the field's.
    assert list(refused_fields(schema, graphql.parse(spread), frozenset())) == ["Query.directives"]
    # A fragment defined and never spread selects nothing.
    unused = "query { directives { id } } fragment G on Goal { plans { id } }"
    assert refused_fields(schema, graphql.parse(unused), budget) == {}
    twice = "query { directives { concreteGoals { ...G children { ...G } } } } fragment G on Goal { plans { id } }"
    assert list(refused_fields(schema, graphql.parse(twice), budget)) == ["Goal.plans"]


def test_a_mutation_acts_for_every_organisation_unless_only_an_organisation_scoped_role_allows_it() -> None:
    planner = Principal("p", frozenset({"planner"}))
    committee = Principal("c", frozenset({"committee"}), organization="BUN")
    both = Principal("b", frozenset({"planner", "committee"}), organization="BUN")
    assert scopes.ORGANIZATION_SCOPED_ROLES == {"committee"}
    assert acting_organization(planner, "submitPlan", scopes.PLANNER_OR_COMMITTEE) is None
    assert acting_organization(committee, "submitPlan", scopes.PLANNER_OR_COMMITTEE) == "BUN"
    assert acting_organization(both, "submitPlan", scopes.PLANNER_OR_COMMITTEE) is None
    with pytest.raises(Forbidden, match="returnPlan: not allowed for committee"):
        acting_organization(committee, "returnPlan", scopes.PLANNER)
    with pytest.raises(Forbidden, match="no organisation"):
        acting_organization(Principal("c", frozenset({"committee"})), "assessGoal", scopes.COMMITTEE)
    with pytest.raises(Forbidden, match="not allowed for no role"):
        acting_organization(Principal("x", frozenset()), "assessGoal", [])
