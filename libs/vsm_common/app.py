"""Builds the ASGI app of a service from its definition."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from strawberry.fastapi import GraphQLRouter

from .definition import ServiceDefinition
from .guard import GatewaySecretMiddleware
from .health import health_router
from .runtime import Runtime
from .settings import ServiceSettings
from .telemetry import setup_telemetry, shutdown_telemetry


def create_app(definition: ServiceDefinition, settings: ServiceSettings) -> FastAPI:
    if not settings.gateway_secret:
        raise SystemExit("VSM_GATEWAY_SECRET must be set: subgraphs only answer the gateway")
    setup_telemetry(f"vsm-{definition.name}", settings.otlp_endpoint)
    runtime = Runtime(definition, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.open_database()
        await runtime.start_messaging()
        try:
            yield
        finally:
            await runtime.close()
            shutdown_telemetry()

    async def context_getter(request: Request) -> Any:
        return await definition.context(runtime, request)

    app = FastAPI(title=f"vsm {definition.name}", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    app.include_router(health_router(runtime))
    app.include_router(
        GraphQLRouter(
            definition.schema,
            path="/graphql",
            graphql_ide=None,  # the IDE lives at the gateway
            allow_queries_via_get=False,
            context_getter=context_getter,
        )
    )
    app.add_middleware(GatewaySecretMiddleware, secret=settings.gateway_secret)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health")
    return app
