"""Per-request context of the goals subgraph."""

from __future__ import annotations

from fastapi import Request
from strawberry.fastapi import BaseContext

from vsm_common.runtime import Runtime

from .loaders import Loaders


class GoalsContext(BaseContext):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.runtime = runtime
        self.loaders = Loaders(runtime.pool)


async def make_context(runtime: Runtime, request: Request) -> GoalsContext:
    return GoalsContext(runtime)
