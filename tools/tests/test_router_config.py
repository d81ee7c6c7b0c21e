"""Hive Router's configuration files and launcher (issue 12), without the binary.

The router refuses unknown keys in most sections, but not in ``limits``, ``csrf``, ``headers`` or
``demand_control.operation_cost`` (no ``deny_unknown_fields`` in the crate's structs): a typo there would
silently switch a protection off, so those keys are checked here against the crate's own field names.
Starting the binary with both files is the e2e test's part (tests/test_router_front_door.py).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from vsm_dev import router
from vsm_dev.procutil import StartupError, free_port
from vsm_dev.stack import Stack, StackConfig

ROOT = Path(__file__).resolve().parents[2]


def load(profile: str) -> dict[str, Any]:
    data = yaml.safe_load(router.config_path(profile).read_text())
    assert isinstance(data, dict)
    return data


def leaves(node: Any, path: str = "") -> dict[str, Any]:
    """Every value by its dotted path (list items by index): what two files can be compared on."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out |= leaves(value, f"{path}.{key}" if path else str(key))
        return out
    if isinstance(node, list):
        out = {}
        for i, value in enumerate(node):
            out |= leaves(value, f"{path}[{i}]")
        return out
    return {path: node}


def from_env_names(node: Any) -> set[str]:
    if isinstance(node, dict):
        names = {node["from_env"]} if "from_env" in node else set()
        for value in node.values():
            names |= from_env_names(value)
        return names
    if isinstance(node, list):
        return set().union(*(from_env_names(v) for v in node)) if node else set()
    return set()


@pytest.mark.parametrize("profile", router.PROFILES)
def test_the_unchecked_sections_use_only_the_routers_own_keys(profile: str) -> None:
    config = load(profile)
    # Field names of LimitsConfig, MaxDepthRuleConfig, CSRFPreventionConfig, RequestHeaderRule and
    # OperationCostConfig in hive-router 0.3.10 (src/config/limits.rs, csrf.rs, headers.rs, demand_control.rs).
    limits = {
        "max_depth",
        "max_directives",
        "max_tokens",
        "max_aliases",
        "max_request_body_size",
        "max_request_header_size",
    }
    assert set(config["limits"]) <= limits
    assert set(config["limits"]["max_depth"]) <= {"n", "ignore_introspection", "flatten_fragments"}
    for rule in ("max_tokens", "max_aliases"):
        assert set(config["limits"][rule]) == {"n"}
    assert set(config["csrf"]) <= {"enabled", "required_headers"}
    assert set(config["headers"]) <= {"all", "subgraphs"}
    assert set(config["headers"]["all"]) <= {"request", "response"}
    for rule in config["headers"]["all"]["request"]:
        [(kind, body)] = rule.items()
        assert kind in {"propagate", "remove", "insert"}
        assert set(body) <= {"named", "matching", "exclude", "rename", "default", "name", "value", "expression"}
    assert set(config["demand_control"]["operation_cost"]) <= {"max", "mode", "expose_headers"}


@pytest.mark.parametrize("profile", router.PROFILES)
def test_vsm_security_settings(profile: str) -> None:
    config = load(profile)
    jwt = config["jwt"]
    assert jwt["enabled"] and jwt["require_authentication"]
    assert jwt["allowed_algorithms"] == ["RS256"]
    assert jwt["scopes_claim"] == "vsm_roles"  # tools/vsm_dev/identity.py writes the roles there
    assert jwt["audiences"] == {"from_env": "VSM_JWT_AUDIENCE", "default": ["vsm"]}
    # A list default: the variable is split on commas, and the key never disappears (no issuer check).
    assert isinstance(jwt["issuers"]["default"], list)
    assert config["headers"]["all"]["request"] == [
        {"propagate": {"named": "authorization"}},
        {"insert": {"name": "x-vsm-gateway-secret", "value": {"from_env": "VSM_GATEWAY_SECRET"}}},
    ]
    assert config["authorization"]["directives"] == {"enabled": True, "unauthorized": {"mode": "reject"}}
    assert config["csrf"]["enabled"] and config["csrf"]["required_headers"]
    masking = config["error_masking"]
    assert masking["all"]["enabled"] is False
    assert masking["all"]["extensions"] == {"mode": "deny", "keys": ["stacktrace", "exception", "originalError"]}
    assert config["telemetry"]["tracing"]["propagation"]["trace_context"] is True
    [otlp] = config["telemetry"]["tracing"]["exporters"]
    assert "endpoint" not in otlp  # the OTEL_* variables decide
    assert otlp["enabled"] is True  # a from_env bool fails here: an internally tagged enum (kind:)


def test_the_profiles_differ_only_in_the_ide_introspection_and_the_identity_provider() -> None:
    development, production = leaves(load("development")), leaves(load("production"))
    differing = {
        re.sub(r"\[\d+\].*", "", key)
        for key in development.keys() | production.keys()
        if development.get(key) != production.get(key)
    }
    assert differing == {"laboratory.enabled", "introspection", "jwt.issuers.default", "jwt.jwks_providers"}
    assert production["laboratory.enabled"] is False and production["introspection"] is False
    assert load("production")["jwt"]["issuers"] == {"from_env": "VSM_JWT_ISSUER", "default": []}
    assert load("development")["jwt"]["issuers"]["default"] == ["http://127.0.0.1:4000/dev-issuer"]


def test_every_variable_the_files_read_is_documented() -> None:
    names = from_env_names(load("development")) | from_env_names(load("production"))
    readme = (ROOT / "services" / "gateway" / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, flags=re.MULTILINE))
    # A misspelt name in a file is silently its default: every name must be one the README's table lists.
    assert names - documented == set()
    assert {"VSM_SUPERGRAPH_PATH", "VSM_GATEWAY_SECRET", "VSM_JWKS_PATH", "VSM_JWKS_URL"} <= names


def test_the_makefile_builds_the_version_the_launcher_runs() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert f"HIVE_ROUTER_VERSION := {router.VERSION}\n" in makefile
    assert router.binary_path({"ROUTER_CACHE": "/c"}) == Path(f"/c/{router.VERSION}/bin/hive_router")


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    s = Stack(StackConfig(data_dir=tmp_path, host="127.0.0.1"))
    s.gateway_secret = "s3cret"
    s.otlp_endpoint = "http://127.0.0.1:4318"
    return s


def test_the_router_environment_drops_generic_overrides(stack: Stack, tmp_path: Path) -> None:
    base = {"HOST": "0.0.0.0", "PORT": "80", "LOG_LEVEL": "trace", "PATH": "/bin", "VSM_JWKS_PATH": "/k.json"}
    env = router.router_env(stack, port=4100, base=base)
    assert not {"HOST", "PORT", "LOG_LEVEL"} & env.keys()
    assert env["PATH"] == "/bin"
    assert env["VSM_GATEWAY_HOST"] == "127.0.0.1" and env["VSM_GATEWAY_PORT"] == "4100"
    assert env["VSM_GATEWAY_SECRET"] == "s3cret"
    assert env["VSM_SUPERGRAPH_PATH"] == str(tmp_path / "supergraph" / "supergraph.graphql")
    assert env["ROUTER_CONFIG_FILE_PATH"] == str(router.CONFIG_DIR / "router.development.yaml")
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318"


def test_the_router_environment_refuses_what_the_config_would_accept_quietly(stack: Stack) -> None:
    with pytest.raises(StartupError, match="VSM_JWKS_PATH"):
        router.router_env(stack, port=4100, base={})
    production = Stack(StackConfig(data_dir=stack.config.data_dir, profile="production"))
    production.gateway_secret = "s3cret"
    with pytest.raises(StartupError, match="VSM_JWKS_URL, VSM_JWT_ISSUER"):
        router.router_env(production, port=4100, base={})
    env = router.router_env(
        production, port=4100, base={"VSM_JWKS_URL": "https://idp/jwks", "VSM_JWT_ISSUER": "https://idp"}
    )
    assert env["ROUTER_CONFIG_FILE_PATH"].endswith("router.production.yaml")
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in env
    with pytest.raises(StartupError, match="VSM_GATEWAY_SECRET"):
        router.router_env(Stack(StackConfig(data_dir=stack.config.data_dir)), port=1, base={"VSM_JWKS_PATH": "/k"})


FAKE_ROUTER = """#!{python}
# Stands in for hive_router: says what it was started with, then answers /readiness.
import http.server, json, os, sys
print(json.dumps({{k: v for k, v in os.environ.items() if k.startswith(("ROUTER_", "VSM_"))}}), flush=True)

class Ready(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/readiness" else 404)
        self.end_headers()

http.server.HTTPServer((os.environ["VSM_GATEWAY_HOST"], int(os.environ["VSM_GATEWAY_PORT"])), Ready).serve_forever()
"""


def test_the_stacks_gateway_is_the_router(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary = router.binary_path({"ROUTER_CACHE": str(tmp_path / "cache")})
    binary.parent.mkdir(parents=True)
    binary.write_text(FAKE_ROUTER.format(python=sys.executable))
    binary.chmod(0o755)
    monkeypatch.setenv("ROUTER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("VSM_JWKS_PATH", str(tmp_path / "jwks.json"))
    monkeypatch.setenv("VSM_FRONT_DOOR", "gateway")  # the old switch to the Node gateway does nothing now
    port = free_port()
    stack = Stack(StackConfig(data_dir=tmp_path, host="127.0.0.1", gateway_port=port))
    stack.gateway_secret = "s3cret"
    try:
        stack.start_gateway()
        gateway = stack.processes["gateway"]
        assert gateway.popen.poll() is None
        assert gateway.log_path == tmp_path / "logs" / "router.log"
    finally:
        stack.stop()
    assert gateway.popen.returncode is not None and "gateway" not in stack.processes
    started_with = json.loads(gateway.log_path.read_text().splitlines()[0])
    assert started_with["ROUTER_CONFIG_FILE_PATH"] == str(router.CONFIG_DIR / "router.development.yaml")
    assert started_with["VSM_GATEWAY_PORT"] == str(port) and started_with["VSM_GATEWAY_SECRET"] == "s3cret"


def write_profiles(directory: Path, metrics: str) -> None:
    for profile in router.PROFILES:
        (directory / f"router.{profile}.yaml").write_text(f"telemetry:\n  metrics:\n{metrics}")


@pytest.mark.parametrize(
    ("metrics", "url"),
    [
        ("    exporters:\n      - { kind: prometheus, enabled: true, path: /metrics }\n", "http://h:4000/metrics"),
        ("    exporters:\n      - { kind: prometheus }\n", "http://h:4000/metrics"),
        ("    exporters:\n      - { kind: prometheus, path: stats, port: 9464 }\n", "http://h:9464/stats"),
        ("    exporters: []\n", None),
        ("    exporters:\n      - { kind: prometheus, enabled: false }\n", None),
        ("    exporters:\n      - { kind: otlp, enabled: true }\n", None),
    ],
)
def test_the_metrics_address_is_what_the_file_serves(
    metrics: str, url: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(tmp_path, metrics)
    monkeypatch.setattr(router, "CONFIG_DIR", tmp_path)
    assert router.metrics_url("production", "h", 4000) == url


def test_the_summary_prints_no_gateway_metrics_the_router_does_not_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = Stack(StackConfig(data_dir=tmp_path, host="127.0.0.1", gateway_port=4000))
    assert ("gateway metrics" in stack.summary()) == (router.metrics_url("development", "127.0.0.1", 4000) is not None)
    write_profiles(tmp_path, "    exporters: []\n")
    monkeypatch.setattr(router, "CONFIG_DIR", tmp_path)
    summary = stack.summary()
    assert "gateway metrics" not in summary and "goals metrics" in summary
    assert re.search(
        r"^  gateway \(Hive Router: GraphQL, IDE\) +http://127\.0\.0\.1:4000/graphql$", summary, re.MULTILINE
    )


def test_a_missing_binary_says_how_to_build_it(stack: Stack, tmp_path: Path) -> None:
    process = router.RouterProcess(
        stack, port=1, binary=tmp_path / "none", extra_env={"VSM_JWKS_PATH": str(tmp_path / "jwks.json")}
    )
    with pytest.raises(StartupError, match="make router"):
        process.start()


@pytest.mark.parametrize("profile", router.PROFILES)
def test_persisted_documents_read_the_gateways_file_and_ids(profile: str) -> None:
    documents = load(profile)["persisted_documents"]
    assert documents["enabled"] is True
    assert documents["require_id"] is False  # alongside arbitrary documents; the launcher's copy says true
    assert documents["storage"] == {
        "type": "file",
        "path": {"from_env": "VSM_PERSISTED_DOCUMENTS_PATH", "default": "persisted-documents.json"},
    }
    # The default file is the empty map: nothing persisted unless a file is named.
    assert (router.CONFIG_DIR / "persisted-documents.json").read_text().strip() == "{}"
    assert documents["selectors"] == [
        {"type": "json_path", "path": "documentId"},
        {"type": "json_path", "path": "extensions.persistedQuery.sha256Hash"},
        {"type": "url_query_param", "name": "documentId"},
    ]


def test_persisted_only_is_a_copy_of_the_profile_that_requires_an_id(stack: Stack, tmp_path: Path) -> None:
    base = {"VSM_JWKS_PATH": "/k.json", "VSM_PERSISTED_DOCUMENTS_PATH": "/d.json"}
    assert router.router_env(stack, port=4100, base=base)["ROUTER_CONFIG_FILE_PATH"] == str(
        router.CONFIG_DIR / "router.development.yaml"
    )
    env = router.router_env(stack, port=4100, base=base, extra={"VSM_PERSISTED_ONLY": "true"})
    copy = Path(env["ROUTER_CONFIG_FILE_PATH"])
    assert copy.parent == tmp_path / "router"
    original = leaves(load("development"))
    persisted_only = leaves(yaml.safe_load(copy.read_text()))
    assert {k for k in original.keys() | persisted_only.keys() if original.get(k) != persisted_only.get(k)} == {
        "persisted_documents.require_id"
    }
    assert persisted_only["persisted_documents.require_id"] is True
    with pytest.raises(StartupError, match="VSM_PERSISTED_DOCUMENTS_PATH"):
        router.router_env(stack, port=4100, base={"VSM_JWKS_PATH": "/k.json", "VSM_PERSISTED_ONLY": "true"})
    with pytest.raises(StartupError, match="VSM_PERSISTED_ONLY"):
        router.router_env(stack, port=4100, base={**base, "VSM_PERSISTED_ONLY": "yes"})


@pytest.mark.parametrize("profile", router.PROFILES)
def test_the_coprocessor_is_called_only_for_tokens_jwt_cannot_judge(profile: str) -> None:
    """The coprocessor (issue 12): one stage, router.request, behind a condition, sent only the headers; the
    condition looks for what vsm_common.auth.claim_problem refuses, with the same leeway and length."""
    from vsm_common.auth import ROUTER_LEEWAY_SECONDS, AuthSettings
    from vsm_common.front_door import TOKEN_CHECK_PATH
    from vsm_common.settings import ServiceSettings

    coprocessor = load(profile)["coprocessor"]
    assert coprocessor["url"] == {"from_env": "VSM_GATEWAY_TOKEN_CHECK_URL"}  # required: no default
    assert coprocessor["protocol"] == "http1"
    assert list(coprocessor["stages"]) == ["router"] and list(coprocessor["stages"]["router"]) == ["request"]
    stage = coprocessor["stages"]["router"]["request"]
    assert stage["include"] == {"headers": True}  # no body: the router need not read it first
    condition = stage["condition"]["expression"]
    assert AuthSettings.leeway_seconds == ROUTER_LEEWAY_SECONDS == ServiceSettings().jwt_clock_tolerance_seconds
    assert f"to_unix_timestamp(now()) + {ROUTER_LEEWAY_SECONDS}\n" in condition
    assert f"length(token) > {ServiceSettings().jwt_max_token_bytes})" in condition
    for claim in ("nbf", "iat", "sub", "jti", "vsm_roles", "vsm_org"):
        assert f"claims.{claim}" in condition, claim
    assert 'starts_with(auth, "Bearer")' in condition  # the router's own lookup: prefix "Bearer"
    # No aborting call (`f!(...)`): a runtime error in the condition answers the client 500.
    assert not re.search(r"\w!\(", condition)
    assert TOKEN_CHECK_PATH == "/gateway/token-check"


def test_the_router_asks_the_stack_s_goals_service_about_tokens(stack: Stack) -> None:
    env = router.router_env(stack, port=4100, base={"VSM_JWKS_PATH": "/k.json", "VSM_GATEWAY_TOKEN_CHECK_URL": "x"})
    assert env["VSM_GATEWAY_TOKEN_CHECK_URL"] == f"{stack.config.service_url('goals')}/gateway/token-check"
