"""GraphQL plumbing shared by the subgraphs: error shaping, caches, an operation span."""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence

from graphql.error import GraphQLError
from opentelemetry import trace
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.types.enum import has_enum_definition

from .db import database_unavailable
from .errors import DomainError
from .inputs import InputRules

log = logging.getLogger(__name__)
tracer = trace.get_tracer("vsm.graphql")


INVALID_INPUT = {"code": "BAD_USER_INPUT", "rule": "input.invalid"}
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

    Unexpected exceptions are logged with their traceback and reach the client only
    as "Internal error", so no stack trace or SQL ever leaks.
    """

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
                extensions = cause.extensions() if isinstance(cause, DomainError) else dict(INVALID_INPUT)
                shaped.append(GraphQLError(error.message, nodes=error.nodes, path=error.path, extensions=extensions))
            elif original is None:
                shaped.append(error)  # a validation error about the query itself
            elif isinstance(original, DomainError):
                shaped.append(
                    GraphQLError(
                        original.message,
                        nodes=error.nodes,
                        path=error.path,
                        extensions=original.extensions(),
                    )
                )
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


class OperationSpan(SchemaExtension):
    """One span per GraphQL operation, named by its operation; no arguments recorded.

    Per-resolver spans would cost more than the resolvers and tempt recording
    arguments (personal data), so the operation is the unit.
    """

    def on_operation(self) -> Iterator[None]:
        name = self.execution_context.operation_name or "anonymous"
        with tracer.start_as_current_span(f"graphql {name}") as span:
            yield
            result = self.execution_context.result
            if result is not None and getattr(result, "errors", None):
                span.set_attribute("graphql.errors", len(result.errors or []))


def standard_extensions() -> list[object]:
    # Factories, not instances: strawberry builds extensions per request; the parse and validation
    # caches themselves live at module level, shared by every request.
    from .authz import Authorization  # authz imports strawberry extensions too; keep import order simple
    from .metrics import GraphQLMetrics

    # Authorization before InputRules: a caller who may not run the operation learns nothing of its inputs.
    return [
        GraphQLMetrics,  # first: it times all the others and counts errors as DomainErrors shaped them
        OperationSpan,
        DomainErrors,
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
