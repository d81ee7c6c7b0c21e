"""Per-request context of the goals subgraph."""

from __future__ import annotations

from fastapi import Request
from strawberry.fastapi import BaseContext

from vsm_common.runtime import Runtime

from ..employee_goals import Reader
from .loaders import Loaders

ACTOR_HEADER = "x-vsm-actor"


class GoalsContext(BaseContext):
    def __init__(self, runtime: Runtime, actor: str) -> None:
        super().__init__()
        self.runtime = runtime
        self.actor = actor
        self.loaders = Loaders(runtime, Reader(actor, "federated read"))


async def make_context(runtime: Runtime, request: Request) -> GoalsContext:
    # Until the gateway verifies identities (JWT), the actor is what the caller says it is; the
    # access log records it verbatim so the log is complete, not yet trustworthy.
    return GoalsContext(runtime, request.headers.get(ACTOR_HEADER, "anonymous")[:200])
