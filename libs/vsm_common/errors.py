"""Errors that domain code raises and the API turns into clear client errors."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an input or a state change.

    ``rule`` is a stable machine-readable rule id (e.g. ``goal.parent_level``), so a client can react
    to it. Where it went wrong is said one of two ways:

    - ``key``: a domain key, a model attribute in snake_case (``parent_ids``, ``decision.body_id``) or
      :data:`TARGET` (the aggregate the operation addresses). The domain and the use cases raise
      with keys; the API maps them to the operation's GraphQL path (``vsm_common.field_paths``), so a
      rule shared by several mutations names the right field in each.
    - ``field``: a GraphQL path already (``input.parentIds``), for what the API layer raises itself.

    A message may hold ``{field}``, filled in with the GraphQL path when there is one and with the
    key otherwise (:meth:`text`).
    """

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None, key: str | None = None, rule: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.key = key
        self.rule = rule

    def text(self, field: str | None = None) -> str:
        """The message with ``{field}`` filled in (by ``field``, else the error's own field or key)."""
        where = field or self.field or self.key
        return self.message.replace("{field}", where) if where else self.message

    def __str__(self) -> str:
        return self.text()

    def extensions(self, field: str | None = None) -> dict[str, object]:
        """The GraphQL error extensions; ``field`` is the GraphQL path the API mapped ``key`` to."""
        ext: dict[str, object] = {"code": self.code, "rule": self.rule}
        where = field or self.field or self.key
        if where is not None:
            ext["field"] = where
        return ext


# The key of the aggregate an operation addresses ("the plan", "the directive"): the API maps it to
# the argument that names it (``id``, ``planId``, ``input.cycleId``).
TARGET = "target"


class NotFound(DomainError):
    """A referenced thing does not exist."""

    code = "NOT_FOUND"


class Conflict(DomainError):
    """The request is valid but clashes with what is stored (e.g. a duplicate code)."""

    code = "CONFLICT"


class Forbidden(DomainError):
    """The caller may not do this."""

    code = "FORBIDDEN"
