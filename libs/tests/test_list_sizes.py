"""Every page of a list tells the front door how big it is: ``@listSize`` on each field with a ``first`` argument.

Hive Router's cost limit counts a list as ``demand_control.default_list_size`` (10) items unless the field's
``@listSize`` names the argument that sizes it, so without the directive ``goals(first: 1000)`` costs what
``goals(first: 1)`` costs. A connection added later without ``directives=cost.PAGE`` fails here, both in
the subgraph's own SDL and in the committed supergraph the router plans from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphql
import pytest
import strawberry

from vsm_common import cost
from vsm_followup.api.schema import schema as followup_schema
from vsm_goals.api.schema import schema as goals_schema
from vsm_planning.api.schema import schema as planning_schema

SUPERGRAPH = Path(__file__).resolve().parents[2] / "services" / "gateway" / "supergraph.graphql"
SUBGRAPHS: dict[str, strawberry.federation.Schema] = {
    "goals": goals_schema,
    "planning": planning_schema,
    "followup": followup_schema,
}
# The connections there are today; the test below finds them by their `first` argument, not by this list.
CONNECTIONS = {"Query.goals", "Query.employeeGoals", "Goal.employeeGoals"}

ObjectNode = graphql.ObjectTypeDefinitionNode | graphql.ObjectTypeExtensionNode


def _paged_fields(document: graphql.DocumentNode) -> dict[str, graphql.FieldDefinitionNode]:
    """Every field taking a `first` argument, by coordinate (``Type.field``)."""
    return {
        f"{definition.name.value}.{field.name.value}": field
        for definition in document.definitions
        if isinstance(definition, ObjectNode)
        for field in definition.fields or ()
        if any(argument.name.value == "first" for argument in field.arguments or ())
    }


def _list_sizes(field: graphql.FieldDefinitionNode) -> list[dict[str, Any]]:
    return [
        {argument.name.value: graphql.value_from_ast_untyped(argument.value) for argument in directive.arguments or ()}
        for directive in field.directives or ()
        if directive.name.value == "listSize"
    ]


def _problems(fields: dict[str, graphql.FieldDefinitionNode]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for coordinate, field in fields.items():
        sizes = _list_sizes(field)
        arguments = {argument.name.value for argument in field.arguments or ()}
        if len(sizes) != 1:
            problems[coordinate] = f"{len(sizes)} @listSize"
            continue
        (size,) = sizes
        slicing = size.get("slicingArguments") or []
        if "first" not in slicing or ("last" in arguments) != ("last" in slicing) or not set(slicing) <= arguments:
            problems[coordinate] = f"slicingArguments {slicing} for arguments {sorted(arguments)}"
        elif size.get("sizedFields") != cost.SIZED_FIELDS:
            problems[coordinate] = f"sizedFields {size.get('sizedFields')}"
        elif size.get("requireOneSlicingArgument") is not False:
            # The directive's default (true) makes the router refuse a page asked without first or last.
            problems[coordinate] = "requireOneSlicingArgument is not false"
        elif "assumedSize" in size:
            # An assumed size overrides `first` in the router's estimate.
            problems[coordinate] = f"assumedSize {size['assumedSize']}"
    return problems


def _imports(document: graphql.DocumentNode) -> list[str]:
    return [
        name
        for definition in document.definitions
        if isinstance(definition, graphql.SchemaDefinitionNode | graphql.SchemaExtensionNode)
        for directive in definition.directives or ()
        if directive.name.value == "link"
        for argument in directive.arguments or ()
        if argument.name.value == "import"
        for name in graphql.value_from_ast_untyped(argument.value)
    ]


@pytest.mark.parametrize("name", SUBGRAPHS)
def test_every_field_with_a_first_argument_says_first_sizes_its_edges(name: str) -> None:
    document = graphql.parse(SUBGRAPHS[name].as_str())
    paged = _paged_fields(document)
    assert _problems(paged) == {}
    if paged:
        # strawberry links federation's @listSize only when a field uses it; composition needs the import.
        assert "@listSize" in _imports(document)


def test_the_connections_known_today_are_found() -> None:
    found = {c for schema in SUBGRAPHS.values() for c in _paged_fields(graphql.parse(schema.as_str()))}
    assert found >= CONNECTIONS


def test_the_committed_supergraph_carries_them_for_the_router() -> None:
    document = graphql.parse(SUPERGRAPH.read_text())
    paged = _paged_fields(document)
    assert set(paged) >= CONNECTIONS
    assert _problems(paged) == {}
    # The router reads the directive by its plain name, linked from the cost spec (not federation__listSize).
    links = [
        graphql.print_ast(directive)
        for definition in document.definitions
        if isinstance(definition, graphql.SchemaDefinitionNode)
        for directive in definition.directives or ()
        if directive.name.value == "link"
    ]
    assert any("specs.apollo.dev/cost/" in link and '"@listSize"' in link for link in links), links


def test_the_checks_find_a_connection_without_its_size() -> None:
    document = graphql.parse(
        """type Query {
          bare(first: Int, last: Int): C
          firstOnly(first: Int, last: Int): C @listSize(slicingArguments: ["first"], sizedFields: ["edges"],
            requireOneSlicingArgument: false)
          strict(first: Int): C @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
          fixed(first: Int): C @listSize(assumedSize: 5, slicingArguments: ["first"], sizedFields: ["edges"],
            requireOneSlicingArgument: false)
          good(first: Int, last: Int): C @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges"],
            requireOneSlicingArgument: false)
        }"""
    )
    assert set(_problems(_paged_fields(document))) == {"Query.bare", "Query.firstOnly", "Query.strict", "Query.fixed"}
