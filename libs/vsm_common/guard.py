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
                body = (
                    b'{"errors":[{"message":"requests must come through the vsm gateway",'
                    b'"extensions":{"code":"FORBIDDEN"}}]}'
                )
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self._app(scope, receive, send)
