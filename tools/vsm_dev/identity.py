"""The development identity provider: an RSA key pair per data folder, its JWKS, and RS256 tokens.

In production the gateway verifies tokens of the municipality's identity provider (``VSM_JWKS_URL``,
``VSM_JWT_ISSUER``, ``VSM_JWT_AUDIENCE``). In development vsm is its own issuer: the first use
creates ``<data_dir>/identity/private.pem`` (RSA-2048, mode 0600) and ``<data_dir>/identity/jwks.json``
(the public key, ``kid`` = its RFC 7638 thumbprint); the gateway reads that file through
``VSM_JWKS_PATH``. ``python -m vsm_dev.token --role planner`` (or ``make -s token ROLE=planner``)
prints a token signed with the private key.

Claims: ``iss``, ``aud``, ``sub``, ``iat``, ``nbf``, ``exp``, ``jti``, ``vsm_roles`` (a list with the
role) and, for ``committee`` and ``manager``, ``vsm_org`` (the organisation code: the committee
itself, or the manager's unit).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from vsm_common.auth import DEFAULT_AUDIENCE, DEV_ISSUER

ROLES = ("planner", "committee", "employee", "manager", "hr-system", "budget-system", "reader", "ops")
ORG_ROLES = ("committee", "manager")  # roles whose token names an organisation (vsm_org)
MACHINE_ROLES = ("hr-system", "budget-system")  # client-credentials style: sub is the client id

DEFAULT_ISSUER = DEV_ISSUER  # what the gateway and the subgraphs expect when VSM_JWT_ISSUER is unset
DEFAULT_TTL_SECONDS = 8 * 3600
ALGORITHM = "RS256"
KEY_BITS = 2048


class IdentityError(ValueError):
    """A token was asked for with arguments that make no valid vsm identity."""


def issuer_from_env(env: Mapping[str, str] = os.environ) -> str:
    return env.get("VSM_JWT_ISSUER") or DEFAULT_ISSUER


def audience_from_env(env: Mapping[str, str] = os.environ) -> str:
    return env.get("VSM_JWT_AUDIENCE") or DEFAULT_AUDIENCE


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64url(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """The public key as a JWK with ``kid`` = RFC 7638 thumbprint (SHA-256 of e, kty, n)."""
    numbers = public_key.public_numbers()
    e, n = _int_b64url(numbers.e), _int_b64url(numbers.n)
    canonical = json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":"), sort_keys=True)
    kid = _b64url(hashlib.sha256(canonical.encode()).digest())
    return {"kty": "RSA", "use": "sig", "alg": ALGORITHM, "kid": kid, "n": n, "e": e}


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialise key creation between processes (a test session and ``make token`` at once)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


@dataclass(frozen=True)
class DevIssuer:
    """The key pair of one data folder; ``mint`` signs tokens with it."""

    private_key: rsa.RSAPrivateKey
    kid: str
    directory: Path

    @property
    def private_key_path(self) -> Path:
        return self.directory / "private.pem"

    @property
    def jwks_path(self) -> Path:
        return self.directory / "jwks.json"

    @classmethod
    def load_or_create(cls, data_dir: Path) -> DevIssuer:
        """The issuer of ``data_dir``: its key pair is made on first use and kept afterwards."""
        directory = Path(data_dir) / "identity"
        with _locked(directory):
            key_path = directory / "private.pem"
            if key_path.exists():
                loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
                if not isinstance(loaded, rsa.RSAPrivateKey):
                    raise IdentityError(f"{key_path} does not hold an RSA private key")
                private_key = loaded
            else:
                private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
                pem = private_key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
                _write_atomically(key_path, pem, 0o600)
            jwk = public_jwk(private_key.public_key())
            jwks = json.dumps({"keys": [jwk]}, indent=2).encode() + b"\n"
            jwks_path = directory / "jwks.json"
            if not jwks_path.exists() or jwks_path.read_bytes() != jwks:
                _write_atomically(jwks_path, jwks, 0o644)
        return cls(private_key=private_key, kid=jwk["kid"], directory=directory)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self.private_key.public_key())]}

    def claims(
        self,
        role: str,
        *,
        sub: str | None = None,
        org: str | None = None,
        ttl: int = DEFAULT_TTL_SECONDS,
        issuer: str | None = None,
        audience: str | None = None,
        now: int | None = None,
    ) -> dict[str, Any]:
        """The claims of a token for ``role``; raises :class:`IdentityError` on a bad combination."""
        if role not in ROLES:
            raise IdentityError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if role in ORG_ROLES and not org:
            raise IdentityError(f"role {role} needs an organisation code (ORG / --org), e.g. BUN")
        if org and role not in ORG_ROLES:
            raise IdentityError(f"an organisation (ORG / --org) applies to {' and '.join(ORG_ROLES)} only, not {role}")
        if ttl <= 0:
            raise IdentityError("ttl must be a positive number of seconds")
        if sub is not None and not sub.strip():
            raise IdentityError("sub must not be empty")
        issued = int(time.time()) if now is None else now
        claims: dict[str, Any] = {
            "iss": issuer or issuer_from_env(),
            "aud": audience or audience_from_env(),
            "sub": sub or (role if role in MACHINE_ROLES else f"dev-{role}"),
            "iat": issued,
            "nbf": issued,
            "exp": issued + ttl,
            "jti": str(uuid.uuid4()),
            "vsm_roles": [role],
        }
        if org:
            claims["vsm_org"] = org
        return claims

    def sign(self, claims: Mapping[str, Any], headers: Mapping[str, Any] | None = None) -> str:
        """Sign arbitrary claims (tests use it for tokens that must fail)."""
        return jwt.encode(
            dict(claims), self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid, **(headers or {})}
        )

    def mint(
        self,
        role: str,
        *,
        sub: str | None = None,
        org: str | None = None,
        ttl: int = DEFAULT_TTL_SECONDS,
        issuer: str | None = None,
        audience: str | None = None,
    ) -> str:
        return self.sign(self.claims(role, sub=sub, org=org, ttl=ttl, issuer=issuer, audience=audience))

    def verify(self, token: str, *, issuer: str | None = None, audience: str | None = None) -> dict[str, Any]:
        """Decode and verify a token of this issuer (what the gateway and subgraphs check)."""
        claims: dict[str, Any] = jwt.decode(
            token,
            self.private_key.public_key(),
            algorithms=[ALGORITHM],
            issuer=issuer or issuer_from_env(),
            audience=audience or audience_from_env(),
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        return claims
