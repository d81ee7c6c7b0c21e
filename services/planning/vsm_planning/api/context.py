"""Per-request context of the planning subgraph."""

from __future__ import annotations

from typing import cast

from fastapi import Request
from strawberry.fastapi import BaseContext

from vsm_common.auth import Principal, principal_of
from vsm_common.runtime import Runtime

from ..ports import PlanningUnitOfWork
from .loaders import Loaders


class PlanningContext(BaseContext):
    def __init__(self, runtime: Runtime, principal: Principal) -> None:
        super().__init__()
        self.runtime = runtime
        self.principal = principal
        self.loaders = Loaders(runtime.pool)

    def uow(self) -> PlanningUnitOfWork:
        """A unit of work for one use case (``wiring.py`` makes the runtime's a ``SqlPlanningUnitOfWork``)."""
        return cast(PlanningUnitOfWork, self.runtime.unit_of_work())


async def make_context(runtime: Runtime, request: Request) -> PlanningContext:
    return PlanningContext(runtime, principal_of(request))
