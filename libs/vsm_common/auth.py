"""Who is calling: the subgraphs verify the bearer token the gateway forwards, again.

The gateway verifies every token before it asks any subgraph; a subgraph does not take its word
for it. The gateway secret proves a request came through the gateway, the token proves who
asked: both are required on ``/graphql``, so a request that bypassed the gateway, or one the
gateway forwarded without a valid token, is refused before GraphQL sees it.

Keys come from a JWKS file (``VSM_JWKS_PATH``, the development issuer's) or the identity
provider's JWKS endpoint (``VSM_JWKS_URL``); tokens must be RS256, from ``VSM_JWT_ISSUER`` for
``VSM_JWT_AUDIENCE``, with ``sub`` and ``exp``.

Here a token must also be at most ``VSM_JWT_MAX_TOKEN_BYTES`` long, have ``exp``, ``nbf`` and ``iat``
numbers when present, neither ``nbf`` nor ``iat`` later than now plus ``VSM_JWT_CLOCK_TOLERANCE_SECONDS``,
``exp`` not earlier than now minus it, a ``sub`` that is a non-blank string, and ``vsm_roles`` a list of
strings. The front door (Hive Router 0.3.10, the ``jwt`` section of services/gateway/router/router.<profile>.yaml)
checks less and has no setting for more: signature, issuer, audience, and ``exp`` with a fixed 60 s leeway;
no ``nbf``, ``iat``, ``sub`` or length (its 32 KiB header limit is the only bound). For those its
``coprocessor`` asks a subgraph (:mod:`vsm_common.front_door`, ``TokenVerifier.refusal_beyond_the_router``)
when the token's unverified payload shows such a problem, and answers 401 UNAUTHENTICATED itself, before any
subgraph is asked for data (issue 12). The subgraphs still refuse such a token on their own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from jwt.types import Options
from starlette.types import ASGIApp, Receive, Scope, Send

from .guard import send_json
from .settings import ServiceSettings

log = logging.getLogger(__name__)

DEV_ISSUER = "http://127.0.0.1:4000/dev-issuer"  # tools/vsm_dev/identity.py
DEFAULT_AUDIENCE = "vsm"
ALGORITHMS = ["RS256"]
STATE_KEY = "vsm_principal"
# Hive Router 0.3.10's fixed leeway on `exp` (jsonwebtoken's Validation default), and the services' default
# VSM_JWT_CLOCK_TOLERANCE_SECONDS, so both decide alike; the router's coprocessor condition uses it for nbf/iat.
ROUTER_LEEWAY_SECONDS = 60


class Unauthenticated(Exception):
    """The request carries no token, or one that does not verify; the reason is logged, not told."""


class AuthConfigError(ValueError):
    """Authentication is configured wrongly; the service refuses to start."""


@dataclass(frozen=True)
class Principal:
    """The verified caller: the token's subject, its vsm roles and, for committee and manager, its organisation.

    ``organization`` is an organisation code (``vsm_org``): the nämnd a committee token speaks for,
    or the unit (enhet) a manager leads.
    """

    subject: str
    roles: frozenset[str]
    organization: str | None = None

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class AuthSettings:
    jwks_path: str | None
    jwks_url: str | None
    issuer: str
    audience: str
    leeway_seconds: int = ROUTER_LEEWAY_SECONDS
    max_token_bytes: int = 16_384

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> AuthSettings:
        path, url = settings.jwks_path or None, settings.jwks_url or None
        if path and url:
            raise AuthConfigError("set VSM_JWKS_PATH or VSM_JWKS_URL, not both")
        if not path and not url:
            raise AuthConfigError(
                "authentication is not configured: set VSM_JWKS_URL (production: the identity provider's JWKS) "
                "or VSM_JWKS_PATH (development: make run sets it); subgraphs never run without it"
            )
        issuer = settings.jwt_issuer or None
        if settings.profile == "production" and not issuer:
            raise AuthConfigError(
                "VSM_JWT_ISSUER is not set (the `iss` every token must carry; required in production)"
            )
        audience = settings.jwt_audience or DEFAULT_AUDIENCE
        return cls(
            path,
            url,
            issuer or DEV_ISSUER,
            audience,
            settings.jwt_clock_tolerance_seconds,
            settings.jwt_max_token_bytes,
        )


class _FileKeys:
    """Keys of a JWKS file, re-read when a token names an unknown kid and the file changed (rotation)."""

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        self._mtime = -1.0
        self._keys: dict[str | None, Any] = {}
        self._load()
        if not self._keys:
            raise AuthConfigError(f"VSM_JWKS_PATH={path}: no RS256 signing key in the file")

    def _load(self) -> None:
        try:
            mtime = self._path.stat().st_mtime
        except FileNotFoundError:
            raise AuthConfigError(f"VSM_JWKS_PATH={self._path}: file not found") from None
        if mtime == self._mtime:
            return
        try:
            document = json.loads(self._path.read_text())
        except ValueError as err:
            raise AuthConfigError(f"VSM_JWKS_PATH={self._path}: not JSON ({err})") from None
        keys: dict[str | None, Any] = {}
        for jwk in document.get("keys", []) if isinstance(document, dict) else []:
            if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") != "RS256":
                continue
            try:
                keys[jwk.get("kid")] = jwt.PyJWK(jwk, "RS256").key
            except jwt.PyJWTError:
                continue
        self._keys, self._mtime = keys, mtime

    def key(self, kid: str | None) -> Any:
        found = self._pick(kid)
        if found is None:
            try:
                self._load()
            except AuthConfigError:
                log.warning("JWKS file %s unreadable; keeping the keys loaded before", self._path)
            found = self._pick(kid)
        if found is None:
            raise Unauthenticated(f"no key with kid {kid!r}")
        return found

    def _pick(self, kid: str | None) -> Any:
        if kid is not None:
            return self._keys.get(kid)
        return next(iter(self._keys.values())) if len(self._keys) == 1 else None


class _RemoteKeys:
    """Keys of the identity provider's JWKS endpoint, cached (PyJWKClient refetches on an unknown kid)."""

    def __init__(self, url: str) -> None:
        self._client = jwt.PyJWKClient(url, cache_keys=True, lifespan=600, timeout=5)

    def key(self, kid: str | None) -> Any:
        try:
            if kid is None:
                keys = self._client.get_signing_keys()
                if len(keys) != 1:
                    raise Unauthenticated("token names no kid and the JWKS holds several keys")
                return keys[0].key
            return self._client.get_signing_key(kid).key
        except jwt.PyJWKClientConnectionError:
            raise  # the endpoint is down: a server error, not the caller's fault
        except jwt.PyJWKClientError as err:
            raise Unauthenticated(str(err)) from None


class TokenVerifier:
    """Verifies bearer tokens; verified tokens are remembered until they expire (at most 4,096)."""

    def __init__(self, settings: AuthSettings, cache_size: int = 4096) -> None:
        self._settings = settings
        self._keys: _FileKeys | _RemoteKeys = (
            _FileKeys(settings.jwks_path) if settings.jwks_path else _RemoteKeys(settings.jwks_url or "")
        )
        self._cache: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def cached(self, token: str) -> Principal | None:
        """The caller of a token verified before and not yet expired, else None."""
        with self._lock:
            hit = self._cache.get(token)
            if hit is not None and hit[0] > time.time():
                self._cache.move_to_end(token)
                return hit[1]
        return None

    def verify(self, token: str) -> Principal:
        hit = self.cached(token)
        if hit is not None:
            return hit
        if len(token) > self._settings.max_token_bytes:
            raise Unauthenticated(f"token of {len(token)} bytes, over {self._settings.max_token_bytes}")
        claims = self._decode(token, {"require": ["exp", "sub", "iss", "aud"]})
        problem = claim_problem(claims, time.time(), self._settings.leeway_seconds)
        if problem is not None:
            raise Unauthenticated(problem)
        principal = _principal(claims)
        with self._lock:
            self._cache[token] = (float(claims["exp"]) + self._settings.leeway_seconds, principal)
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return principal

    def refusal_beyond_the_router(self, token: str) -> str | None:
        """Why a subgraph refuses a token that Hive Router's own ``jwt`` checks pass, in words for the
        client; None when the token is good, or when the router refuses it by itself (a bad signature,
        issuer, audience or ``exp``: the router's answer, 403 MISSING_JWT or INVALID_JWT_HEADER, stays).

        The router's checks are taken as this verifier's: RS256 under a key of the JWKS, ``iss``, ``aud``
        and ``exp`` with the router's fixed leeway, and the types of its claims (:func:`router_refuses`).
        """
        try:
            router_checks: Options = {
                "verify_nbf": False,
                "verify_iat": False,
                "verify_sub": False,
                "verify_jti": False,
                "require": ["exp", "iss", "aud"],
            }
            claims = self._decode(token, router_checks, leeway=ROUTER_LEEWAY_SECONDS)
        except Unauthenticated:
            return None
        if router_refuses(claims):
            return None
        if len(token) > self._settings.max_token_bytes:
            return f"token too long ({len(token)} bytes, over {self._settings.max_token_bytes})"
        problem = claim_problem(claims, time.time(), self._settings.leeway_seconds)
        if problem is not None:
            return problem
        try:
            self.verify(token)  # whatever else a subgraph refuses: the same path as /graphql's
        except Unauthenticated as err:
            return f"token refused: {err}"
        return None

    def _decode(self, token: str, options: Options, leeway: float | None = None) -> dict[str, Any]:
        """The verified claims: RS256 under a key of the JWKS, the issuer and the audience; ``options``
        are PyJWT's (what else it checks and requires), ``leeway`` its tolerance (default: the settings')."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALGORITHMS:
                raise Unauthenticated(f"algorithm {header.get('alg')!r} is not accepted")
            claims: dict[str, Any] = jwt.decode(
                token,
                self._keys.key(header.get("kid")),
                algorithms=ALGORITHMS,
                issuer=self._settings.issuer,
                audience=self._settings.audience,
                leeway=self._settings.leeway_seconds if leeway is None else leeway,
                options=options,
            )
        except jwt.PyJWTError as err:
            raise Unauthenticated(str(err)) from None
        return claims


def router_refuses(claims: Mapping[str, Any]) -> bool:
    """Whether Hive Router 0.3.10 refuses verified claims by their types (403 MISSING_JWT): its ``JwtClaims``
    (src/jwt/context.rs) reads ``exp``, ``nbf`` and ``iat`` as u64 and ``sub`` and ``jti`` as strings, a
    null being an absent claim."""
    for name in ("exp", "nbf", "iat"):
        value = claims.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**64):
            return True
    return any(claims.get(name) is not None and not isinstance(claims[name], str) for name in ("sub", "jti"))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def time_problem(claims: Mapping[str, Any], now: float, leeway: float) -> str | None:
    """A time claim that is not a number (PyJWT takes ``"exp": "1999999999"``; Hive Router refuses it too,
    its claims being integers), or an ``nbf`` or ``iat`` later than now plus the leeway (the router checks
    neither; PyJWT rounds them down into the tolerance). Expiry is PyJWT's and the router's."""
    for name in ("exp", "nbf", "iat"):
        if name in claims and not _is_number(claims[name]):
            return f"token's {name} is not a number"
    if "nbf" in claims and claims["nbf"] > now + leeway:
        return "token not yet valid (nbf)"
    if "iat" in claims and claims["iat"] > now + leeway:
        return "token issued in the future (iat)"
    return None


def claim_problem(claims: Mapping[str, Any], now: float, leeway: float) -> str | None:
    """What is wrong with the claims of a token whose signature, issuer, audience and ``exp`` verified,
    in words for the client, or None: the checks Hive Router 0.3.10 does not make. The router's
    coprocessor condition (``coprocessor`` in router.<profile>.yaml) looks for the same on the
    unverified payload; keep the two alike (tools/tests/test_router_config.py)."""
    problem = time_problem(claims, now, leeway)
    if problem is not None:
        return problem
    sub = claims.get("sub")
    if sub is None:
        return "token has no sub"
    if not isinstance(sub, str):
        return "token's sub is not a string"
    if not sub.strip():
        return "token's sub is empty"
    if "jti" in claims and not isinstance(claims["jti"], str):
        return "token's jti is not a string"
    roles = claims.get("vsm_roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        return "token's vsm_roles is not a list of strings"
    org = claims.get("vsm_org")
    if org is not None and not isinstance(org, str):
        return "token's vsm_org is not a string"
    return None


def _principal(claims: Mapping[str, Any]) -> Principal:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        raise Unauthenticated("sub is empty")
    roles = claims.get("vsm_roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise Unauthenticated("vsm_roles is not a list of strings")
    org = claims.get("vsm_org")
    if org is not None and not isinstance(org, str):
        raise Unauthenticated("vsm_org is not a string")
    return Principal(subject=sub, roles=frozenset(roles), organization=org or None)


def bearer_token(headers: Mapping[bytes, bytes]) -> str | None:
    value = headers.get(b"authorization", b"").decode("latin-1").strip()
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class BearerAuthMiddleware:
    """Refuses ``/graphql`` requests without a verified bearer token (401); stores the caller in the request state."""

    def __init__(self, app: ASGIApp, verifier: TokenVerifier, protected_prefix: str = "/graphql") -> None:
        self._app = app
        self._verifier = verifier
        self._prefix = protected_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self._prefix):
            token = bearer_token(dict(scope["headers"]))
            try:
                if token is None:
                    raise Unauthenticated("no bearer token")
                principal = self._verifier.cached(token)
                if principal is None:
                    # A first sight of a token: verifying may fetch the identity provider's keys, which
                    # must not stall every other request on this event loop.
                    principal = await asyncio.to_thread(self._verifier.verify, token)
            except Unauthenticated as err:
                log.info("refused a request: %s", err)  # the reason, never the token
                await _unauthenticated(send)
                return
            scope.setdefault("state", {})[STATE_KEY] = principal
        await self._app(scope, receive, send)


async def _unauthenticated(send: Send) -> None:
    await send_json(
        send,
        401,
        b'{"errors":[{"message":"Unauthenticated","extensions":{"code":"UNAUTHENTICATED"}}]}',
        [(b"www-authenticate", b'Bearer realm="vsm"')],
    )


def principal_of(request: Any) -> Principal:
    """The verified caller of a request that passed :class:`BearerAuthMiddleware`."""
    principal = request.scope.get("state", {}).get(STATE_KEY)
    if not isinstance(principal, Principal):
        raise Unauthenticated("request did not pass authentication")
    return principal
