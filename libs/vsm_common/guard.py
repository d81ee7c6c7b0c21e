"""Only the gateway may call a subgraph: requests must carry the gateway secret."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

SECRET_HEADER = b"x-vsm-gateway-secret"


class GatewaySecretMiddleware:
    """Refuses GraphQL requests without the shared gateway secret (403).

    Subgraphs expose ``_entities`` and ``_service``, which no client should reach
    directly; health endpoints stay open for the orchestrator.
    """

    def __init__(self, app: ASGIApp, secret: str, protected_prefix: str = "/graphql") -> None:
        self._app = app
        self._secret = secret.encode()
        self._prefix = protected_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self._prefix):
            given = dict(scope["headers"]).get(SECRET_HEADER, b"")
            if not hmac.compare_digest(given, self._secret):
                await send_json(
                    send,
                    403,
                    b'{"errors":[{"message":"requests must come through the vsm gateway",'
                    b'"extensions":{"code":"FORBIDDEN"}}]}',
                )
                return
        await self._app(scope, receive, send)


async def send_json(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Answer a request from middleware, before it reaches the app: a JSON body with ``status``."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
