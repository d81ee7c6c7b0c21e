"""A cheaper way to resolve plain scalar fields: read the attribute, serialise it, move on.

graphql-core resolves every field the same way: a ``Path``, a ``GraphQLResolveInfo``, the resolver
call, ``complete_value``: about 5 µs per field here, and most fields of our lists are plain
attributes of a row (``id``, ``title``, ``state``). For a field whose strawberry resolver is the
default one (no resolver, no permission, no extension) and whose type is a scalar or an enum,
:class:`FastLeafExecutor` reads the attribute and serialises it directly. Anything unusual (a
``None``, a value the scalar refuses, middleware) goes the standard way, so errors and nulls are
exactly graphql-core's.

Measured with 200 rows × 5 scalar fields: 5.6 → 2.6 ms per request (bench/README.md, scenario 2).

A field whose value a list already loaded for every row (``prefetch_entities``, ``prefetch_parents``)
is completed from that value without its resolver: strawberry's resolver call (argument conversion,
its wrapper) was most of such a field's cost, 200 times per dashboard. The object says so with
:func:`set_prefetched`; the resolver itself reads :func:`prefetched`, so both paths give the same value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.executor import gather_with_cancel, to_nodes
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_MISSING: Any = object()
NOT_PREFETCHED: Any = object()
PREFETCHED_FIELDS = "_prefetched_fields"  # the strawberry.Private attribute a type declares to take part


def set_prefetched(source: Any, field: str, value: Any) -> None:
    """Record the value ``field`` (its GraphQL name) of ``source`` resolves to in this request.

    Only for a value that does not depend on the field's arguments, or that was loaded for the one set
    of arguments every selection of the field asks (see follow-up's ``Goal.prefetch_entities``).
    """
    found = getattr(source, PREFETCHED_FIELDS, None)
    if found is None:
        setattr(source, PREFETCHED_FIELDS, {field: value})
    else:
        found[field] = value


def prefetched(source: Any, field: str) -> Any:
    """What :func:`set_prefetched` recorded for ``field`` of ``source``, or :data:`NOT_PREFETCHED`."""
    found = getattr(source, PREFETCHED_FIELDS, None)
    return found.get(field, NOT_PREFETCHED) if found else NOT_PREFETCHED


@dataclass(frozen=True)
class LeafPlan:
    """How to resolve one plain field quickly: the attribute, the serialiser, and whether it is a list."""

    attribute: str
    serialize: Callable[[Any], Any]
    is_list: bool = False  # a list of non-null scalars or enums ([Int!] or [Int!]!)


# (parent type, field name) -> how to resolve it quickly, or None. Keyed by the type object itself,
# not its id: a schema built and dropped (tests do) must never lend its plans to a later one.
_plans: dict[tuple[GraphQLObjectType, str], LeafPlan | None] = {}


def _leaf_plan(field_def: GraphQLField) -> LeafPlan | None:
    resolve = field_def.resolve
    if resolve is None or not getattr(resolve, "_is_default", False) or field_def.args:
        return None  # a resolver of our own, or arguments: the standard path
    definition = (field_def.extensions or {}).get("strawberry-definition")
    if definition is None:
        return None
    type_ = get_nullable_type(field_def.type)
    if is_leaf_type(type_):
        return LeafPlan(definition.python_name, type_.serialize)
    if is_list_type(type_) and is_non_null_type(type_.of_type):
        item = get_nullable_type(type_.of_type)
        if is_leaf_type(item):
            return LeafPlan(definition.python_name, item.serialize, is_list=True)
    return None  # an object, a list of objects or of nullable items: the standard path


# (parent type, field name) -> whether a prefetched value may stand in for the resolver's call.
_bypassable: dict[tuple[GraphQLObjectType, str], bool] = {}


def _may_bypass(field_def: GraphQLField | None) -> bool:
    """Only where strawberry's wrapper adds nothing but the call: no permission classes, no extensions."""
    definition = (field_def.extensions or {}).get("strawberry-definition") if field_def is not None else None
    return definition is not None and not definition.permission_classes and not definition.extensions


def _quick_value(plan: LeafPlan, source: Any) -> Any:
    """The serialised value, or None when the standard path must decide (null, bad value, odd list)."""
    value = getattr(source, plan.attribute, None)
    if value is None:
        return None
    serialize = plan.serialize
    try:
        if not plan.is_list:
            return serialize(value)
        if not isinstance(value, list | tuple):
            return None
        out = [serialize(item) for item in value if item is not None]
        return out if len(out) == len(value) and None not in out and Undefined not in out else None
    except Exception:  # noqa: BLE001 - the standard path raises it again, located
        return None


class FastLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor with a short path for plain scalar and enum fields (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # Middleware (a strawberry extension with a resolve hook) must see every field.
        self._plain = manager is None or getattr(manager, "_middleware_resolvers", None) is None

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if not self._plain:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                name = field_details_list[0].node.name.value
                plan = _plans.get((parent_type, name), _MISSING)
                if plan is _MISSING:
                    field_def = self.schema.get_field(parent_type, name)
                    plan = _leaf_plan(field_def) if field_def is not None else None
                    _plans[(parent_type, name)] = plan
                if plan is not None:
                    quick = _quick_value(plan, source_value)
                    if quick is not None and quick is not Undefined:
                        results[response_name] = quick
                        continue
                    value = NOT_PREFETCHED
                else:
                    value = prefetched(source_value, name)
                field_path = Path(path, response_name, parent_type.name)
                if value is not NOT_PREFETCHED and self._bypass(parent_type, name):
                    result = self._complete_prefetched(
                        parent_type, value, field_details_list, field_path, position_context
                    )
                else:
                    result = self.execute_field(
                        parent_type, source_value, field_details_list, field_path, position_context
                    )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _bypass(self, parent_type: GraphQLObjectType, name: str) -> bool:
        ok = _bypassable.get((parent_type, name))
        if ok is None:
            ok = _bypassable[(parent_type, name)] = _may_bypass(self.schema.get_field(parent_type, name))
        return ok

    def _complete_prefetched(
        self,
        parent_type: GraphQLObjectType,
        value: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_field`` with the resolver's result already known: completion, errors
        and nulls as there."""
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        assert field_def is not None  # _bypass said so
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
        try:
            completed = self.complete_value(return_type, field_details_list, info, path, value, position_context)
        except Exception as raw_error:  # noqa: BLE001 - located and reported as graphql-core's execute_field does
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:  # noqa: BLE001 - as above
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        return await_completed()
