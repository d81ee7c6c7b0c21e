"""The web app's server (issue 16): ``services/web/dist`` and a same-origin ``/graphql`` pipe to the front door.

Hive Router 0.3.10 serves no static files, so ``Stack.start_web`` (``make run``, the browser tests) runs this
beside it: ``python -m vsm_dev.web``. It serves Vite's build, ``/config.json`` (what the app needs to know
at start: where the API is, the municipality's time zone, how to sign in), pipes ``POST /graphql`` to the
stack's front door and, in development only, mints tokens of the stack's dev issuer for the sign-in chooser
(``POST /dev-issuer/token``). Production serves ``dist/`` from its ingress in the same shape.

Environment: VSM_HOST, VSM_WEB_PORT (4080), VSM_WEB_API_URL (the front door's /graphql), VSM_WEB_DIST,
VSM_PROFILE, VSM_DATA_DIR (the dev issuer's key pair), VSM_JWKS_URL (an external identity provider: no dev
tokens), VSM_TIMEZONE, VSM_OIDC_AUTHORITY / VSM_OIDC_CLIENT_ID / VSM_OIDC_SCOPE.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .identity import DEFAULT_TTL_SECONDS, ORG_ROLES, DevIssuer, IdentityError

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "services" / "web" / "dist"
DEFAULT_PORT = 4080
# The people a development token may stand for; machine roles (hr-system, budget-system) and ops never
# sign in to the app.
PERSON_ROLES = ("planner", "committee", "manager", "employee", "reader")
# What the browser may send on to the front door: never cookies, and never the gateway's own secret.
FORWARDED_REQUEST_HEADERS = ("authorization", "content-type", "accept", "x-graphql-csrf", "traceparent", "tracestate")
FORWARDED_RESPONSE_HEADERS = ("content-type", "www-authenticate")
MAX_BODY_BYTES = 16 * 1024 * 1024
# Over the front door's own 120 s for a request, so its answer (not ours) reaches the app.
PIPE_TIMEOUT_S = 130.0
# Paths the server answers itself: a GET of them never falls back to the app.
SERVER_PATHS = ("graphql", "dev-issuer/token")


@dataclass(frozen=True)
class OidcSettings:
    authority: str
    client_id: str
    scope: str


@dataclass(frozen=True)
class WebSettings:
    dist: Path
    api_url: str  # the front door's /graphql
    profile: str = "development"
    issuer: DevIssuer | None = None  # the stack's own identity provider; None under VSM_JWKS_URL
    time_zone: str = "Europe/Stockholm"
    oidc: OidcSettings | None = None

    @property
    def dev_tokens(self) -> bool:
        """Three conditions keep the token endpoint out of production: the profile, an issuer of our own,
        and the front door trusting only that issuer's jwks.json (which a production one never reads)."""
        return self.profile == "development" and self.issuer is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> WebSettings:
        profile = env.get("VSM_PROFILE", "development")
        issuer = None
        if profile == "development" and not env.get("VSM_JWKS_URL"):
            issuer = DevIssuer.load_or_create(Path(env.get("VSM_DATA_DIR") or ROOT / ".data").resolve())
        oidc = None
        if env.get("VSM_OIDC_AUTHORITY"):
            oidc = OidcSettings(
                authority=env["VSM_OIDC_AUTHORITY"],
                client_id=env.get("VSM_OIDC_CLIENT_ID") or "vsm-web",
                scope=env.get("VSM_OIDC_SCOPE") or "vsm",
            )
        host = env.get("VSM_HOST", "127.0.0.1")
        return cls(
            dist=Path(env.get("VSM_WEB_DIST") or DIST),
            api_url=env.get("VSM_WEB_API_URL") or f"http://{host}:{env.get('VSM_GATEWAY_PORT', '4000')}/graphql",
            profile=profile,
            issuer=issuer,
            time_zone=env.get("VSM_TIMEZONE") or "Europe/Stockholm",
            oidc=oidc,
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(settings: WebSettings) -> list[tuple[bytes, bytes]]:
    # Vite emits no inline script or style, so nothing needs 'unsafe-inline'; the OIDC client talks to the
    # provider's discovery and token endpoints from the page.
    connect = "'self'" + (f" {_origin(settings.oidc.authority)}" if settings.oidc else "")
    csp = (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        f"frame-ancestors 'none'; connect-src {connect}"
    )
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]


class SecurityHeaders:
    """Adds the security headers to every answer, errors and 404s included."""

    def __init__(self, app: ASGIApp, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in self.headers}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*kept, *self.headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def client_config(settings: WebSettings) -> dict[str, Any]:
    """``/config.json``: the app reads it before anything else, so one build runs in every installation."""
    auth: dict[str, Any]
    if settings.oidc is not None:
        auth = {
            "mode": "oidc",
            "authority": settings.oidc.authority,
            "clientId": settings.oidc.client_id,
            "scope": settings.oidc.scope,
        }
    elif settings.dev_tokens:
        auth = {"mode": "development"}
    else:
        raise ValueError("no way to sign in: set VSM_OIDC_AUTHORITY, or run the development profile with its issuer")
    return {"apiUrl": "/graphql", "timeZone": settings.time_zone, "auth": auth}


def _invalid(field: str, description: str) -> JSONResponse:
    return JSONResponse({"error": "invalid_request", "error_description": description, "field": field}, 400)


def _field_of(role: str, org: str | None, sub: str | None) -> str:
    """Which of the chooser's fields an IdentityError is about, so the app shows it there."""
    if sub is not None and not sub.strip():
        return "sub"
    return "org" if (role in ORG_ROLES) != bool(org) else "role"


def create_app(settings: WebSettings, transport: httpx.AsyncBaseTransport | None = None) -> ASGIApp:
    """The server; ``transport`` stands in for the front door in unit tests."""
    config = client_config(settings)  # fails at start, not at the first browser

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(transport=transport, timeout=PIPE_TIMEOUT_S) as client:
            app.state.client = client
            yield

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    async def config_json(_: Request) -> Response:
        return JSONResponse(config, headers={"cache-control": "no-cache"})

    async def graphql(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return PlainTextResponse("request body too large", 413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return PlainTextResponse("request body too large", 413)
        headers = {name: request.headers[name] for name in FORWARDED_REQUEST_HEADERS if name in request.headers}
        client: httpx.AsyncClient = request.app.state.client
        try:
            answer = await client.post(settings.api_url, content=bytes(body), headers=headers)
        except httpx.TimeoutException:
            return PlainTextResponse("the front door did not answer in time", 504)
        except httpx.TransportError:
            # No JSON body on purpose: the app tells "could not reach vsm" from an answer of vsm.
            return PlainTextResponse("the front door cannot be reached", 502)
        kept = {name: answer.headers[name] for name in FORWARDED_RESPONSE_HEADERS if name in answer.headers}
        return Response(answer.content, answer.status_code, headers=kept)

    async def dev_token(request: Request) -> Response:
        # JSON only: a cross-site form cannot send it without a preflight this server never allows.
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return PlainTextResponse("send application/json", 415)
        try:
            asked = json.loads(await request.body())
        except ValueError:
            return _invalid("role", "the body is not JSON")
        if not isinstance(asked, dict):
            return _invalid("role", "the body must be a JSON object")
        role, org, sub = asked.get("role"), asked.get("org") or None, asked.get("sub")
        if not isinstance(role, str) or role not in PERSON_ROLES:
            return _invalid("role", f"role must be one of {', '.join(PERSON_ROLES)}")
        for name, value in (("org", org), ("sub", sub)):
            if value is not None and not isinstance(value, str):
                return _invalid(name, f"{name} must be a string")
        assert settings.issuer is not None  # mounted only with one
        try:
            token = settings.issuer.mint(role, org=org, sub=sub)
        except IdentityError as err:
            return _invalid(_field_of(role, org, sub), str(err))
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "expires_in": DEFAULT_TTL_SECONDS},
            headers={"cache-control": "no-store"},
        )

    dist = settings.dist.resolve()

    async def static_or_app(request: Request) -> Response:
        path = request.path_params["path"]
        if request.method not in ("GET", "HEAD"):
            return PlainTextResponse("not found", 404)
        if path in SERVER_PATHS:
            return PlainTextResponse("method not allowed", 405, headers={"allow": "POST"})
        wanted = (dist / path).resolve()
        if path and wanted.is_relative_to(dist) and wanted.is_file():
            # Vite names every asset by its content hash, so a browser may keep it for good.
            immutable = path.startswith("assets/")
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(wanted, headers={"cache-control": cache})
        if "." in path.rsplit("/", 1)[-1]:
            return PlainTextResponse("not found", 404)
        index = dist / "index.html"
        if not index.is_file():
            return PlainTextResponse("the web app is not built: run make web", 503)
        return FileResponse(index, headers={"cache-control": "no-cache"})

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/config.json", config_json, methods=["GET"]),
        Route("/graphql", graphql, methods=["POST"]),
    ]
    if settings.dev_tokens:
        routes.append(Route("/dev-issuer/token", dev_token, methods=["POST"]))
    all_methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    routes.append(Route("/{path:path}", static_or_app, methods=all_methods))
    return SecurityHeaders(Starlette(routes=routes, lifespan=lifespan), security_headers(settings))


def main() -> None:
    import uvicorn

    settings = WebSettings.from_env()
    host, port = os.environ.get("VSM_HOST", "127.0.0.1"), int(os.environ.get("VSM_WEB_PORT", DEFAULT_PORT))
    # No access log: paths and queries of the app are its users' navigation, and nobody reads them here.
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="info")


if __name__ == "__main__":
    main()
