"""The web app's server (vsm_dev.web): static files, /config.json, the /graphql pipe, dev tokens (issue 16).

The front door is an httpx MockTransport recording what reached it, the built app a temporary dist folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from vsm_dev.identity import DevIssuer
from vsm_dev.web import MAX_BODY_BYTES, OidcSettings, WebSettings, create_app

API_URL = "http://front-door.test:4000/graphql"
INDEX = "<!doctype html><title>vsm</title><div id=root></div>"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> DevIssuer:
    return DevIssuer.load_or_create(tmp_path_factory.mktemp("identity"))


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-3f9a1c.js").write_text("console.log('vsm')")
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside dist")
    return root


@pytest.fixture
def settings(dist: Path, issuer: DevIssuer) -> WebSettings:
    return WebSettings(dist=dist, api_url=API_URL, issuer=issuer)


class FrontDoor:
    """Answers like the router; keeps the requests it got."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = httpx.Response(200, json={"data": {"vision": None}})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer


@pytest.fixture
def front_door() -> FrontDoor:
    return FrontDoor()


@pytest.fixture
def client(settings: WebSettings, front_door: FrontDoor) -> Iterator[TestClient]:
    with TestClient(create_app(settings, httpx.MockTransport(front_door.handle))) as c:
        yield c


# ------------------------------------------------------------------ static files and the app's routes
def test_index_and_the_spa_fallback_are_not_cached(client: TestClient) -> None:
    for path in ("/", "/logga-in", "/uppfoljning/BUN/rapport?period=Delår%202026"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.text == INDEX
        assert r.headers["cache-control"] == "no-cache"


def test_hashed_assets_are_immutable_and_other_files_revalidated(client: TestClient) -> None:
    asset = client.get("/assets/index-3f9a1c.js")
    assert asset.status_code == 200
    assert asset.text == "console.log('vsm')"
    assert "immutable" in asset.headers["cache-control"]
    icon = client.get("/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["cache-control"] == "no-cache"


def test_a_missing_file_is_404_not_the_app(client: TestClient) -> None:
    for path in ("/assets/gone-123.js", "/robots.txt", "/mal/bild.png"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.text != INDEX


def test_nothing_outside_dist_is_served(client: TestClient) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"):
        r = client.get(path)
        assert "outside dist" not in r.text, path


def test_unbuilt_app_says_so(settings: WebSettings, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with TestClient(create_app(replace(settings, dist=empty))) as c:
        r = c.get("/mal")
    assert r.status_code == 503
    assert "make web" in r.text


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200


def test_every_answer_has_the_security_headers(client: TestClient) -> None:
    for r in (client.get("/"), client.get("/nope.js"), client.get("/config.json"), client.post("/graphql", json={})):
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "object-src 'none'" in csp
        assert "connect-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


# ------------------------------------------------------------------ /config.json
def test_config_in_development(client: TestClient) -> None:
    assert client.get("/config.json").json() == {
        "apiUrl": "/graphql",
        "timeZone": "Europe/Stockholm",
        "auth": {"mode": "development"},
    }


def test_config_with_oidc_names_the_provider_and_lets_the_page_reach_it(settings: WebSettings) -> None:
    oidc = OidcSettings(authority="https://login.halmstad.example/realms/vsm", client_id="vsm-web", scope="vsm")
    with TestClient(create_app(replace(settings, profile="production", issuer=None, oidc=oidc))) as c:
        r = c.get("/config.json")
    assert r.json()["auth"] == {
        "mode": "oidc",
        "authority": "https://login.halmstad.example/realms/vsm",
        "clientId": "vsm-web",
        "scope": "vsm",
    }
    assert "connect-src 'self' https://login.halmstad.example;" in r.headers["content-security-policy"] + ";"


def test_config_from_env_reads_time_zone_and_oidc(tmp_path: Path) -> None:
    s = WebSettings.from_env(
        {
            "VSM_PROFILE": "production",
            "VSM_TIMEZONE": "Europe/Helsinki",
            "VSM_OIDC_AUTHORITY": "https://idp.example",
            "VSM_OIDC_CLIENT_ID": "app",
            "VSM_OIDC_SCOPE": "api://vsm",
            "VSM_WEB_API_URL": API_URL,
            "VSM_DATA_DIR": str(tmp_path),
        }
    )
    assert s.issuer is None
    assert s.dev_tokens is False
    assert s.time_zone == "Europe/Helsinki"
    assert s.oidc == OidcSettings("https://idp.example", "app", "api://vsm")
    assert s.api_url == API_URL


def test_no_way_to_sign_in_is_refused_at_start(settings: WebSettings) -> None:
    with pytest.raises(ValueError, match="no way to sign in"):
        create_app(replace(settings, profile="production"))


# ------------------------------------------------------------------ the /graphql pipe
def test_pipe_forwards_the_allowed_headers_and_nothing_else(client: TestClient, front_door: FrontDoor) -> None:
    body = json.dumps({"query": "{ vision { id } }"})
    r = client.post(
        "/graphql",
        content=body,
        headers={
            "content-type": "application/json",
            "authorization": "Bearer abc",
            "x-graphql-csrf": "1",
            "accept": "application/graphql-response+json, application/json",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "cookie": "session=secret",
            "x-vsm-gateway-secret": "forged",
            "x-forwarded-for": "10.0.0.1",
        },
    )
    assert r.status_code == 200
    assert r.json() == {"data": {"vision": None}}
    [sent] = front_door.requests
    assert str(sent.url) == API_URL
    assert sent.content == body.encode()
    assert sent.headers["authorization"] == "Bearer abc"
    assert sent.headers["x-graphql-csrf"] == "1"
    assert sent.headers["traceparent"].startswith("00-0af7651916cd43dd")
    assert sent.headers["accept"] == "application/graphql-response+json, application/json"
    for name in ("cookie", "x-vsm-gateway-secret", "x-forwarded-for"):
        assert name not in sent.headers


def test_pipe_returns_refusals_as_they_are(client: TestClient, front_door: FrontDoor) -> None:
    refusal = {"errors": [{"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}]}
    front_door.answer = httpx.Response(
        401,
        content=json.dumps(refusal).encode(),
        headers={"content-type": "application/graphql-response+json", "www-authenticate": "Bearer", "x-internal": "1"},
    )
    r = client.post("/graphql", json={"query": "{ vision { id } }"})
    assert r.status_code == 401
    assert r.json() == refusal
    assert r.headers["content-type"] == "application/graphql-response+json"
    assert r.headers["www-authenticate"] == "Bearer"
    assert "x-internal" not in r.headers


def test_pipe_without_front_door_is_502_without_json(settings: WebSettings) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with TestClient(create_app(settings, httpx.MockTransport(down))) as c:
        r = c.post("/graphql", json={"query": "{ vision { id } }"})
    assert r.status_code == 502
    assert not r.headers["content-type"].startswith("application/json")


def test_pipe_refuses_a_body_over_16_mib(client: TestClient, front_door: FrontDoor) -> None:
    r = client.post("/graphql", content=b" " * (MAX_BODY_BYTES + 1), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert front_door.requests == []


def test_graphql_by_get_is_not_the_app(client: TestClient) -> None:
    r = client.get("/graphql")
    assert r.status_code == 405
    assert r.text != INDEX


# ------------------------------------------------------------------ development tokens
def test_dev_token_for_a_committee(client: TestClient, issuer: DevIssuer) -> None:
    r = client.post("/dev-issuer/token", json={"role": "committee", "org": "BUN"})
    assert r.status_code == 200
    answer = r.json()
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 28800
    assert r.headers["cache-control"] == "no-store"
    claims = issuer.verify(answer["access_token"])
    assert claims["vsm_roles"] == ["committee"]
    assert claims["vsm_org"] == "BUN"
    assert claims["exp"] - claims["iat"] == 28800


def test_dev_token_for_an_employee_carries_the_employee_reference(client: TestClient, issuer: DevIssuer) -> None:
    r = client.post("/dev-issuer/token", json={"role": "employee", "sub": "E-1001", "org": ""})
    assert r.status_code == 200
    claims = issuer.verify(r.json()["access_token"])
    assert claims["sub"] == "E-1001"
    assert claims["vsm_roles"] == ["employee"]
    assert "vsm_org" not in claims


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"role": "committee"}, "org"),
        ({"role": "manager", "org": None}, "org"),
        ({"role": "reader", "org": "BUN"}, "org"),
        ({"role": "employee", "sub": "  "}, "sub"),
        ({"role": "ops"}, "role"),
        ({"role": "hr-system"}, "role"),
        ({"role": "mayor"}, "role"),
        ({}, "role"),
        ({"role": "committee", "org": 7}, "org"),
    ],
)
def test_dev_token_refusals_name_the_field(client: TestClient, asked: dict[str, object], field: str) -> None:
    r = client.post("/dev-issuer/token", json=asked)
    assert r.status_code == 400
    answer = r.json()
    assert answer["error"] == "invalid_request"
    assert answer["field"] == field
    assert answer["error_description"]
    assert "access_token" not in answer


def test_dev_token_wants_json(client: TestClient) -> None:
    r = client.post("/dev-issuer/token", content="role=planner", headers={"content-type": "text/plain"})
    assert r.status_code == 415


def test_no_dev_tokens_in_production(settings: WebSettings) -> None:
    oidc = OidcSettings("https://idp.example", "vsm-web", "vsm")
    with TestClient(create_app(replace(settings, profile="production", oidc=oidc))) as c:
        r = c.post("/dev-issuer/token", json={"role": "planner"})
    assert r.status_code == 404
    assert "access_token" not in r.text


def test_no_dev_tokens_under_an_external_identity_provider(dist: Path, tmp_path: Path) -> None:
    settings = WebSettings.from_env(
        {
            "VSM_PROFILE": "development",
            "VSM_JWKS_URL": "https://idp.example/jwks",
            "VSM_OIDC_AUTHORITY": "https://idp.example",
            "VSM_WEB_DIST": str(dist),
            "VSM_DATA_DIR": str(tmp_path),
        }
    )
    assert settings.issuer is None
    with TestClient(create_app(settings)) as c:
        r = c.post("/dev-issuer/token", json={"role": "planner"})
        assert c.get("/config.json").json()["auth"]["mode"] == "oidc"
    assert r.status_code == 404
    assert not (tmp_path / "identity").exists()  # no key pair made that a front door could be pointed at


# ------------------------------------------------------------------ the process the stack starts
def test_stack_starts_the_web_server_with_its_own_issuer(tmp_path: Path, dist: Path) -> None:
    from vsm_dev.stack import Stack, StackConfig

    stack = Stack(StackConfig.on_free_ports(tmp_path / "data"), progress=lambda _: None)
    try:
        stack.start_web(dist=dist)
        [row] = [line.split() for line in stack.summary().splitlines() if line.split()[:2] == ["web", "app"]]
        assert row == ["web", "app", f"{stack.config.web_url}/"]
        base = stack.config.web_url
        assert httpx.get(f"{base}/verksamhetsplan/BUN").text == INDEX
        r = httpx.post(f"{base}/dev-issuer/token", json={"role": "manager", "org": "BUF-CENTRUM"})
        assert r.status_code == 200
        # Signed with the key pair of the stack's data folder: the one whose jwks.json its front door reads.
        claims = DevIssuer.load_or_create(tmp_path / "data").verify(r.json()["access_token"])
        assert claims["vsm_org"] == "BUF-CENTRUM"
    finally:
        stack.stop()
    assert "web" not in stack.processes
