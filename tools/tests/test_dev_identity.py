"""The development issuer: one key pair and JWKS per data folder, RS256 tokens, the token CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from vsm_dev.identity import DEFAULT_AUDIENCE, DEFAULT_ISSUER, ROLES, DevIssuer, IdentityError, public_jwk

ROOT = Path(__file__).resolve().parents[2]
CLI_ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("VSM_JWT_ISSUER", "VSM_JWT_AUDIENCE", "VSM_DATA_DIR")},
    "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("libs", "tools")),
}


def verify_with_jwks(token: str, data_dir: Path, **options: Any) -> dict[str, Any]:
    """Verify as the gateway does: the key named by the token's kid, from the JWKS file only."""
    jwks = jwt.PyJWKSet.from_json((data_dir / "identity" / "jwks.json").read_text())
    kid = jwt.get_unverified_header(token)["kid"]
    [key] = [k for k in jwks.keys if k.key_id == kid]
    claims: dict[str, Any] = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        issuer=options.get("issuer", DEFAULT_ISSUER),
        audience=options.get("audience", DEFAULT_AUDIENCE),
    )
    return claims


@pytest.fixture(autouse=True)
def _default_issuer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VSM_JWT_ISSUER", raising=False)
    monkeypatch.delenv("VSM_JWT_AUDIENCE", raising=False)


def test_key_pair_and_jwks_are_made_once_per_data_folder(tmp_path: Path) -> None:
    first = DevIssuer.load_or_create(tmp_path)
    key_file = tmp_path / "identity" / "private.pem"
    jwks_file = tmp_path / "identity" / "jwks.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.private_key.key_size == 2048
    jwks = json.loads(jwks_file.read_text())
    [jwk] = jwks["keys"]
    assert jwk == public_jwk(first.private_key.public_key())
    assert (jwk["kty"], jwk["alg"], jwk["use"], jwk["kid"]) == ("RSA", "RS256", "sig", first.kid)
    assert "d" not in jwk and "p" not in jwk  # public half only

    again = DevIssuer.load_or_create(tmp_path)
    assert again.kid == first.kid
    assert key_file.read_bytes() == again.private_key_path.read_bytes()
    assert DevIssuer.load_or_create(tmp_path / "other").kid != first.kid


def test_kid_is_the_rfc7638_thumbprint(tmp_path: Path) -> None:
    issuer = DevIssuer.load_or_create(tmp_path)
    [jwk] = issuer.jwks()["keys"]
    expected = jwt.PyJWK(jwk).key  # the same key, read back by PyJWT
    assert expected.public_numbers() == issuer.private_key.public_key().public_numbers()
    # RFC 7638: SHA-256 over {"e","kty","n"} (sorted, no spaces), base64url without padding.
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    digest = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    assert issuer.kid == digest


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_a_verifiable_token(tmp_path: Path, role: str) -> None:
    issuer = DevIssuer.load_or_create(tmp_path)
    org = "BUN" if role in ("committee", "manager") else None
    before = int(time.time())
    token = issuer.mint(role, org=org)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == issuer.kid
    claims = verify_with_jwks(token, tmp_path)
    assert claims["vsm_roles"] == [role]
    assert claims["iss"] == DEFAULT_ISSUER and claims["aud"] == DEFAULT_AUDIENCE
    assert before <= claims["iat"] <= int(time.time())
    assert claims["exp"] - claims["iat"] == 8 * 3600
    assert claims["sub"]
    assert claims.get("vsm_org") == org
    assert issuer.verify(token)["sub"] == claims["sub"]


def test_claims_of_people_and_machines(tmp_path: Path) -> None:
    issuer = DevIssuer.load_or_create(tmp_path)
    employee = verify_with_jwks(issuer.mint("employee", sub="emp-4711"), tmp_path)
    assert employee["sub"] == "emp-4711" and "vsm_org" not in employee
    manager = verify_with_jwks(issuer.mint("manager", sub="m-1", org="BUF-CENTRUM"), tmp_path)
    assert (manager["sub"], manager["vsm_org"], manager["vsm_roles"]) == ("m-1", "BUF-CENTRUM", ["manager"])
    hr = verify_with_jwks(issuer.mint("hr-system"), tmp_path)
    assert hr["sub"] == "hr-system"  # a machine client: the client id
    assert verify_with_jwks(issuer.mint("reader"), tmp_path)["sub"] == "dev-reader"
    short = verify_with_jwks(issuer.mint("ops", ttl=60), tmp_path)
    assert short["exp"] - short["iat"] == 60
    assert issuer.mint("planner") != issuer.mint("planner")  # jti


def test_issuer_and_audience_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSM_JWT_ISSUER", "https://login.example.se/vsm")
    monkeypatch.setenv("VSM_JWT_AUDIENCE", "vsm-test")
    issuer = DevIssuer.load_or_create(tmp_path)
    token = issuer.mint("planner")
    claims = verify_with_jwks(token, tmp_path, issuer="https://login.example.se/vsm", audience="vsm-test")
    assert (claims["iss"], claims["aud"]) == ("https://login.example.se/vsm", "vsm-test")
    with pytest.raises(jwt.InvalidIssuerError):
        verify_with_jwks(token, tmp_path)


@pytest.mark.parametrize(
    ("role", "kwargs", "message"),
    [
        ("admin", {}, "unknown role"),
        ("committee", {}, "needs an organisation"),
        ("manager", {}, "needs an organisation"),
        ("planner", {"org": "BUN"}, "applies to committee and manager only"),
        ("planner", {"ttl": 0}, "ttl must be a positive"),
        ("employee", {"sub": "  "}, "sub must not be empty"),
    ],
)
def test_invalid_identities_are_refused(tmp_path: Path, role: str, kwargs: dict[str, Any], message: str) -> None:
    issuer = DevIssuer.load_or_create(tmp_path)
    with pytest.raises(IdentityError, match=re.escape(message)):
        issuer.mint(role, **kwargs)


def test_tokens_of_another_key_do_not_verify(tmp_path: Path) -> None:
    ours = DevIssuer.load_or_create(tmp_path / "a")
    theirs = DevIssuer.load_or_create(tmp_path / "b")
    token = theirs.sign(ours.claims("planner"), headers={"kid": ours.kid})
    with pytest.raises(jwt.InvalidSignatureError):
        ours.verify(token)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vsm_dev.token", *args],
        capture_output=True,
        text=True,
        env=env or CLI_ENV,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def test_cli_prints_the_token_and_nothing_else(tmp_path: Path) -> None:
    result = run_cli("--role", "committee", "--org", "BUN", "--sub", "bun-sekreterare", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    claims = verify_with_jwks(lines[0], tmp_path)
    assert (claims["vsm_roles"], claims["vsm_org"], claims["sub"]) == (["committee"], "BUN", "bun-sekreterare")

    ttl = run_cli("--role", "reader", "--ttl", "3600", "--data-dir", str(tmp_path))
    claims = verify_with_jwks(ttl.stdout.strip(), tmp_path)
    assert claims["exp"] - claims["iat"] == 3600


def test_cli_uses_vsm_data_dir(tmp_path: Path) -> None:
    result = run_cli("--role", "planner", env={**CLI_ENV, "VSM_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    verify_with_jwks(result.stdout.strip(), tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        ["--role", "committee"],
        ["--role", "admin"],
        ["--role", "planner", "--org", "BUN"],
        ["--role", "ops", "--ttl", "0"],
    ],
)
def test_cli_refuses_bad_arguments_on_stderr(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(*args, "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip()


def test_make_token_prints_only_the_token(tmp_path: Path) -> None:
    env = {**CLI_ENV, "VSM_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        ["make", "-s", "token", "ROLE=employee", "SUB=emp-42"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [token] = result.stdout.splitlines()
    claims = verify_with_jwks(token, tmp_path)
    assert (claims["sub"], claims["vsm_roles"]) == ("emp-42", ["employee"])
    manager = subprocess.run(
        ["make", "-s", "token", "ROLE=manager", "ORG=BUF-CENTRUM"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    assert verify_with_jwks(manager.stdout.strip(), tmp_path)["vsm_org"] == "BUF-CENTRUM"


def test_concurrent_first_use_makes_one_key(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "vsm_dev.token", "--role", "reader", "--data-dir", str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=CLI_ENV,
            cwd=ROOT,
        )
        for _ in range(4)
    ]
    tokens = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    kids = {jwt.get_unverified_header(t)["kid"] for t in tokens}
    assert len(kids) == 1
    for token in tokens:
        verify_with_jwks(token, tmp_path)
