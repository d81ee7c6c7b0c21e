"""The front door's identity checks that do not depend on which front door runs, and their tools.

The front door itself (Hive Router: every JWT negative, limits, CSRF, persisted documents, profiles,
audits) is tested in tests/test_router_front_door.py, with the helpers defined here: a counting subgraph
proxy (so "no subgraph was called" is counted, not assumed), a JWKS endpoint that can fail, the tokens
that must be refused and the documents of the limits. Here: every subgraph verifies a token again,
whatever the front door let through, and the schema-diff check of services/gateway/conformance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from vsm_dev.identity import DevIssuer
from vsm_dev.stack import GATEWAY_DIR, SERVICES, Stack

ISSUER = "http://127.0.0.1:4000/dev-issuer"  # the development default (vsm_common.auth.DEV_ISSUER)
AUDIENCE = "vsm"
VISION = "{ vision { title } }"

# The front door's default limits (services/gateway/router/router.*.yaml; the router's token limit is set
# one higher, see there); tests/test_router_front_door.py uses exactly these numbers.
MAX_DEPTH, MAX_ALIASES, MAX_TOKENS, MAX_COST = 10, 15, 1000, 100000

e2e = pytest.mark.e2e


# ============================================================== helpers: a counting subgraph proxy
@dataclass
class SubgraphProxy:
    """Forwards ``/<subgraph>/graphql`` to the real subgraph and remembers every request."""

    targets: dict[str, str]
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                name = self.path.strip("/").split("/")[0]
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with proxy.lock:
                    proxy.seen.append((name, headers))
                forward = {
                    k: v
                    for k, v in headers.items()
                    if k not in ("host", "content-length", "connection", "accept-encoding")
                }
                request = urllib.request.Request(proxy.targets[name], data=body, headers=forward, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=60) as resp:
                        status, payload, ctype = resp.status, resp.read(), resp.headers.get("content-type", "")
                except urllib.error.HTTPError as err:
                    status, payload, ctype = err.code, err.read(), err.headers.get("content-type", "")
                self.send_response(status)
                self.send_header("content-type", ctype or "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def url(self, name: str) -> str:
        assert self.server
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}/graphql"

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.seen)

    def last(self) -> tuple[str, dict[str, str]]:
        with self.lock:
            return self.seen[-1]

    def since(self, start: int) -> list[tuple[str, dict[str, str]]]:
        with self.lock:
            return self.seen[start:]


# ======================================================== helpers: a JWKS endpoint that can fail
@dataclass
class JwksServer:
    jwks: dict[str, Any]
    down: bool = False
    fetches: int = 0
    server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.fetches += 1
                payload = b'{"error":"unavailable"}' if owner.down else json.dumps(owner.jwks).encode()
                self.send_response(503 if owner.down else 200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        assert self.server
        return f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


# ================================================================================ fixtures
@pytest.fixture(scope="module")
def issuer(stack: Stack) -> DevIssuer:
    return DevIssuer.load_or_create(stack.config.data_dir)


# Trusted documents: the id is the SHA-256 of the document text.
PERSISTED = {
    "vision": "query Vision { vision { title } }",
    "organization": "query Org($code: String!) { organization(code: $code) { code name } }",
    "deep": 'query Deep { organization(code: "KF") { parent { parent { code } } } }',  # depth 4
    "costly": "query Costly { organizations { children { id } } }",  # cost 10 × (1 + 10) = 110
}


def doc_id(name: str) -> str:
    return hashlib.sha256(PERSISTED[name].encode()).hexdigest()


def token_for(issuer: DevIssuer, role: str = "planner", **kwargs: Any) -> str:
    return issuer.mint(role, issuer=ISSUER, audience=AUDIENCE, **kwargs)


# ======================================================================== authentication
def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def bad_token(case: str, issuer: DevIssuer) -> str | None:
    """A token that must be refused, named by what is wrong with it."""
    now = int(time.time())
    claims = issuer.claims("planner", issuer=ISSUER, audience=AUDIENCE)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if case == "missing":
        return None
    if case == "expired":
        return issuer.sign({**claims, "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600})
    if case == "not yet valid":
        return issuer.sign({**claims, "nbf": now + 3600})
    if case == "issued in the future":
        return issuer.sign({**claims, "iat": now + 3600})
    if case == "wrong issuer":
        return issuer.sign({**claims, "iss": "https://login.example.org/"})
    if case == "wrong audience":
        return issuer.sign({**claims, "aud": "another-api"})
    if case == "alg none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': issuer.kid})}.{_b64(claims)}."
    if case == "alg none without kid":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    if case == "unknown kid":
        return jwt.encode(claims, other, algorithm="RS256", headers={"kid": "not-one-of-ours"})
    if case == "unknown key under our kid":
        return jwt.encode(claims, other, algorithm="RS256", headers={"kid": issuer.kid})
    if case == "unknown key without kid":
        return jwt.encode(claims, other, algorithm="RS256")
    if case == "tampered payload":
        header, _payload, signature = issuer.sign(claims).split(".")
        return f"{header}.{_b64({**claims, 'vsm_roles': ['hr-system']})}.{signature}"
    if case == "HS256 keyed with our public key":
        public = issuer.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': issuer.kid})}.{_b64(claims)}"
        mac = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    if case == "RS512 instead of RS256":
        return jwt.encode(claims, issuer.private_key, algorithm="RS512", headers={"kid": issuer.kid})
    if case == "no exp":
        return issuer.sign({k: v for k, v in claims.items() if k != "exp"})
    if case == "no sub":
        return issuer.sign({k: v for k, v in claims.items() if k != "sub"})
    if case == "not a JWT":
        return "not-a-jwt"
    raise AssertionError(case)


JWT_NEGATIVES = [
    "missing",
    "expired",
    "not yet valid",
    "issued in the future",
    "wrong issuer",
    "wrong audience",
    "alg none",
    "alg none without kid",
    "unknown kid",
    "unknown key under our kid",
    "unknown key without kid",
    "tampered payload",
    "HS256 keyed with our public key",
    "RS512 instead of RS256",
    "no exp",
    "no sub",
    "not a JWT",
]


@e2e
@pytest.mark.parametrize("case", JWT_NEGATIVES)
def test_every_subgraph_verifies_the_token_again(stack: Stack, issuer: DevIssuer, case: str) -> None:
    """A request that reaches a subgraph with the gateway secret but a bad token is refused there too
    (the router's `jwt` lets some through, `nbf`, `iat`, `sub`, which its coprocessor refuses instead;
    tests/test_router_front_door.py shows what the client gets)."""
    token = bad_token(case, issuer)
    for svc in SERVICES:
        headers = {"x-vsm-gateway-secret": stack.gateway_secret}
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        resp = httpx.post(
            f"{stack.config.service_url(svc)}/graphql", json={"query": VISION}, headers=headers, timeout=30
        )
        assert resp.status_code == 401, (svc, resp.text)
        assert resp.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert resp.headers["www-authenticate"].startswith("Bearer")


# ================================================================================ limits
def deep_query(depth: int) -> str:
    """organization(...) { parent { ... { id } } }: `depth` fields deep, cost depth - 1."""
    inner = "id"
    for _ in range(depth - 2):
        inner = f"parent {{ {inner} }}"
    return f'{{ organization(code: "KF") {{ {inner} }} }}'


def aliased_query(aliases: int) -> str:
    return "{ " + " ".join(f"v{i}: vision {{ id }}" for i in range(aliases)) + " }"


def tokens_query(tokens: int) -> str:
    """Exactly `tokens` lexical tokens: `{ vision {` ... `} }` is 5, each directive-laden id 15."""
    directive_ids, plain_ids = divmod(tokens - 5, 15)
    fields = ["id @include(if: true) @skip(if: false)"] * directive_ids + ["id"] * plain_ids
    return "{ vision { " + " ".join(fields) + " } }"


def costly_query(cost: int) -> str:
    """Estimated cost exactly `cost`, from blocks whose cost is known (each page at most 1000)."""
    big = "goals(first: 1000) { edges { node { id organizations { id } } } }"  # 1 + 1000 × (2 + 10) = 12001
    mid = "goals(first: 1000) { edges { node { id } } }"  # 1 + 1000 × 2 = 2001
    parts: list[str] = []
    rest = cost
    while rest > 12001 + 2002:
        parts.append(f"b{len(parts)}: {big}")
        rest -= 12001
    while rest > 2002:  # what is left (1 to 2002) is one page of k <= 1000 and perhaps a vision
        parts.append(f"m{len(parts)}: {mid}")
        rest -= 2001
    k = (rest - 1) // 2  # goals(first: k) { edges { node { id } } } = 1 + 2k, then 0 or 1 vision
    assert k <= 1000
    parts.append(f"goals(first: {k}) {{ edges {{ node {{ id }} }} }}")
    if rest - (1 + 2 * k):
        parts.append("vision { id }")
    return "{ " + " ".join(parts) + " }"


# =========================================================================== conformance
def run_node(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", *args], capture_output=True, text=True, cwd=GATEWAY_DIR, check=False, timeout=timeout
    )


SUBGRAPH = """extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query {
  "The vision."
  vision: Vision
}
"The vision (visionen)."
type Vision @key(fields: "id") {
  "Id."
  id: ID!
  "Title."
  title: String!
%s}
"""


def compose(workdir: Path, name: str, extra_fields: str, url: str = "http://goals:4001/graphql") -> Path:
    sdl = workdir / f"{name}-goals.graphql"
    sdl.write_text(SUBGRAPH % extra_fields)
    out = workdir / f"{name}-supergraph.graphql"
    result = run_node("compose.mjs", "--out", str(out), "--subgraph", f"goals,{url},{sdl}")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def supergraphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    workdir = tmp_path_factory.mktemp("schema-diff")
    return {
        "base": compose(workdir, "base", '  "Horizon."\n  horizonYear: Int!\n'),
        "moved": compose(workdir, "moved", '  "Horizon."\n  horizonYear: Int!\n', url="http://other:9/graphql"),
        "added": compose(workdir, "added", '  "Horizon."\n  horizonYear: Int!\n  "Motto."\n  motto: String\n'),
        "removed": compose(workdir, "removed", ""),
        "dir": workdir,
    }


def schema_diff(*args: str) -> subprocess.CompletedProcess[str]:
    return run_node("conformance/schema-diff.mjs", *args)


def test_schema_diff_passes_without_breaking_changes(supergraphs: dict[str, Path]) -> None:
    same = schema_diff(str(supergraphs["moved"]), "--base", str(supergraphs["base"]))
    assert same.returncode == 0, same.stdout + same.stderr  # a subgraph URL is not part of the API
    assert "0 change(s)" in same.stdout
    added = schema_diff(str(supergraphs["added"]), "--base", str(supergraphs["base"]))
    assert added.returncode == 0, added.stdout + added.stderr
    assert "NON_BREAKING  FIELD_ADDED  Vision.motto" in added.stdout


def test_schema_diff_fails_on_an_unmarked_breaking_change(supergraphs: dict[str, Path]) -> None:
    result = schema_diff(str(supergraphs["removed"]), "--base", str(supergraphs["base"]))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BREAKING (NOT ACCEPTED)  FIELD_REMOVED  Vision.horizonYear" in result.stdout


def test_schema_diff_accepts_a_marked_breaking_change(supergraphs: dict[str, Path]) -> None:
    accepted = supergraphs["dir"] / "accepted.json"
    accepted.write_text(
        json.dumps(
            {
                "accepted": [
                    {"type": "FIELD_REMOVED", "path": "Vision.horizonYear", "reason": "replaced by horizon, issue #0"},
                    {"type": "FIELD_REMOVED", "path": "Vision.gone", "reason": "an old entry"},
                ]
            }
        )
    )
    result = schema_diff(str(supergraphs["removed"]), "--base", str(supergraphs["base"]), "--accepted", str(accepted))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BREAKING (accepted: replaced by horizon, issue #0)" in result.stdout
    assert "stale accepted entry (matches no change): FIELD_REMOVED Vision.gone" in result.stdout

    unexplained = supergraphs["dir"] / "unexplained.json"
    unexplained.write_text(json.dumps({"accepted": [{"type": "FIELD_REMOVED", "path": "Vision.horizonYear"}]}))
    refused = schema_diff(
        str(supergraphs["removed"]), "--base", str(supergraphs["base"]), "--accepted", str(unexplained)
    )
    assert refused.returncode == 2 and 'needs a "reason"' in refused.stderr


def test_schema_diff_refuses_bad_input(supergraphs: dict[str, Path]) -> None:
    bad = supergraphs["dir"] / "bad.graphql"
    bad.write_text("type Query { nope: Missing }")
    broken = schema_diff(str(bad), "--base", str(supergraphs["base"]))
    assert broken.returncode == 2 and "not a valid schema" in broken.stderr
    missing = schema_diff(str(supergraphs["base"]), "--base", str(supergraphs["dir"] / "nothing.graphql"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert schema_diff().returncode == 2
