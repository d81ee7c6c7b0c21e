"""Operations endpoints: liveness and readiness for supervisors and Kubernetes probes, and /metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from .metrics import metrics_router

if TYPE_CHECKING:
    from .runtime import Runtime


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter()

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready")
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)

    # Prometheus scrapes beside the probes: open like them (the gateway secret and the token guard /graphql only).
    router.include_router(metrics_router(runtime))
    return router
