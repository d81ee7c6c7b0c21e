"""The router's coprocessor: the front door refuses the tokens Hive Router 0.3.10 cannot judge (issue 12).

The router's ``jwt`` section checks a token's signature, issuer, audience and ``exp``, and nothing else: a
token with ``nbf`` or ``iat`` in the future, or without ``sub``, would reach a subgraph, be refused there
(401), and reach the client as HTTP 200 with UNAUTHENTICATED beside SUBREQUEST_HTTP_ERROR. So the router's
``coprocessor`` (services/gateway/router/router.<profile>.yaml) has a ``router.request`` stage whose VRL
``condition`` decodes the token's payload, unverified, and calls out only when it shows such a problem:
normal requests pay no call. The call goes to ``POST /gateway/token-check`` of a subgraph (every service
mounts it; the router's files name goals' through ``VSM_GATEWAY_TOKEN_CHECK_URL``), which verifies the token
with the service's own :class:`~vsm_common.auth.TokenVerifier` and answers in the coprocessor protocol
(version 1, src/executor/coprocessor/protocol.rs and stage.rs of the crate):

- ``{"version": 1, "control": "continue"}``: the token is good, or the router refuses it by itself
  (bad signature, issuer, audience, ``exp``: its own 403 stays);
- ``{"version": 1, "control": {"break": 401}, "headers": ..., "body": {"errors": [...]}}``: the router
  answers the client with this status, headers and body, before any GraphQL work or subgraph call.

The route needs neither the gateway secret nor a token (the router cannot send either to a coprocessor):
it only tells whether a token its caller holds is refused and why, as the front door itself does. It is
reachable where ``/metrics`` is (deploy/ NetworkPolicies: the gateway and Prometheus).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .auth import TokenVerifier

log = logging.getLogger(__name__)

TOKEN_CHECK_PATH = "/gateway/token-check"  # noqa: S105 - a path, no secret
COPROCESSOR_VERSION = 1  # src/executor/coprocessor/protocol.rs: COPROCESSOR_VERSION
STAGE = "router.request"
BEARER = "Bearer"  # the router's default lookup: header `authorization`, prefix "Bearer" (case as written)
CONTINUE: dict[str, Any] = {"version": COPROCESSOR_VERSION, "control": "continue"}


class NotARouterRequest(ValueError):
    """The body is not a coprocessor ``router.request`` payload of protocol version 1."""


def bearer_of(payload: Mapping[str, Any]) -> str | None:
    """The token as the router reads it: the first ``authorization`` value, after ``Bearer``, trimmed.

    The payload's headers are ``{name: [value, ...]}`` (HeaderMapJsonRef in stage.rs: lower-case names).
    """
    headers = payload.get("headers")
    if not isinstance(headers, Mapping):
        return None
    values = headers.get("authorization")
    if not isinstance(values, list) or not values or not isinstance(values[0], str):
        return None
    value = values[0]
    if not value.startswith(BEARER):
        return None
    return value[len(BEARER) :].strip() or None


def refusal(reason: str) -> dict[str, Any]:
    """The coprocessor's answer that stops the request: 401 with a GraphQL error naming the reason."""
    return {
        "version": COPROCESSOR_VERSION,
        "control": {"break": 401},
        "headers": {
            "content-type": "application/json",
            "www-authenticate": 'Bearer realm="vsm", error="invalid_token"',
        },
        "body": {"errors": [{"message": reason, "extensions": {"code": "UNAUTHENTICATED"}}]},
    }


def answer(payload: Any, verifier: TokenVerifier) -> dict[str, Any]:
    """The coprocessor's answer to one ``router.request`` call (blocking: it may fetch the JWKS)."""
    if (
        not isinstance(payload, Mapping)
        or payload.get("version") != COPROCESSOR_VERSION
        or payload.get("stage") != STAGE
    ):
        raise NotARouterRequest("expected a coprocessor router.request payload of version 1")
    token = bearer_of(payload)
    reason = verifier.refusal_beyond_the_router(token) if token else None
    return CONTINUE if reason is None else refusal(reason)


def token_check_router(verifier: TokenVerifier, count: Callable[[str], None] | None = None) -> APIRouter:
    """``POST /gateway/token-check``; ``count`` is told each answer (``refused`` or ``passed``)."""
    router = APIRouter()

    @router.post(TOKEN_CHECK_PATH, include_in_schema=False)
    async def token_check(request: Request) -> JSONResponse:
        try:
            payload = await request.json()
        except ValueError:
            return JSONResponse({"error": "not JSON"}, status_code=400)
        try:
            result = await asyncio.to_thread(answer, payload, verifier)
        except NotARouterRequest as err:
            return JSONResponse({"error": str(err)}, status_code=400)
        refused = result is not CONTINUE
        if refused:
            log.info("the front door refuses a token: %s", result["body"]["errors"][0]["message"])
        if count is not None:
            count("refused" if refused else "passed")
        return JSONResponse(result)

    return router
