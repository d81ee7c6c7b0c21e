"""GraphQL plumbing shared by the subgraphs: error shaping, caches, an operation span."""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from graphql import DocumentNode, FieldNode, get_operation_ast
from graphql.error import GraphQLError
from opentelemetry import trace
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.types.enum import has_enum_definition

from .db import database_unavailable
from .errors import DomainError
from .field_paths import FieldPaths, graphql_path
from .inputs import InputRules
from .literal_paths import literal_field
from .scalars import RULE_INVALID_INPUT

log = logging.getLogger(__name__)
tracer = trace.get_tracer("vsm.graphql")


INVALID_INPUT = {"code": "BAD_USER_INPUT", "rule": RULE_INVALID_INPUT}
# The database is stopped, restarting, unreachable or too slow (vsm_common.db's bounded waits).
UNAVAILABLE = {"code": "SERVICE_UNAVAILABLE", "rule": "service.database_unavailable"}
DATABASE_UNAVAILABLE_MESSAGE = (
    "The service cannot reach its database right now; try again shortly. "
    "A mutation that got this answer may or may not have been carried out."
)


def _innermost(error: GraphQLError) -> BaseException | None:
    seen: BaseException | None = error.original_error
    while isinstance(seen, GraphQLError) and seen.original_error is not None:
        seen = seen.original_error
    return seen


class DomainErrors(SchemaExtension):
    """Turns :class:`DomainError` into a client error naming field and rule; masks the rest.

    A domain error raised with a domain key gets the GraphQL path the service's table maps it to
    for the operation's root field (``vsm_common.field_paths``). Unexpected exceptions are logged
    with their traceback and reach the client only as "Internal error", so no stack trace or SQL
    ever leaks.
    """

    def __init__(self, *, field_paths: FieldPaths | None = None, execution_context: Any = None) -> None:
        super().__init__(execution_context=execution_context)
        self.field_paths: FieldPaths = field_paths or {}

    def _root_field(self, response_key: object) -> str | None:
        """The schema name of the root field answered under ``response_key`` (which may be an alias)."""
        if not isinstance(response_key, str):
            return None
        ec = self.execution_context
        document = ec.graphql_document
        operation = get_operation_ast(document, ec.operation_name) if document is not None else None
        if operation is not None:
            for selection in operation.selection_set.selections:
                if isinstance(selection, FieldNode) and (selection.alias or selection.name).value == response_key:
                    return selection.name.value
        return response_key

    def _shaped(self, error: GraphQLError, original: DomainError) -> GraphQLError:
        path = None
        if original.field is None and original.key is not None:
            # The table speaks of a mutation's own arguments: only an error of the root field itself
            # is mapped by its entry; one of a nested field keeps the plain camelCased key.
            operation = self._root_field(error.path[0]) if error.path and len(error.path) == 1 else None
            path = graphql_path(original.key, operation, self.field_paths)
        elif original.field is None and error.path is None and error.nodes:
            # A literal a scalar refused while the document was validated (a number for a Decimal, a
            # malformed Date): graphql-core keeps the literal, not where it was given.
            document = self.execution_context.graphql_document
            path = literal_field(document, error.nodes[0]) if document is not None else None
        return GraphQLError(
            original.text(path), nodes=error.nodes, path=error.path, extensions=original.extensions(path)
        )

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if not errors:
            return
        shaped: list[GraphQLError] = []
        for error in errors:
            original = error.original_error
            if isinstance(original, GraphQLError):
                # An invalid input value (text for an Int, a float for a Decimal): graphql-core wraps
                # the coercion error; a DomainError raised by a scalar keeps its field and rule.
                cause = _innermost(error)
                if isinstance(cause, DomainError):
                    shaped.append(self._shaped(error, cause))
                else:
                    shaped.append(
                        GraphQLError(error.message, nodes=error.nodes, path=error.path, extensions=dict(INVALID_INPUT))
                    )
            elif original is None:
                shaped.append(error)  # a validation error about the query itself
            elif isinstance(original, DomainError):
                shaped.append(self._shaped(error, original))
            elif database_unavailable(original):
                # An outage, not a bug: a clear, retryable answer and one log line, no traceback.
                log.warning("database unavailable at %s: %s: %s", error.path, type(original).__name__, original)
                shaped.append(
                    GraphQLError(
                        DATABASE_UNAVAILABLE_MESSAGE, nodes=error.nodes, path=error.path, extensions=dict(UNAVAILABLE)
                    )
                )
            else:
                log.error("unexpected error at %s", error.path, exc_info=original)
                shaped.append(
                    GraphQLError("Internal error", nodes=error.nodes, path=error.path, extensions={"code": "INTERNAL"})
                )
        result.errors = shaped  # type: ignore[union-attr]


# Error codes that mean the service failed, not the client (as 5xx against 4xx in HTTP): only these
# mark the operation's span as an error; a refused input or a forbidden field is the client's.
SERVER_ERROR_CODES = frozenset({"INTERNAL", "SERVICE_UNAVAILABLE"})
# Longer operation names stay in graphql.operation.name but out of the span name.
MAX_SPAN_NAME_OPERATION = 64


def operation_span_details(document: DocumentNode | None, operation_name: str | None) -> tuple[str, dict[str, str]]:
    """Span name and attributes of a GraphQL operation, per the OpenTelemetry GraphQL conventions.

    ``{type} {name}``, or the type alone for an anonymous operation (the gateway sends subgraphs
    unnamed ones), or ``GraphQL Operation`` when the document did not parse or names no single
    operation. The conventions name the span by type alone by default, since clients choose names
    freely; a subgraph only runs operations that came through the gateway, whose clients are
    known integrations, and the name is what an operator looks for. Long names stay out of it.
    """
    operation = get_operation_ast(document, operation_name) if document is not None else None
    if operation is None:
        return "GraphQL Operation", {}
    operation_type = operation.operation.value
    attributes = {"graphql.operation.type": operation_type}
    if operation.name is None:
        return operation_type, attributes
    name = operation.name.value
    attributes["graphql.operation.name"] = name
    return (f"{operation_type} {name}" if len(name) <= MAX_SPAN_NAME_OPERATION else operation_type), attributes


def error_type(errors: Sequence[GraphQLError]) -> tuple[str | None, bool]:
    """``error.type`` of an answer (the first error's code) and whether the service is at fault."""
    codes = [str((e.extensions or {}).get("code") or "_OTHER") for e in errors]
    if not codes:
        return None, False
    at_fault = [c for c in codes if c in SERVER_ERROR_CODES]
    return (at_fault or codes)[0], bool(at_fault)


class OperationSpan(SchemaExtension):
    """One span per GraphQL operation, named and described per the conventions; no arguments recorded.

    Per-resolver spans would cost more than the resolvers and tempt recording
    arguments (personal data), so the operation is the unit. ``graphql.document`` is left out
    on purpose: the gateway inlines client literals into subgraph documents (values, possibly
    personal data), and documents run to kilobytes on every span; the operation type and name
    say what ran. The span is INTERNAL, not SERVER as the conventions suggest: the FastAPI span
    around it is the request's server span, and a second one would count each request twice in
    span-derived server metrics.
    """

    def on_operation(self) -> Iterator[None]:
        # The document is parsed inside the operation, so the span is named once it has run.
        with tracer.start_as_current_span("GraphQL Operation") as span:
            yield
            ec = self.execution_context
            name, attributes = operation_span_details(ec.graphql_document, ec.operation_name)
            span.update_name(name)
            span.set_attributes(attributes)
            errors = getattr(ec.result, "errors", None) or []
            if errors:
                kind, at_fault = error_type(errors)
                span.set_attribute("vsm.graphql.errors", len(errors))
                if kind is not None:
                    span.set_attribute("error.type", kind)
                if at_fault:
                    span.set_status(trace.Status(trace.StatusCode.ERROR, kind))


def standard_extensions(field_paths: FieldPaths | None = None) -> list[object]:
    """The extensions every subgraph runs; ``field_paths`` is the service's table (its ``api/errors.py``)."""
    # Factories, not instances: strawberry builds extensions per request; the parse and validation
    # caches themselves live at module level, shared by every request.
    from .authz import Authorization  # authz imports strawberry extensions too; keep import order simple
    from .metrics import GraphQLMetrics

    # Authorization before InputRules: a caller who may not run the operation learns nothing of its inputs.
    return [
        GraphQLMetrics,  # first: it times all the others and counts errors as DomainErrors shaped them
        OperationSpan,
        lambda: DomainErrors(field_paths=field_paths),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        Authorization,
        InputRules,
    ]


def parse_id(value: str, field: str) -> uuid.UUID:
    """Parse a client-supplied ID; every vsm id is a UUID."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise DomainError(f"{field} is not a valid id", field=field, rule="id.format") from None


def parse_ids(values: Sequence[str] | None, field: str) -> list[uuid.UUID]:
    return [parse_id(v, field) for v in values or []]


def describe_enum_values(enum_cls: type[enum.Enum], descriptions: Mapping[str, str]) -> None:
    """Give every value of an enum registered with ``strawberry.enum`` its GraphQL description.

    The domain enums are plain ``StrEnum`` classes that know nothing of strawberry, so
    ``strawberry.enum_value`` cannot be used in them; the descriptions are set on the
    registered definition instead. ``descriptions`` must name exactly the enum's members.
    """
    if not has_enum_definition(enum_cls):
        raise TypeError(f"{enum_cls.__name__} is not registered with strawberry.enum")
    values = enum_cls.__strawberry_definition__.values
    missing = sorted({v.name for v in values} - set(descriptions))
    unknown = sorted(set(descriptions) - {v.name for v in values})
    if missing or unknown:
        raise ValueError(f"{enum_cls.__name__}: no description for {missing}, not members: {unknown}")
    for value in values:
        value.description = descriptions[value.name]
