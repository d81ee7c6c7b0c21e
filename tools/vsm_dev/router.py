"""Hive Router (the ``hive-router`` crate, a Rust binary): vsm's front door (issue 12).

The router runs from the project's own files (``services/gateway/router/router.<profile>.yaml``) in
front of a stack's subgraphs and supergraph. ``make router`` builds the binary into
``~/.cache/vsm/hive-router/<version>/`` (``ROUTER_CACHE``); ``Stack.start_gateway`` (``make run``, the
test session) starts it on the stack's gateway port, and tests start more beside it:

    with RouterProcess(stack, port=free_port()) as router:
        httpx.post(router.url, ...)

The router has no command-line flags: it reads ``ROUTER_CONFIG_FILE_PATH`` and the ``from_env``
variables that file names (VSM_SUPERGRAPH_PATH, VSM_GATEWAY_SECRET, VSM_JWKS_PATH, ...).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import yaml  # type: ignore[import-untyped]

from vsm_common.front_door import TOKEN_CHECK_PATH

from .procutil import StartupError, log_tail, open_log, stop_process

if TYPE_CHECKING:
    from .stack import Stack

VERSION = "0.3.10"  # the Makefile's HIVE_ROUTER_VERSION
ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "services" / "gateway" / "router"
PROFILES = ("development", "production")

# Variables the router reads over its config file (src/config/env_overrides.rs of the crate): a developer's
# or CI's HOST, PORT or LOG_LEVEL would otherwise move or change the router without a word.
GENERIC_OVERRIDES = frozenset(
    {
        "LOG_LEVEL",
        "LOG_FORMAT",
        "LOG_FILTER",
        "LOG_INTERNALS",
        "LABORATORY_ENABLED",
        "WEBSOCKET_ENABLED",
        "SUBSCRIPTIONS_ENABLED",
        "PORT",
        "HOST",
        "ROUTER_HTTP_WORKERS",
        "ROUTER_HTTP_KEEP_ALIVE",
        "ROUTER_HTTP_SHUTDOWN_TIMEOUT",
        "ROUTER_CACHE_PLUGIN_SUPERGRAPH_RUNTIMES",
        "SUPERGRAPH_FILE_PATH",
        "HIVE_CDN_ENDPOINT",
        "HIVE_CDN_KEY",
        "HIVE_CDN_POLL_INTERVAL",
        "APOLLO_KEY",
        "APOLLO_GRAPH_REF",
        "APOLLO_UPLINK_ENDPOINTS",
        "HIVE_ACCESS_TOKEN",
        "HIVE_TARGET",
        "HIVE_TRACING_ENABLED",
        "HIVE_USAGE_REPORTING_ENABLED",
        "TELEMETRY_TRACING_SAMPLING_RATE",
        "QUERY_PLANNER_EXPERIMENTAL_ABSTRACT_TYPE_FOLDING",
        "DISABLE_SUBGRAPH_ERROR_MASKING",
        "ROUTER_CONFIG_FILE_PATH",
    }
)


def binary_path(env: Mapping[str, str] = os.environ) -> Path:
    """Where ``make router`` installs the binary (``ROUTER_CACHE`` as in the Makefile)."""
    cache = Path(env.get("ROUTER_CACHE") or Path.home() / ".cache" / "vsm" / "hive-router")
    return cache / VERSION / "bin" / "hive_router"


def config_path(profile: str) -> Path:
    if profile not in PROFILES:
        raise StartupError(f'VSM_PROFILE must be "development" or "production", got "{profile}"')
    return CONFIG_DIR / f"router.{profile}.yaml"


def metrics_url(profile: str, host: str, port: int) -> str | None:
    """Where the profile's router serves Prometheus metrics, or None when its file configures no exporter.

    Read from the file rather than assumed, so ``make run`` prints what the router really serves: the
    crate's Prometheus exporter answers on the router's own port unless the exporter names another.
    """
    config: dict[str, Any] = yaml.safe_load(config_path(profile).read_text()) or {}
    exporters: list[dict[str, Any]] = ((config.get("telemetry") or {}).get("metrics") or {}).get("exporters") or []
    # 0.3.10 sets up metrics when any exporter is enabled, and then serves the first Prometheus exporter
    # whatever its own `enabled` says (telemetry/metrics/setup.rs); `enabled` and `path` default to
    # true and /metrics (MetricsPrometheusConfig).
    prometheus = [e for e in exporters if e.get("kind") == "prometheus"]
    if not prometheus or not any(e.get("enabled", True) is True for e in exporters):
        return None
    path = str(prometheus[0].get("path", "/metrics")).strip()
    path = path if path.startswith("/") else f"/{path}"  # as the router's normalize_route_path
    return f"http://{host}:{prometheus[0].get('port') or port}{path}"


def persisted_only(env: Mapping[str, str]) -> bool:
    """VSM_PERSISTED_ONLY: only the documents of VSM_PERSISTED_DOCUMENTS_PATH run."""
    value = (env.get("VSM_PERSISTED_ONLY") or "false").lower()
    if value not in ("true", "false"):
        raise StartupError(f'VSM_PERSISTED_ONLY must be "true" or "false", got "{value}"')
    return value == "true"


def persisted_only_config(profile: str, directory: Path) -> Path:
    """``router.<profile>.yaml`` with ``require_id: true``, written to ``directory``.

    The router's ``persisted_documents.require_id`` takes no ``from_env`` (an untagged value), so the
    persisted-only variant is a copy of the profile's file rather than a second file to keep in step.
    """
    source = config_path(profile).read_text()
    if source.count("require_id: false") != 1:
        raise StartupError(f"router.{profile}.yaml must say `require_id: false` exactly once")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"router.{profile}.persisted-only.yaml"
    path.write_text(source.replace("require_id: false", "require_id: true"))
    return path


def router_env(
    stack: Stack,
    *,
    port: int,
    supergraph: Path | None = None,
    base: Mapping[str, str] = os.environ,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The router's environment for ``stack``: its subgraphs' secret, keys, supergraph, token check and tracing."""
    profile = stack.config.profile
    env = {k: v for k, v in base.items() if k not in GENERIC_OVERRIDES}
    config = config_path(profile)
    if persisted_only({**base, **(extra or {})}):
        config = persisted_only_config(profile, stack.config.data_dir / "router")
    env.update(
        {
            "ROUTER_CONFIG_FILE_PATH": str(config),
            "VSM_SUPERGRAPH_PATH": str(supergraph or stack.supergraph_path),
            "VSM_GATEWAY_HOST": stack.config.host,
            "VSM_GATEWAY_PORT": str(port),
            "VSM_GATEWAY_SECRET": stack.gateway_secret,
            "VSM_PROFILE": profile,
            # The coprocessor that refuses the tokens the router's `jwt` cannot judge (vsm_common.front_door).
            "VSM_GATEWAY_TOKEN_CHECK_URL": f"{stack.config.service_url('goals')}{TOKEN_CHECK_PATH}",
        }
    )
    if stack.issuer is not None:
        env["VSM_JWKS_PATH"] = str(stack.issuer.jwks_path)
    # The router's spans go beside the subgraphs', to the stack's OTLP sink or collector.
    if stack.otlp_endpoint:
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = stack.otlp_endpoint
    env.update(extra or {})
    check_env(env)
    return env


def check_env(env: Mapping[str, str]) -> None:
    """Refuse what the config file cannot: production keys and issuer must be named."""
    missing = ["VSM_SUPERGRAPH_PATH", "VSM_GATEWAY_SECRET"]
    if env.get("VSM_PROFILE") == "production":
        # Unset, the router would refuse every token (issuers: []), a quiet outage; say so instead.
        missing += ["VSM_JWKS_URL", "VSM_JWT_ISSUER"]
    else:
        missing += ["VSM_JWKS_PATH"]
    if persisted_only(env):
        # Without a documents file the copy's default (an empty map) would refuse every request.
        missing += ["VSM_PERSISTED_DOCUMENTS_PATH"]
    unset = [name for name in missing if not env.get(name)]
    if unset:
        raise StartupError(f"the router needs {', '.join(unset)}")


class RouterProcess:
    """One router process: started, waited for on ``/readiness``, stopped with SIGTERM."""

    def __init__(
        self,
        stack: Stack,
        *,
        port: int,
        supergraph: Path | None = None,
        log_path: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
        binary: Path | None = None,
    ) -> None:
        self.binary = binary or binary_path()
        self.host = stack.config.host
        self.port = port
        self.env = router_env(stack, port=port, supergraph=supergraph, extra=extra_env)
        self.log_path = log_path or stack.config.data_dir / "logs" / f"router-{port}.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.started_in: float | None = None  # seconds from spawn to /readiness 200

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/graphql"

    def start(self, timeout: float = 60) -> None:
        if not self.binary.exists():
            raise StartupError(f"no Hive Router binary at {self.binary}: run `make router` (about 12 minutes once)")
        fd = open_log(self.log_path)
        began = time.monotonic()
        try:
            self.popen = subprocess.Popen(
                [str(self.binary)],
                env=self.env,
                stdout=fd,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches only the supervisor, which stops us
                cwd=CONFIG_DIR,
            )
        finally:
            os.close(fd)
        self._wait_ready(timeout)
        self.started_in = time.monotonic() - began

    def _wait_ready(self, timeout: float) -> None:
        assert self.popen is not None
        deadline = time.monotonic() + timeout
        url = f"{self.base}/readiness"  # 200 once a supergraph is loaded (a fixed path in the router)
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise StartupError(f"the router exited with {self.popen.returncode}:\n{log_tail(self.log_path)}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - our own loopback URL
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        raise StartupError(f"the router is not ready at {url} after {timeout:.0f}s:\n{log_tail(self.log_path)}")

    def stop(self) -> int | None:
        """SIGTERM (the router drains for its shutdown_timeout, 2 s), SIGKILL only if it hangs."""
        if self.popen is None:
            return None
        code = stop_process(self.popen, [(signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)], "hive router")
        self.popen = None
        return code

    def __enter__(self) -> RouterProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
