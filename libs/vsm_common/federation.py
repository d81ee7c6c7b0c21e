"""Batched ``_entities``: an entity type loads what the gateway selects once for all references.

strawberry resolves ``_entities`` one representation at a time, and every field selected on each
entity then runs its own resolver: for the committee dashboard that is 200 asynchronous
``Goal.plans`` in planning and 200 ``Goal.fulfilment`` in follow-up, each with its own coroutine,
DataLoader future and ``Info``, although the DataLoader ends up asking the database once. An entity
class may define::

    @classmethod
    async def prefetch_entities(cls, info: Info, entities: list[Self]) -> None: ...

:class:`Schema` calls it once with every entity of that type in the request, after the references
are resolved; the class stores what it loaded on the objects and its fields answer from there
(synchronously) when the selection matches. When it cannot (an error in one row, several
selections with different arguments), it stores nothing and every field resolves as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    VariableNode,
    value_from_ast_untyped,
)
from strawberry.federation.schema import FederationAny
from strawberry.federation.schema import Schema as FederationSchema
from strawberry.types.info import Info


class Schema(FederationSchema):
    """strawberry's federation schema, with :meth:`entities_resolver` batched per entity type."""

    def entities_resolver(  # type: ignore[override]
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny] | Awaitable[list[FederationAny]]:
        results = super().entities_resolver(info, representations)
        by_type: dict[type, list[Any]] = defaultdict(list)
        for result in results:
            if not isinstance(result, BaseException) and hasattr(type(result), "prefetch_entities"):
                by_type[type(result)].append(result)
        if not by_type:
            return results

        async def prefetched() -> list[FederationAny]:
            for cls, entities in by_type.items():
                await getattr(cls, "prefetch_entities")(info, entities)  # noqa: B009 - checked above with hasattr
            return results

        return prefetched()


def _fields(
    selection_set: SelectionSetNode | None, type_name: str | None, fragments: dict[str, Any]
) -> Iterator[FieldNode]:
    """The fields of a selection set, through fragments on ``type_name`` (on any type when None)."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if type_name is None or condition is None or condition.name.value == type_name:
                yield from _fields(selection.selection_set, type_name, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None and (type_name is None or fragment.type_condition.name.value == type_name):
                yield from _fields(fragment.selection_set, type_name, fragments)
        elif isinstance(selection, FieldNode):
            yield selection


def selected_arguments(info: Info, type_name: str, field_name: str) -> list[dict[str, Any]]:
    """The arguments of every selection of ``type_name.field_name`` directly inside the current field.

    For ``_entities(...) { ... on Goal { fulfilment(periodId: $p) { ... } } }`` and ``("Goal",
    "fulfilment")``: ``[{"periodId": <the variable's value>}]``; empty when the field is not selected.
    """
    raw = info._raw_info
    parent = raw.schema.get_type(type_name)
    field_def = getattr(parent, "fields", {}).get(field_name)
    if field_def is None:
        return []
    # strawberry's executor hands resolvers the coerced dict; graphql-core's own, its VariableValues
    given: Any = raw.variable_values
    variables: dict[str, Any] = getattr(given, "coerced", given)
    found = []
    for node in raw.field_nodes:
        for field in _fields(node.selection_set, type_name, raw.fragments):
            if field.name.value == field_name:
                found.append(_arguments(field_def, field, variables))
    return found


def _arguments(field_def: GraphQLField, node: FieldNode, variables: dict[str, Any]) -> dict[str, Any]:
    """The argument values of one selection (validated before execution: no coercion errors here)."""
    given = {argument.name.value: argument.value for argument in node.arguments or ()}
    values: dict[str, Any] = {}
    for name, argument in field_def.args.items():
        value_node = given.get(name)
        if isinstance(value_node, VariableNode) and value_node.name.value in variables:
            values[name] = variables[value_node.name.value]
        elif value_node is not None and not isinstance(value_node, VariableNode):
            values[name] = value_from_ast_untyped(value_node, variables)
        elif argument.default_value is not Undefined:
            values[name] = argument.default_value
    return values


def is_selected(info: Info, path: tuple[str, ...], field_name: str) -> bool:
    """Does the current field select ``field_name`` at ``path`` below it (e.g. ``("edges", "node")``)?

    For lists that prefetch a relation of every row at once, as ``_entities`` does above.
    """
    raw = info._raw_info
    nodes = list(raw.field_nodes)
    for name in path:
        nodes = [f for n in nodes for f in _fields(n.selection_set, None, raw.fragments) if f.name.value == name]
    return any(f.name.value == field_name for n in nodes for f in _fields(n.selection_set, None, raw.fragments))
