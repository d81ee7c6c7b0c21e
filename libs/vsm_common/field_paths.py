"""Domain keys to GraphQL paths: where an error's field is, said in the API's words.

The domain and the use cases raise :class:`~vsm_common.errors.DomainError` with a domain key
(``parent_ids``, ``decision.body_id``, :data:`~vsm_common.errors.TARGET`); each service's
``api/errors.py`` declares per mutation how its keys read in GraphQL (:class:`OperationPaths`),
and :class:`~vsm_common.graphql.DomainErrors` applies the table by the root field's name. So the
same rule names ``decision.bodyId`` in one mutation and ``input.decision.bodyId`` in another, and
the domain never writes a GraphQL path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import TARGET


def camel(key: str) -> str:
    """``decision.body_id`` -> ``decision.bodyId``; a path segment that is a list index stays."""
    parts = []
    for segment in key.split("."):
        head, *rest = segment.split("_")
        parts.append(head + "".join(word[:1].upper() + word[1:] for word in rest))
    return ".".join(parts)


@dataclass(frozen=True)
class OperationPaths:
    """How one operation's domain keys read as GraphQL paths.

    ``target``: the argument naming the aggregate operated on (``id``, ``planId``, ``input.cycleId``).
    ``prefix``: where the operation's input object is (``input``), put before every other key.
    ``rename``: keys (or their first segment) whose GraphQL name differs (``goal_ids`` -> ``concreteGoals``),
    given as full GraphQL paths (the prefix is not added to them).
    """

    target: str | None = None
    prefix: str | None = None
    rename: Mapping[str, str] = field(default_factory=dict)

    def path(self, key: str) -> str:
        if key == TARGET:
            return self.target or key
        if key in self.rename:
            return self.rename[key]
        head, dot, rest = key.partition(".")
        if dot and head in self.rename:
            return f"{self.rename[head]}.{camel(rest)}"
        path = camel(key)
        return f"{self.prefix}.{path}" if self.prefix else path


FieldPaths = Mapping[str, OperationPaths]
"""Per root field name (``adoptGoal``, ``createDirective``): its :class:`OperationPaths`."""

# An operation the table does not name: keys in camelCase, as they are.
PLAIN = OperationPaths()


def graphql_path(key: str, operation: str | None, paths: FieldPaths) -> str:
    """The GraphQL path of ``key`` in the operation whose root field is ``operation``."""
    entry = paths.get(operation) if operation is not None else None
    return (entry or PLAIN).path(key)
