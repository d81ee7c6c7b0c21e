"""What a client may send in a string or a date: its length, its characters and its range.

PostgreSQL refuses a NUL byte, an unpaired surrogate cannot be encoded as UTF-8, and a 1 MB title
would simply be stored; unchecked, the first two surface as ``INTERNAL``. Instead of a check in
every resolver of every service, :class:`InputRules` walks the arguments of an operation, literals
and variables alike, before any resolver runs, and refuses the whole operation with one
``BAD_USER_INPUT`` error per problem, each naming the field (``input.title``, ``goals.17.externalId``)
and the rule. A refused operation executes nothing, so nothing is half-written.

A string's rule follows from its name, the vocabulary the three subgraphs share (``title``,
``description``, ``externalId``, ...); every ``ID`` is an identifier. The rules themselves are in
:mod:`vsm_common.input_limits`; ``unclassified_strings`` keeps their table complete (a test fails for
a string it does not name).
The domain's own rules (a required title, a code's format) still run afterwards: a string that is
empty or only whitespace is left to them, so each field keeps its own ``*.required`` rule.
A Decimal that is not a decimal string (a JSON number above all) is refused here too, so the error
names its field as the scalar alone could not; :func:`literal_field` does the same for a literal the
scalar refused during validation (``vsm_common.graphql.DomainErrors`` asks it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_input_object_type,
    is_list_type,
    is_scalar_type,
    parse,
    value_from_ast_untyped,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from .errors import DomainError
from .input_limits import (
    COORDINATE_RULES,
    FORBIDDEN_MULTILINE,
    FORBIDDEN_ONE_LINE,
    TEXT_RULES,
    VISIBLE_ASCII,
    TextRule,
    date_problem,
    rule_for,
    text_problem,
)
from .scalars import parse_decimal

# More problems than this in one request are not listed one by one (a bulk of 10,000 bad rows).
MAX_REPORTED = 20


# ------------------------------------------------------------------ checking typed values
# A checker looks at one raw value (as sent in JSON, or a literal turned into the same shape) of
# one input type and appends what is wrong with it. Values of the wrong shape are skipped: the
# coercion that follows reports them (input.invalid); only a Decimal's shape is checked here.
Checker = Callable[[Any, str, list[DomainError]], None]

_object_checkers: dict[GraphQLInputObjectType, Checker | None] = {}


def _string_checker(rule: TextRule) -> Checker:
    # A bulk of 10,000 rows has 50,000 strings: the common, valid case costs a length and two
    # regular expressions, and text_problem() runs only when one of them finds something.
    forbidden = FORBIDDEN_MULTILINE if rule.multiline else FORBIDDEN_ONE_LINE
    max_length, visible = rule.max_length, rule.visible

    def check(value: Any, field: str, problems: list[DomainError]) -> None:
        if isinstance(value, str) and (
            len(value) > max_length or forbidden.search(value) or (visible and not VISIBLE_ASCII.search(value))
        ):
            problem = text_problem(value, rule, field)
            if problem is not None:
                problems.append(problem)

    return check


def _check_date(value: Any, field: str, problems: list[DomainError]) -> None:
    if isinstance(value, str):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            return  # not a date at all: the Date scalar says so
        problem = date_problem(parsed, field)
        if problem is not None:
            problems.append(problem)


def _check_datetime(value: Any, field: str, problems: list[DomainError]) -> None:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return  # not a date and time at all: the DateTime scalar says so
        problem = date_problem(parsed.date(), field)
        if problem is not None:
            problems.append(problem)


def _check_decimal(value: Any, field: str, problems: list[DomainError]) -> None:
    # Unlike the other shapes, a Decimal that is not a decimal string is refused here: graphql-core's
    # variable coercion would refuse it too (the scalar), but without saying where.
    try:
        parse_decimal(value)
    except DomainError as problem:
        problems.append(DomainError(problem.message, field=field, rule=problem.rule))


def _list_checker(item: Checker) -> Checker:
    def check(value: Any, field: str, problems: list[DomainError]) -> None:
        if isinstance(value, list):
            for index, entry in enumerate(value):
                if entry is not None:
                    item(entry, f"{field}.{index}", problems)
        elif value is not None:
            item(value, field, problems)  # GraphQL reads a single value as a list of one

    return check


def _object_checker(type_: GraphQLInputObjectType) -> Checker | None:
    if type_ in _object_checkers:
        return _object_checkers[type_]
    fields: list[tuple[str, Checker]] = []

    def check(value: Any, field: str, problems: list[DomainError]) -> None:
        if isinstance(value, dict):
            for key, field_check in fields:
                entry = value.get(key)
                if entry is not None:
                    field_check(entry, f"{field}.{key}", problems)

    _object_checkers[type_] = check  # before the fields: an input type may contain itself
    for key, input_field in type_.fields.items():
        field_check = checker_for(input_field.type, f"{type_.name}.{key}", key)
        if field_check is not None:
            fields.append((key, field_check))
    if not fields:
        _object_checkers[type_] = None
        return None
    return check


def checker_for(type_: GraphQLInputType, coordinate: str, name: str) -> Checker | None:
    """The checker of values of ``type_`` at ``coordinate``, or None when nothing in it is checked."""
    nullable = get_nullable_type(type_)
    if is_list_type(nullable):
        item = checker_for(nullable.of_type, coordinate, name)
        return _list_checker(item) if item is not None else None
    if is_input_object_type(nullable):
        return _object_checker(nullable)
    if is_scalar_type(nullable):
        if nullable.name in ("String", "ID"):
            return _string_checker(rule_for(coordinate, name, is_id=nullable.name == "ID"))
        if nullable.name == "Date":
            return _check_date
        if nullable.name == "DateTime":
            return _check_datetime
        if nullable.name == "Decimal":
            return _check_decimal
    return None


# ------------------------------------------------------------------ the operation's arguments
@dataclass(frozen=True, slots=True)
class _Site:
    """An argument of the operation whose value is checked: by which checker, named how, sent how."""

    check: Checker
    field: str
    value: ValueNode


def _sites_of(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> tuple[_Site, ...]:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return ()
    root = schema.get_root_type(operation.operation)
    if root is None:
        return ()
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sites: list[_Site] = []
    walked: set[str] = set()

    def walk(parent: GraphQLNamedType | None, selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                field_def = getattr(parent, "fields", {}).get(selection.name.value)
                if field_def is None:
                    continue  # __typename, or a field validation has refused already
                owner = f"{parent.name}.{selection.name.value}"  # type: ignore[union-attr]
                for argument in selection.arguments or ():
                    arg_def = field_def.args.get(argument.name.value)
                    name = argument.name.value
                    check = checker_for(arg_def.type, f"{owner}({name})", name) if arg_def else None
                    if check is not None:
                        sites.append(_Site(check, name, argument.value))
                walk(get_named_type(field_def.type), selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                walk(schema.get_type(condition.name.value) if condition else parent, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in walked:
                # A fragment's arguments are the same wherever it is spread: look at them once.
                walked.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    walk(schema.get_type(fragment.type_condition.name.value), fragment.selection_set)

    walk(root, operation.selection_set)
    return tuple(sites)


@lru_cache(maxsize=512)
def _sites_of_text(schema: GraphQLSchema, query: str, operation_name: str | None) -> tuple[_Site, ...]:
    # Clients repeat a handful of operations: the walk runs once per schema, text and operation.
    return _sites_of(schema, parse(query), operation_name)


def _with_defaults(operation: OperationDefinitionNode | None, variables: dict[str, Any]) -> dict[str, Any]:
    """The variables as the operation will see them: a variable left out takes its declared default."""
    defaults = {
        d.variable.name.value: d.default_value
        for d in (operation.variable_definitions or () if operation else ())
        if d.default_value is not None and d.variable.name.value not in variables
    }
    if not defaults:
        return variables
    return {**variables, **{name: value_from_ast_untyped(node) for name, node in defaults.items()}}


def input_problems(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None = None,
    query: str | None = None,
) -> Iterator[tuple[DomainError, ValueNode]]:
    """Every string and date of the operation's arguments that breaks its rule, with where it was sent."""
    sites = (
        _sites_of_text(schema, query, operation_name)
        if query is not None
        else _sites_of(schema, document, operation_name)
    )
    if not sites:
        return
    given = _with_defaults(get_operation_ast(document, operation_name), variables or {})
    for site in sites:
        node = site.value
        value = given.get(node.name.value) if isinstance(node, VariableNode) else value_from_ast_untyped(node, given)
        if value is None or value is Undefined:
            continue
        problems: list[DomainError] = []
        site.check(value, site.field, problems)
        for problem in problems:
            yield problem, node


def input_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None = None,
    query: str | None = None,
) -> list[GraphQLError]:
    """:func:`input_problems` as GraphQL errors, at most :data:`MAX_REPORTED`."""
    errors: list[GraphQLError] = []
    for problem, node in input_problems(schema, document, variables, operation_name, query):
        if len(errors) == MAX_REPORTED:
            errors.append(
                GraphQLError(
                    f"more than {MAX_REPORTED} inputs break a rule; the first {MAX_REPORTED} are listed",
                    extensions={"code": DomainError.code, "rule": "input.too_many_problems"},
                )
            )
            break
        errors.append(GraphQLError(problem.message, nodes=[node], extensions=problem.extensions()))
    return errors


def unclassified_strings(schema: GraphQLSchema) -> list[str]:
    """Coordinates of String arguments and input fields that only the default rule covers."""
    found: list[str] = []

    def look(type_: Any, coordinate: str, name: str) -> None:
        is_string = getattr(get_named_type(type_), "name", None) == "String"
        if is_string and name not in TEXT_RULES and coordinate not in COORDINATE_RULES:
            found.append(coordinate)

    for type_name, type_ in schema.type_map.items():
        if "__" in type_name:
            continue  # introspection, and federation's own (join__, link__) in a supergraph
        if is_input_object_type(type_):
            for key, input_field in type_.fields.items():
                look(input_field.type, f"{type_name}.{key}", key)
        else:
            for field_name, field_def in getattr(type_, "fields", {}).items():
                for arg_name, arg in field_def.args.items():
                    look(arg.type, f"{type_name}.{field_name}({arg_name})", arg_name)
    return sorted(found)


class InputRules(SchemaExtension):
    """Refuses, before any resolver runs, an operation with a string or date that breaks its rule."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.result is None and ec.graphql_document is not None:
            errors = input_errors(ec.schema._schema, ec.graphql_document, ec.variables, ec.operation_name, ec.query)
            if errors:
                ec.result = GraphQLExecutionResult(data=None, errors=errors)
        yield
