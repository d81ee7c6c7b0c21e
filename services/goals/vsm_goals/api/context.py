"""Per-request context of the goals subgraph."""

from __future__ import annotations

from typing import cast

from fastapi import Request
from strawberry.fastapi import BaseContext

from vsm_common.auth import Principal, principal_of
from vsm_common.runtime import Runtime

from ..domain.ports import GoalsUnitOfWork
from ..service.employee_goals import Reader, Scope
from .loaders import Loaders


class GoalsContext(BaseContext):
    def __init__(self, runtime: Runtime, principal: Principal) -> None:
        super().__init__()
        self.runtime = runtime
        self.principal = principal
        # The access log of medarbetarmål names the verified subject of the token, never a header.
        self.actor = principal.subject[:200]
        self.employee_goal_scope = Scope.of(principal)
        self.loaders = Loaders(runtime.pool, self.uow, self.reader("federated read"))

    def uow(self) -> GoalsUnitOfWork:
        """A unit of work for one use case (``wiring.py`` makes the runtime's a ``SqlGoalsUnitOfWork``)."""
        return cast(GoalsUnitOfWork, self.runtime.unit_of_work())

    def reader(self, purpose: str | None) -> Reader:
        return Reader(self.actor, (purpose or "not stated").strip()[:500], self.employee_goal_scope)


async def make_context(runtime: Runtime, request: Request) -> GoalsContext:
    return GoalsContext(runtime, principal_of(request))
