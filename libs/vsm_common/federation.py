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

Before any of that, every representation is checked: an object with a ``__typename`` naming an
entity of this subgraph and a key that is an identifier. strawberry would otherwise fail with a
``KeyError`` deep inside (``INTERNAL``, its traceback logged); a caller gets ``BAD_USER_INPUT``
naming ``representations`` and the rule (``entities.representation``, ``entities.typename``,
``entities.key``) instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Iterator, Mapping
from functools import cached_property
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    VariableNode,
    value_from_ast_untyped,
)
from strawberry.federation.schema import FederationAny
from strawberry.federation.schema import Schema as FederationSchema
from strawberry.federation.schema_directives import Key
from strawberry.types import ExecutionContext
from strawberry.types.info import Info

from .errors import DomainError
from .input_limits import ID_RULE, text_problem

REPRESENTATIONS = "representations"


class Schema(FederationSchema):
    """strawberry's federation schema, with :meth:`entities_resolver` batched per entity type."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # strawberry logs every error with its traceback, a client's typo included, and
        # vsm_common.graphql.DomainErrors then logged the unexpected ones a second time. DomainErrors
        # alone decides: unexpected errors once with their traceback, an outage as one line, and
        # the client's own errors (refused input, rules of the domain) not at all.
        return None

    @cached_property
    def entity_keys(self) -> Mapping[str, tuple[str, ...]]:
        """Each entity type of this subgraph and the fields of its keys (``{"Goal": ("id",)}``)."""
        union = self._schema.get_type("_Entity")
        keys: dict[str, tuple[str, ...]] = {}
        for type_ in getattr(union, "types", ()):
            definition = self.schema_converter.type_map[type_.name].definition
            directives = getattr(definition, "directives", None) or ()
            names = {name for d in directives if isinstance(d, Key) for name in str(d.fields).split()}
            keys[type_.name] = tuple(sorted(names))
        return keys

    def check_representations(self, representations: list[Any]) -> None:
        """Refuses representations strawberry cannot resolve (a client error, not a server one)."""
        entities = self.entity_keys
        for index, representation in enumerate(representations):
            where = f"{REPRESENTATIONS}.{index}"
            if not isinstance(representation, dict):
                raise DomainError(f"{where} is not an object", field=REPRESENTATIONS, rule="entities.representation")
            type_name = representation.get("__typename")
            if not isinstance(type_name, str):
                raise DomainError(f"{where} has no __typename", field=REPRESENTATIONS, rule="entities.typename")
            if type_name not in entities:
                shown = type_name if len(type_name) <= 100 else type_name[:100] + "..."
                raise DomainError(
                    f"{where}: {shown!r} is not an entity type of this subgraph ({', '.join(sorted(entities))})",
                    field=REPRESENTATIONS,
                    rule="entities.typename",
                )
            for key in entities[type_name]:
                value = representation.get(key)
                if not isinstance(value, str | int) or isinstance(value, bool):
                    raise DomainError(
                        f"{where}: the key {key} of {type_name} is missing or not an id",
                        field=REPRESENTATIONS,
                        rule="entities.key",
                    )
                problem = text_problem(str(value), ID_RULE, f"{where}.{key}")
                if problem is not None:
                    raise DomainError(problem.message, field=REPRESENTATIONS, rule="entities.key")

    def entities_resolver(  # type: ignore[override]
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny] | Awaitable[list[FederationAny]]:
        self.check_representations(representations)
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
