"""Every type, field, argument, enum value and input field of the public GraphQL API has a description.

The SDL checked is the one ``python -m vsm_<service> sdl`` prints (``vsm_common.cli``): the schema of
the service's ``wiring.definition``, as a string. No stack is needed. What Apollo Federation adds to a
subgraph (``_Service``, ``_Entity``, ``_Any``, ``FieldSet``, ``link__*``, ``Query._entities``,
``Query._service``) is not ours and is not checked.

Composition keeps one description for a type several subgraphs define (the first subgraph's by name), so the
root types and the entities every subgraph defines must read the same in each (``vsm_common.descriptions``).
"""

from __future__ import annotations

import importlib
from functools import cache

import pytest
from graphql import parse
from graphql.language import ast

SERVICES = ("goals", "planning", "followup")

FEDERATION_TYPES = frozenset({"_Any", "_Entity", "_Service", "FieldSet"})
FEDERATION_PREFIXES = ("_", "link__", "join__", "federation__")
FEDERATION_QUERY_FIELDS = frozenset({"_entities", "_service"})
ROOT_TYPES = frozenset({"Query", "Mutation", "Subscription"})


@cache
def subgraph_sdl(service: str) -> str:
    """What ``python -m vsm_<service> sdl`` prints."""
    definition = importlib.import_module(f"vsm_{service}.wiring").definition
    return str(definition.schema.as_str())


def _ours(name: str) -> bool:
    return name not in FEDERATION_TYPES and not name.startswith(FEDERATION_PREFIXES)


def _described(node: ast.Node) -> bool:
    description = getattr(node, "description", None)
    return description is not None and bool(description.value.strip())


def _type_nodes(sdl: str) -> list[ast.TypeDefinitionNode | ast.TypeExtensionNode]:
    return [
        d
        for d in parse(sdl).definitions
        if isinstance(d, ast.TypeDefinitionNode | ast.TypeExtensionNode) and _ours(d.name.value)
    ]


def _members(node: ast.TypeDefinitionNode | ast.TypeExtensionNode) -> list[tuple[str, ast.Node]]:
    """Fields (of object, interface and input types) and enum values, by name."""
    name = node.name.value
    fields = getattr(node, "fields", None) or ()
    values = getattr(node, "values", None) or ()
    members: list[tuple[str, ast.Node]] = [(f.name.value, f) for f in fields]
    members += [(v.name.value, v) for v in values]
    if name == "Query":
        members = [(n, m) for n, m in members if n not in FEDERATION_QUERY_FIELDS]
    return members


def undescribed(sdl: str) -> list[str]:
    """Every type (root types too), field, argument, enum value and input field of ours without a description."""
    missing: list[str] = []
    for node in _type_nodes(sdl):
        name = node.name.value
        if isinstance(node, ast.TypeDefinitionNode) and not _described(node):
            missing.append(f"{name} ({type(node).__name__.removesuffix('TypeDefinitionNode').lower()})")
        for member, m in _members(node):
            if not _described(m):
                missing.append(f"{name}.{member}")
            arguments = getattr(m, "arguments", None) or ()
            missing += [f"{name}.{member}({a.name.value})" for a in arguments if not _described(a)]
    return missing


def test_an_undescribed_argument_or_root_type_is_found() -> None:
    sdl = """
        type Query { "One thing." thing("Its id." id: ID!, asOf: String): Thing }
        "A thing." type Thing { "Its id." id: ID! }
    """
    assert undescribed(sdl) == ["Query (object)", "Query.thing(asOf)"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_type_field_argument_enum_value_and_input_field_has_a_description(service: str) -> None:
    missing = undescribed(subgraph_sdl(service))
    assert not missing, f"{service}: {len(missing)} without a description:\n  " + "\n  ".join(missing)


def _is_entity(node: ast.TypeDefinitionNode) -> bool:
    return any(d.name.value == "key" for d in node.directives or ())


def test_shared_value_types_have_the_same_descriptions_in_every_subgraph() -> None:
    """A value type, input or enum defined in several subgraphs reads the same in each.

    Entities (``@key``) are left out: each subgraph describes its own view of them.
    """
    seen: dict[str, dict[str, str | None]] = {}  # "Type" or "Type.member" -> service -> description
    for service in SERVICES:
        for node in _type_nodes(subgraph_sdl(service)):
            if not isinstance(node, ast.TypeDefinitionNode) or node.name.value in ROOT_TYPES or _is_entity(node):
                continue
            name = node.name.value
            seen.setdefault(name, {})[service] = node.description.value if node.description else None
            for member, m in _members(node):
                description = getattr(m, "description", None)
                seen.setdefault(f"{name}.{member}", {})[service] = description.value if description else None
    shared_types = {key for key, per in seen.items() if "." not in key and len(per) > 1}
    differing = [
        f"{key}: " + "; ".join(f"{service}={text!r}" for service, text in per.items())
        for key, per in sorted(seen.items())
        if key.split(".")[0] in shared_types and len(set(per.values())) > 1
    ]
    assert not differing, "described differently across subgraphs:\n  " + "\n  ".join(differing)


def test_root_types_and_shared_entities_have_the_same_description_in_every_subgraph() -> None:
    """The public type reads as its one description, so every subgraph that defines it gives the same one.

    Fields of entities are left out: each subgraph describes the fields it resolves.
    """
    seen: dict[str, dict[str, str | None]] = {}  # type -> service -> description
    for service in SERVICES:
        for node in _type_nodes(subgraph_sdl(service)):
            if isinstance(node, ast.TypeDefinitionNode) and (node.name.value in ROOT_TYPES or _is_entity(node)):
                seen.setdefault(node.name.value, {})[service] = node.description.value if node.description else None
    assert {"Query", "Mutation", "Goal", "Organization"} <= {name for name, per in seen.items() if len(per) > 1}
    differing = [
        f"{name}: " + "; ".join(f"{service}={text!r}" for service, text in per.items())
        for name, per in sorted(seen.items())
        if len(set(per.values())) > 1
    ]
    assert not differing, "described differently across subgraphs:\n  " + "\n  ".join(differing)
