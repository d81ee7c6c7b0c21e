"""Only the gateway may call a subgraph: requests must carry the gateway secret, and be of a bounded size."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class RequestSizeMiddleware:
    """Refuses a GraphQL request whose body is over ``max_bytes`` (413) before anything parses it.

    The body is read here (the GraphQL view reads it whole anyway) and handed on as one message.
    An oversized body is read to its end and thrown away, up to four times the limit, so the
    caller reads the 413 instead of a connection reset in the middle of its upload.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, protected_prefix: str = "/graphql") -> None:
        self._app = app
        self._max = max_bytes
        self._prefix = protected_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self._prefix):
            await self._app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self._max:
            await self._refuse(receive, send, 0)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the caller went away
            body = message.get("body", b"")
            size += len(body)
            if size > self._max:
                await self._refuse(receive, send, size, more=message.get("more_body", False))
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        handed_on = False

        async def replay() -> Message:
            nonlocal handed_on
            if handed_on:
                return await receive()  # after the body: the disconnect
            handed_on = True
            return whole

        await self._app(scope, replay, send)

    async def _refuse(self, receive: Receive, send: Send, read: int, more: bool = True) -> None:
        while more and read <= 4 * self._max:
            message = await receive()
            if message["type"] != "http.request":
                return
            read += len(message.get("body", b""))
            more = message.get("more_body", False)
        # The shape the Node gateway gave the same mistake (REQUEST_TOO_LARGE with the limit). Hive Router
        # refuses an oversized client body itself (413 PAYLOAD_TOO_LARGE_*), so whoever gets this is a
        # caller past the router, or the router with a subgraph request over this limit.
        body = (
            b'{"errors":[{"message":"The request body is larger than %d bytes.",'
            b'"extensions":{"code":"REQUEST_TOO_LARGE","limit":{"max":%d}}}]}' % (self._max, self._max)
        )
        # Whatever is left of an oversized upload must not be read as the next request.
        await send_json(send, 413, body, [(b"connection", b"close")])


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
