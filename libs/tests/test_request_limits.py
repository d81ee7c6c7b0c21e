"""The subgraphs' own limits: tokens (length, time claims), the request body, `_entities` representations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import strawberry
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.types import Receive, Scope, Send

from vsm_common.auth import AuthSettings, TokenVerifier, Unauthenticated, time_problem
from vsm_common.federation import Schema
from vsm_common.graphql import DomainErrors
from vsm_common.guard import RequestSizeMiddleware
from vsm_common.settings import ServiceSettings
from vsm_common.testing import TEST_AUDIENCE, TEST_ISSUER, TEST_KID, signing_key, trusting_verifier

ISSUER, AUDIENCE, KID = TEST_ISSUER, TEST_AUDIENCE, TEST_KID


# ------------------------------------------------------------------ tokens
@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return signing_key()


@pytest.fixture
def verifier(key: rsa.RSAPrivateKey, tmp_path: Path) -> TokenVerifier:
    return trusting_verifier(key, tmp_path, leeway_seconds=30, max_token_bytes=4096)


def token(key: rsa.RSAPrivateKey, **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": "s", "iat": now, "nbf": now, "exp": now + 600}
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="RS256", headers={"kid": KID})


def test_a_token_issued_within_the_tolerance_is_accepted(key: rsa.RSAPrivateKey, verifier: TokenVerifier) -> None:
    now = int(time.time())
    assert verifier.verify(token(key, iat=now + 10)).subject == "s"
    assert verifier.verify(token(key, iat=None, nbf=None)).subject == "s"


@pytest.mark.parametrize(
    "changes",
    [
        lambda now: {"iat": now + 86_400},  # a day in the future: the gateway refuses it too
        lambda now: {"iat": now + 120},
        lambda now: {"nbf": now + 86_400},
        lambda now: {"iat": str(now)},
        lambda now: {"exp": str(now + 600)},  # PyJWT alone would take a string
        lambda now: {"nbf": True},
        lambda now: {"pad": "x" * 5000},  # over max_token_bytes
    ],
)
def test_tokens_the_gateway_refuses_are_refused(
    key: rsa.RSAPrivateKey, verifier: TokenVerifier, changes: Callable[[int], dict[str, Any]]
) -> None:
    with pytest.raises(Unauthenticated):
        verifier.verify(token(key, **changes(int(time.time()))))


def test_time_claims() -> None:
    assert time_problem({"exp": 10.5, "nbf": 1, "iat": 130}, now=100, leeway=30) is None
    for claims in ({"exp": 10, "iat": 131}, {"exp": 10, "nbf": 131.5}, {"exp": float("nan")}, {"exp": [1]}):
        assert time_problem(claims, now=100, leeway=30) is not None, claims


def test_the_settings_share_the_gateways_variables() -> None:
    values = {"VSM_JWKS_PATH": "/k.json", "VSM_JWT_MAX_TOKEN_BYTES": "8192", "VSM_JWT_CLOCK_TOLERANCE_SECONDS": "45"}
    auth = AuthSettings.from_settings(ServiceSettings.model_validate(values))
    assert (auth.max_token_bytes, auth.leeway_seconds) == (8192, 45)
    defaults = ServiceSettings.model_validate({})
    assert (defaults.jwt_max_token_bytes, defaults.jwt_clock_tolerance_seconds) == (16_384, 60)
    assert (defaults.max_request_bytes, defaults.max_header_bytes) == (32 * 1024 * 1024, 256 * 1024)


# ------------------------------------------------------------------ the request body
async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"%d" % len(body)})


def post(body: bytes | Any, path: str = "/graphql") -> httpx.Response:
    app = RequestSizeMiddleware(echo, max_bytes=1000)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://subgraph") as http:
            return await http.post(path, content=body)

    return asyncio.run(go())


def test_a_body_at_the_limit_reaches_the_app_whole() -> None:
    response = post(b"x" * 1000)
    assert (response.status_code, response.text) == (200, "1000")


def test_a_body_over_the_limit_is_refused_with_413() -> None:
    response = post(b"x" * 1001)
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "message": "The request body is larger than 1000 bytes.",
                "extensions": {"code": "REQUEST_TOO_LARGE", "limit": {"max": 1000}},
            }
        ]
    }


def test_a_chunked_body_is_counted_as_it_arrives() -> None:
    def chunks(n: int) -> Any:
        async def gen() -> Any:
            for _ in range(n):
                yield b"x" * 300

        return gen()

    assert post(chunks(3)).status_code == 200
    assert post(chunks(4)).status_code == 413


def test_other_paths_are_not_limited() -> None:
    assert post(b"x" * 5000, path="/health/ready").status_code == 200


# ------------------------------------------------------------------ _entities representations
@strawberry.federation.type(keys=["id"])
class Thing:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Thing:
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def thing(self) -> Thing:
        return Thing(id=strawberry.ID("1"))


SCHEMA = Schema(query=Query, types=[Thing], federation_version="2.9", extensions=[DomainErrors])
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id } } }"


@pytest.mark.parametrize(
    ("representations", "rule"),
    [
        ([{"id": "1"}], "entities.typename"),
        ([{"__typename": None, "id": "1"}], "entities.typename"),
        ([{"__typename": "Nothing", "id": "1"}], "entities.typename"),
        ([{"__typename": "Query"}], "entities.typename"),
        ([{"__typename": "Thing"}], "entities.key"),
        ([{"__typename": "Thing", "id": {"nested": 1}}], "entities.key"),
        ([{"__typename": "Thing", "id": "a\x00"}], "entities.key"),
        (["Thing"], "entities.representation"),
    ],
)
def test_a_representation_strawberry_cannot_resolve_is_a_client_error(
    representations: list[Any], rule: str, caplog: pytest.LogCaptureFixture
) -> None:
    result = asyncio.run(SCHEMA.execute(ENTITIES, variable_values={"r": representations}))
    [error] = result.errors or []
    assert error.extensions == {"code": "BAD_USER_INPUT", "rule": rule, "field": "representations"}
    assert "Traceback" not in caplog.text  # a client's mistake is not logged as a server error


def test_good_representations_resolve() -> None:
    result = asyncio.run(SCHEMA.execute(ENTITIES, variable_values={"r": [{"__typename": "Thing", "id": "7"}]}))
    assert result.errors is None and result.data == {"_entities": [{"id": "7"}]}
