"""Errors that domain code raises and the API turns into clear client errors."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an input or a state change.

    ``field`` names the input field (dotted path, e.g. ``input.parentIds``) and
    ``rule`` a stable machine-readable rule id (e.g. ``goal.parent_level``), so a
    client can show the message next to the right field and react to the rule.
    """

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None, rule: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def extensions(self) -> dict[str, object]:
        ext: dict[str, object] = {"code": self.code, "rule": self.rule}
        if self.field is not None:
            ext["field"] = self.field
        return ext


class NotFound(DomainError):
    """A referenced thing does not exist."""

    code = "NOT_FOUND"


class Conflict(DomainError):
    """The request is valid but clashes with what is stored (e.g. a duplicate code)."""

    code = "CONFLICT"


class Forbidden(DomainError):
    """The caller may not do this."""

    code = "FORBIDDEN"
