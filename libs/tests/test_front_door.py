"""The router's coprocessor (vsm_common.front_door, issue 12): which tokens the front door refuses itself."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from vsm_common.auth import TokenVerifier, Unauthenticated
from vsm_common.front_door import CONTINUE, TOKEN_CHECK_PATH, NotARouterRequest, answer, bearer_of, token_check_router
from vsm_common.testing import TEST_AUDIENCE, TEST_ISSUER, TEST_KID, signing_key, trusting_verifier

ISSUER, AUDIENCE, KID = TEST_ISSUER, TEST_AUDIENCE, TEST_KID
DROP = object()  # a claim left out (None is a JSON null)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return signing_key()


@pytest.fixture
def verifier(key: rsa.RSAPrivateKey, tmp_path: Path) -> TokenVerifier:
    return trusting_verifier(key, tmp_path, max_token_bytes=4096)


@dataclass(frozen=True)
class FromNow:
    """A time claim relative to the moment the token is signed, so a case means the same however long the
    suite has run before it (a time fixed at import drifts into the leeway)."""

    seconds: float
    as_text: bool = False

    def at(self, now: int) -> float | str:
        value = now + self.seconds
        return str(value) if self.as_text else value


def token(key: rsa.RSAPrivateKey, signer: rsa.RSAPrivateKey | None = None, **changes: Any) -> str:
    """A good token with ``changes`` (DROP leaves a claim out)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "s",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "j",
        "vsm_roles": ["planner"],
    }
    claims.update({k: v.at(now) if isinstance(v, FromNow) else v for k, v in changes.items()})
    present = {k: v for k, v in claims.items() if v is not DROP}
    return jwt.encode(present, signer or key, algorithm="RS256", headers={"kid": KID})


def call(token: str | None, **payload: Any) -> dict[str, Any]:
    headers = {"host": ["router"]} | ({"authorization": [f"Bearer {token}"]} if token else {})
    return {"version": 1, "stage": "router.request", "id": "1", "headers": headers, **payload}


# What the router's `jwt` passes and a subgraph refuses, and the reason the client is told.
REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    "nbf in an hour": ({"nbf": FromNow(3600)}, "token not yet valid (nbf)"),
    "nbf past the leeway": ({"nbf": FromNow(90)}, "token not yet valid (nbf)"),
    "iat in an hour": ({"iat": FromNow(3600)}, "token issued in the future (iat)"),
    "nbf null": ({"nbf": None}, "token's nbf is not a number"),
    "iat null": ({"iat": None}, "token's iat is not a number"),
    "no sub": ({"sub": DROP}, "token has no sub"),
    "sub null": ({"sub": None}, "token has no sub"),
    "blank sub": ({"sub": "  "}, "token's sub is empty"),
    "jti null": ({"jti": None}, "token's jti is not a string"),
    "roles a string": ({"vsm_roles": "planner"}, "token's vsm_roles is not a list of strings"),
    "roles null": ({"vsm_roles": None}, "token's vsm_roles is not a list of strings"),
    "roles not all strings": ({"vsm_roles": ["planner", 1]}, "token's vsm_roles is not a list of strings"),
    "org a number": ({"vsm_org": 7}, "token's vsm_org is not a string"),
    "over the length": ({"pad": "x" * 5000}, "token too long"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_what_the_router_cannot_judge_is_refused_with_the_reason(
    key: rsa.RSAPrivateKey, verifier: TokenVerifier, case: str
) -> None:
    changes, reason = REFUSED[case]
    bad = token(key, **changes)
    result = answer(call(bad), verifier)
    assert result["version"] == 1 and result["control"] == {"break": 401}
    [error] = result["body"]["errors"]
    assert error["message"].startswith(reason) and error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert result["headers"]["content-type"] == "application/json"
    assert result["headers"]["www-authenticate"].startswith('Bearer realm="vsm"')
    with pytest.raises(Unauthenticated):  # and a subgraph refuses it alike
        verifier.verify(bad)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"nbf": FromNow(30), "iat": FromNow(30)},  # within the 60 s leeway, as the subgraphs
        {"vsm_roles": [], "vsm_org": None},
        {"nbf": DROP, "iat": DROP, "jti": DROP},
    ],
)
def test_a_good_token_goes_on(key: rsa.RSAPrivateKey, verifier: TokenVerifier, changes: dict[str, Any]) -> None:
    good = token(key, **changes)
    assert answer(call(good), verifier) == CONTINUE
    assert verifier.verify(good).subject == "s"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://other.example/"},
        {"aud": "another-api"},
        {"exp": FromNow(-3600)},
        {"exp": DROP},
        # Claims of a type its JwtClaims cannot read (u64 times, string sub and jti): 403 MISSING_JWT.
        {"nbf": FromNow(3600, as_text=True)},
        {"iat": FromNow(0.5)},
        {"exp": FromNow(600, as_text=True)},
        {"sub": 7},
        {"jti": 7, "sub": "s"},
    ],
)
def test_what_the_router_refuses_itself_is_left_to_it(
    key: rsa.RSAPrivateKey, verifier: TokenVerifier, changes: dict[str, Any]
) -> None:
    """A bad issuer, audience, expiry or claim type (here with a future nbf or no sub too) keeps the router's 403;
    a subgraph refuses such a token too."""
    bad = token(key, **{"nbf": FromNow(3600), "sub": DROP, **changes})
    assert answer(call(bad), verifier) == CONTINUE
    with pytest.raises(Unauthenticated):
        verifier.verify(bad)


def test_a_bad_signature_is_left_to_the_router(key: rsa.RSAPrivateKey, verifier: TokenVerifier) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert answer(call(token(key, other, nbf=FromNow(3600))), verifier) == CONTINUE
    assert answer(call("not-a-jwt"), verifier) == CONTINUE
    assert answer(call(None), verifier) == CONTINUE


def test_the_token_is_read_as_the_router_reads_it(key: rsa.RSAPrivateKey) -> None:
    assert bearer_of({"headers": {"authorization": ["Bearer  abc "]}}) == "abc"
    assert bearer_of({"headers": {"authorization": ["Bearerabc"]}}) == "abc"  # strip_prefix, then trim
    assert bearer_of({"headers": {"authorization": ["bearer abc"]}}) is None  # the prefix is case-sensitive
    assert bearer_of({"headers": {"authorization": ["Bearer a", "Bearer b"]}}) == "a"  # the first, as `jwt`
    assert bearer_of({"headers": {"authorization": ["Bearer "]}}) is None
    assert bearer_of({"headers": {}}) is None and bearer_of({}) is None


@pytest.mark.parametrize(
    "payload",
    [[], {"version": 2, "stage": "router.request"}, {"version": 1, "stage": "graphql.request"}],
)
def test_anything_but_a_router_request_is_refused(verifier: TokenVerifier, payload: Any) -> None:
    with pytest.raises(NotARouterRequest):
        answer(payload, verifier)


def test_the_route_answers_the_router_and_counts(key: rsa.RSAPrivateKey, verifier: TokenVerifier) -> None:
    counted: list[str] = []
    app = FastAPI()
    app.include_router(token_check_router(verifier, counted.append))

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://goals") as http:
            return [
                await http.post(TOKEN_CHECK_PATH, json=call(token(key, nbf=FromNow(3600)))),
                await http.post(TOKEN_CHECK_PATH, json=call(token(key))),
                await http.post(TOKEN_CHECK_PATH, content=b"{"),
                await http.post(TOKEN_CHECK_PATH, json={"version": 2}),
            ]

    refused, passed, not_json, not_v1 = asyncio.run(go())
    assert refused.status_code == 200 and refused.json()["control"] == {"break": 401}
    assert refused.json()["body"]["errors"][0]["message"] == "token not yet valid (nbf)"
    assert passed.status_code == 200 and passed.json() == {"version": 1, "control": "continue"}
    assert not_json.status_code == 400 and not_v1.status_code == 400
    assert counted == ["refused", "passed"]
