"""Row-level access: whose rows a caller reaches, decided by pure checks (no I/O).

One idiom in every service: the API builds the caller's :class:`RowScope` from the token
(``vsm_common.authz.acting_scope``); the use case loads the row's owner through its unit of work,
then makes one call here. The access policy decides which operations a role may run at all; the
scope decides on which rows (one organisation's, one person's, or all).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .errors import Forbidden


@dataclass(frozen=True)
class RowScope:
    """Whose rows a caller reaches: all, one organisation's (the token's ``vsm_org`` code), one
    person's (the token's subject). ``RowScope()`` reaches nothing."""

    everyone: bool = False
    organization: str | None = None
    person: str | None = None

    @classmethod
    def all(cls) -> RowScope:
        return cls(everyone=True)

    @classmethod
    def of_organization(cls, code: str) -> RowScope:
        return cls(organization=code)

    @classmethod
    def of_person(cls, ref: str, organization: str | None = None) -> RowScope:
        return cls(person=ref, organization=organization)

    def reaches_organization(self, codes: Collection[str]) -> bool:
        """Whether a row owned by (or directed to) any of ``codes`` is the caller's."""
        return self.everyone or (self.organization is not None and self.organization in codes)

    def require_organization(self, codes: Collection[str], key: str, message: str | None = None) -> None:
        """Refuse (``access.own_organization``, at domain key ``key``) a row none of whose ``codes`` is the caller's."""
        if self.reaches_organization(codes):
            return
        raise Forbidden(
            message
            or f"{{field}}: this token acts for {self.organization} and may not act for {', '.join(sorted(codes))}",
            key=key,
            rule="access.own_organization",
        )

    def require_person(self, ref: str, key: str, rule: str, message: str) -> None:
        """Refuse (``rule``) a row of another person than the caller, unless the scope reaches everyone."""
        if self.everyone or (self.person is not None and self.person == ref):
            return
        raise Forbidden(message, key=key, rule=rule)
