"""Per-request context of the goals subgraph."""

from __future__ import annotations

from typing import cast

from fastapi import Request
from strawberry.fastapi import BaseContext

from vsm_common.access import RowScope
from vsm_common.auth import Principal, principal_of
from vsm_common.runtime import Runtime

from ..ports import GoalsUnitOfWork
from ..service.employee_goals import Reader
from .loaders import Loaders


def employee_goal_scope(principal: Principal) -> RowScope:
    """Whose medarbetarmål the caller may see: everyone's (the HR system), its unit's (a manager), or its own."""
    if principal.has("hr-system"):
        return RowScope.all()
    if principal.has("manager") and principal.organization:
        return RowScope.of_organization(principal.organization)
    if principal.has("employee"):
        return RowScope.of_person(principal.subject)
    return RowScope()  # nobody's: the access policy refuses these roles before they get here


class GoalsContext(BaseContext):
    def __init__(self, runtime: Runtime, principal: Principal) -> None:
        super().__init__()
        self.runtime = runtime
        self.principal = principal
        # The access log of medarbetarmål names the verified subject of the token, never a header.
        self.actor = principal.subject[:200]
        self.employee_goal_scope = employee_goal_scope(principal)
        self.loaders = Loaders(runtime.pool, self.uow, self.reader("federated read"))

    def uow(self) -> GoalsUnitOfWork:
        """A unit of work for one use case (``wiring.py`` makes the runtime's a ``SqlGoalsUnitOfWork``)."""
        return cast(GoalsUnitOfWork, self.runtime.unit_of_work())

    def reader(self, purpose: str | None) -> Reader:
        return Reader(self.actor, (purpose or "not stated").strip()[:500], self.employee_goal_scope)


async def make_context(runtime: Runtime, request: Request) -> GoalsContext:
    return GoalsContext(runtime, principal_of(request))
