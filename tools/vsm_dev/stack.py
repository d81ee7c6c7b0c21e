"""The whole vsm stack on one machine: infrastructure, services, supergraph and the gateway (Hive Router).

Used by ``make run`` (:mod:`vsm_dev.run`) and by the test session (``conftest.py``), so
tests start exactly what a developer runs, only with their own data folder and ports.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vsm_common.migrations import COMMON_MIGRATIONS, apply_migrations
from vsm_common.settings import dead_letter_topic, topic_name

from .identity import DevIssuer
from .kafka import KafkaBroker, TopicSpec, ensure_topics
from .otlp_sink import OtlpSink
from .postgres import EmbeddedPostgres
from .procutil import StartupError, free_port, log_tail, open_log, stop_process
from .router import RouterProcess, metrics_url

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("goals", "planning", "followup")
PYTHONPATH = os.pathsep.join(
    str(ROOT / p) for p in ("libs", "tools", "services/goals", "services/planning", "services/followup")
)
GATEWAY_DIR = ROOT / "services" / "gateway"
WEB_DIST = ROOT / "services" / "web" / "dist"  # `make web` builds it


@dataclass(frozen=True)
class StackConfig:
    """Where the stack keeps its data and which ports it uses; every value configurable."""

    data_dir: Path = ROOT / ".data"
    host: str = "127.0.0.1"
    gateway_port: int = 4000
    service_ports: Mapping[str, int] = field(
        default_factory=lambda: {"goals": 4001, "planning": 4002, "followup": 4003}
    )
    postgres_port: int = 5433
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    otlp_port: int = 4318
    web_port: int = 4080  # the web app (vsm_dev.web)
    database_url: str | None = None  # an existing server instead of the embedded one
    kafka_bootstrap: str | None = None  # an existing cluster instead of the local broker
    otlp_endpoint: str | None = None  # an existing collector instead of the local span file
    profile: str = "development"
    topic_prefix: str = "vsm"
    kafka_libs: Path = ROOT / ".cache" / "kafka-libs"
    # Replicas of the services' topics and their min.insync.replicas: 1 for the local broker,
    # e.g. 3 and 2 for a cluster (kafka_bootstrap pointing at a vsm_dev.kafka.KafkaCluster).
    kafka_replication_factor: int = 1
    kafka_min_insync_replicas: int = 1

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> StackConfig:
        base = cls()

        def port(name: str, default: int) -> int:
            return int(env.get(name, default))

        return replace(
            base,
            data_dir=Path(env.get("VSM_DATA_DIR", base.data_dir)).resolve(),
            host=env.get("VSM_HOST", base.host),
            gateway_port=port("VSM_GATEWAY_PORT", base.gateway_port),
            service_ports={
                "goals": port("VSM_GOALS_PORT", 4001),
                "planning": port("VSM_PLANNING_PORT", 4002),
                "followup": port("VSM_FOLLOWUP_PORT", 4003),
            },
            postgres_port=port("VSM_POSTGRES_PORT", base.postgres_port),
            kafka_port=port("VSM_KAFKA_PORT", base.kafka_port),
            kafka_controller_port=port("VSM_KAFKA_CONTROLLER_PORT", base.kafka_controller_port),
            otlp_port=port("VSM_OTLP_PORT", base.otlp_port),
            web_port=port("VSM_WEB_PORT", base.web_port),
            database_url=env.get("DATABASE_URL") or None,
            kafka_bootstrap=env.get("KAFKA_BOOTSTRAP_SERVERS") or None,
            otlp_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None,
            profile=env.get("VSM_PROFILE", base.profile),
        )

    @classmethod
    def on_free_ports(cls, data_dir: Path, **overrides: Any) -> StackConfig:
        """A stack in ``data_dir`` on ports free right now, so it runs beside any other (tests, benchmarks)."""
        ports: dict[str, Any] = {
            "gateway_port": free_port(),
            "service_ports": {"goals": free_port(), "planning": free_port(), "followup": free_port()},
            "postgres_port": free_port(),
            "kafka_port": free_port(),
            "kafka_controller_port": free_port(),
            "otlp_port": free_port(),
            "web_port": free_port(),
        }
        return cls(data_dir=data_dir, **{**ports, **overrides})

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}/graphql"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    def service_url(self, name: str) -> str:
        return f"http://{self.host}:{self.service_ports[name]}"

    @property
    def spans_path(self) -> Path:
        return self.data_dir / "traces" / "spans.jsonl"


@dataclass
class ServiceProcess:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path


class Stack:
    """Starts and stops every part; ``stop()`` is safe after a partial start."""

    def __init__(self, config: StackConfig, progress: Callable[[str], None] = print) -> None:
        self.config = config
        self.progress = progress
        self.database_url = config.database_url
        self.kafka_bootstrap = config.kafka_bootstrap
        self.otlp_endpoint = config.otlp_endpoint
        self._postgres: EmbeddedPostgres | None = None
        self._kafka: KafkaBroker | None = None
        self._sink: OtlpSink | None = None
        self.processes: dict[str, ServiceProcess] = {}
        self.gateway_secret = ""
        self.issuer: DevIssuer | None = None
        self.supergraph_path = config.data_dir / "supergraph" / "supergraph.graphql"

    # ------------------------------------------------------------ infrastructure
    def start_infra(self) -> None:
        cfg = self.config
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        self.gateway_secret = self._load_secret()
        if not os.environ.get("VSM_JWKS_URL"):
            # Development: vsm is its own identity provider (make -s token ROLE=...).
            self.issuer = DevIssuer.load_or_create(cfg.data_dir)
        if self.otlp_endpoint is None:
            self._sink = OtlpSink(cfg.otlp_port, cfg.spans_path, host=cfg.host)
            self._sink.start()
            self.otlp_endpoint = f"http://{cfg.host}:{cfg.otlp_port}"
        if self.database_url is None:
            self.progress(f"starting PostgreSQL (embedded) on {cfg.host}:{cfg.postgres_port}")
            self._postgres = EmbeddedPostgres(
                cfg.data_dir / "postgres",
                cfg.postgres_port,
                host=cfg.host,
                log_path=cfg.data_dir / "logs" / "postgres.log",
            )
            self.database_url = self._postgres.start()
        if self.kafka_bootstrap is None:
            self.progress(f"starting Kafka (KRaft, single node) on {cfg.host}:{cfg.kafka_port}")
            self._kafka = KafkaBroker(
                cfg.data_dir / "kafka",
                cfg.kafka_libs,
                cfg.kafka_port,
                cfg.kafka_controller_port,
                log_path=cfg.data_dir / "logs" / "kafka.log",
            )
            self.kafka_bootstrap = self._kafka.start()
        self.progress("creating topics and applying migrations")
        asyncio.run(self._prepare())

    def _load_secret(self) -> str:
        """The gateway↔subgraph secret: from the environment, or made once per data folder."""
        if os.environ.get("VSM_GATEWAY_SECRET"):
            return os.environ["VSM_GATEWAY_SECRET"]
        path = self.config.data_dir / "gateway-secret"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip()

    async def _prepare(self) -> None:
        assert self.database_url and self.kafka_bootstrap
        rf, min_isr = self.config.kafka_replication_factor, self.config.kafka_min_insync_replicas

        def spec(name: str, partitions: int) -> TopicSpec:
            if rf == 1:
                return TopicSpec(name, partitions)
            return TopicSpec(name, partitions, rf, {"min.insync.replicas": str(min_isr)})

        topics: list[TopicSpec] = []
        for svc in SERVICES:
            name = topic_name(self.config.topic_prefix, svc)
            topics.append(spec(name, 3))
            topics.append(spec(dead_letter_topic(name), 1))
        await ensure_topics(self.kafka_bootstrap, topics)
        for svc in SERVICES:
            await apply_migrations(
                self.database_url, svc, [COMMON_MIGRATIONS, ROOT / "services" / svc / f"vsm_{svc}" / "migrations"]
            )

    # ------------------------------------------------------------ faults (tests)
    @property
    def kafka(self) -> KafkaBroker:
        """The local broker this stack started (not an external KAFKA_BOOTSTRAP_SERVERS cluster)."""
        if self._kafka is None:
            raise StartupError("this stack uses an external Kafka cluster; it has no broker of its own")
        return self._kafka

    @property
    def postgres(self) -> EmbeddedPostgres:
        """The embedded PostgreSQL this stack started (not an external DATABASE_URL server)."""
        if self._postgres is None:
            raise StartupError("this stack uses an external PostgreSQL server; it has no embedded one")
        return self._postgres

    def kill_kafka(self) -> None:
        """SIGKILL the stack's broker, as a crash would; the services are left running."""
        self.kafka.kill()

    def start_kafka(self, timeout: float = 120) -> None:
        """Start the stack's broker again on the same ports and data (after :meth:`kill_kafka`)."""
        if self.kafka.pid is None:
            self.kafka.start(timeout)

    def stop_postgres(self) -> None:
        """Stop the embedded PostgreSQL (fast shutdown: sessions are terminated); services keep running."""
        self.postgres.stop()

    def start_postgres(self, timeout: float = 60) -> None:
        """Start the embedded PostgreSQL again on the same port and data (after :meth:`stop_postgres`)."""
        if self.postgres.pid is None:
            dsn = self.postgres.start(timeout)
            assert dsn == self.database_url, "PostgreSQL came back under another address"

    # ------------------------------------------------------------ identity
    def _auth_env(self) -> dict[str, str]:
        return {"VSM_JWKS_PATH": str(self.issuer.jwks_path)} if self.issuer else {}

    def token(self, role: str, *, sub: str | None = None, org: str | None = None, ttl: int = 3600) -> str:
        """A development token for ``role`` (what ``make -s token`` prints), signed by this stack's issuer."""
        if self.issuer is None:
            raise StartupError("no development issuer: VSM_JWKS_URL points at an external identity provider")
        return self.issuer.mint(role, sub=sub, org=org, ttl=ttl)

    def auth_headers(self, role: str, *, sub: str | None = None, org: str | None = None) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token(role, sub=sub, org=org)}"}

    # ------------------------------------------------------------ services
    def service_env(self, name: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        assert self.database_url and self.kafka_bootstrap
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": PYTHONPATH,
                "DATABASE_URL": self.database_url,
                "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
                "VSM_HOST": self.config.host,
                "VSM_PORT": str(self.config.service_ports.get(name, 0)),
                "VSM_GATEWAY_SECRET": self.gateway_secret,
                "VSM_PROFILE": self.config.profile,
                "VSM_TOPIC_PREFIX": self.config.topic_prefix,
                "PYTHONUNBUFFERED": "1",
                **self._auth_env(),
            }
        )
        if self.otlp_endpoint:
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = self.otlp_endpoint
        env.update(extra or {})
        return env

    def start_service(self, name: str, extra_env: Mapping[str, str] | None = None, wait: bool = True) -> None:
        log_path = self.config.data_dir / "logs" / f"{name}.log"
        fd = open_log(log_path)
        try:
            popen = subprocess.Popen(
                [sys.executable, "-m", f"vsm_{name}", "serve"],
                env=self.service_env(name, extra_env),
                stdout=fd,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches only the supervisor, which stops us in order
                cwd=ROOT,
            )
        finally:
            os.close(fd)
        self.processes[name] = ServiceProcess(name, popen, log_path)
        if wait:
            self._wait_http(name, f"{self.config.service_url(name)}/health/ready", popen, log_path)

    def stop_service(self, name: str) -> int | None:
        proc = self.processes.pop(name, None)
        if proc is None:
            return None
        return stop_process(proc.popen, [(signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)], name)

    def wait_exit(self, name: str, timeout: float) -> int:
        """Wait for a service to exit by itself (fault-injection tests); returns its exit code."""
        proc = self.processes.pop(name)
        return proc.popen.wait(timeout)

    def _wait_http(
        self, name: str, url: str, popen: subprocess.Popen[bytes], log_path: Path, timeout: float = 60
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if popen.poll() is not None:
                raise StartupError(f"{name} exited with {popen.returncode}:\n{log_tail(log_path)}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - our own loopback URL
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise StartupError(f"{name} not ready at {url} after {timeout:.0f}s:\n{log_tail(log_path)}")

    def run_command(self, name: str, command: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", f"vsm_{name}", command],
            env=self.service_env(name),
            capture_output=True,
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            raise StartupError(f"vsm_{name} {command} failed:\n{result.stderr.decode()[-4000:]}")
        return result.stdout.decode()

    # ------------------------------------------------------------ gateway
    def compose_supergraph(self) -> Path:
        sdl_dir = self.supergraph_path.parent
        sdl_dir.mkdir(parents=True, exist_ok=True)
        args = ["node", str(GATEWAY_DIR / "compose.mjs"), "--out", str(self.supergraph_path)]
        for svc in SERVICES:
            sdl_path = sdl_dir / f"{svc}.graphql"
            sdl_path.write_text(self.run_command(svc, "sdl"))
            args += ["--subgraph", f"{svc},{self.config.service_url(svc)}/graphql,{sdl_path}"]
        result = subprocess.run(args, capture_output=True, cwd=GATEWAY_DIR, check=False)
        if result.returncode != 0:
            raise StartupError(f"supergraph composition failed:\n{result.stdout.decode()}{result.stderr.decode()}")
        return self.supergraph_path

    def start_gateway(self) -> None:
        """Hive Router on the gateway port, in front of the composed supergraph (``make router`` builds it)."""
        router = RouterProcess(
            self, port=self.config.gateway_port, log_path=self.config.data_dir / "logs" / "router.log"
        )
        router.start(timeout=90)
        assert router.popen is not None
        # Registered as "gateway", the role it plays: the benchmark's per-process figures and their
        # tests (bench/vsm_bench/target.py, resources.py, tests/test_bench_smoke.py) name it so.
        self.processes["gateway"] = ServiceProcess("gateway", router.popen, router.log_path)

    # ------------------------------------------------------------ web app
    def start_web(self, dist: Path = WEB_DIST) -> None:
        """The web app's server (:mod:`vsm_dev.web`): ``dist`` and a /graphql pipe to this stack's front door.

        Development tokens for its sign-in come from this stack's issuer (the same data folder), so the
        front door trusts them; under VSM_JWKS_URL there is no issuer and the server mints none.
        """
        log_path = self.config.data_dir / "logs" / "web.log"
        # Not service_env: the web server gets neither the database nor the gateway's secret.
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": PYTHONPATH,
                "PYTHONUNBUFFERED": "1",
                "VSM_HOST": self.config.host,
                "VSM_PROFILE": self.config.profile,
                "VSM_WEB_PORT": str(self.config.web_port),
                "VSM_WEB_API_URL": self.config.gateway_url,
                "VSM_WEB_DIST": str(dist),
                "VSM_DATA_DIR": str(self.config.data_dir),
            }
        )
        fd = open_log(log_path)
        try:
            popen = subprocess.Popen(
                [sys.executable, "-m", "vsm_dev.web"],
                env=env,
                stdout=fd,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=ROOT,
            )
        finally:
            os.close(fd)
        self.processes["web"] = ServiceProcess("web", popen, log_path)
        self._wait_http("web", f"{self.config.web_url}/health", popen, log_path)

    # ------------------------------------------------------------ all of it
    def start(self, seed: bool = True) -> None:
        self.start_infra()
        for svc in SERVICES:
            self.progress(f"starting {svc} on {self.config.service_url(svc)}")
            self.start_service(svc)
        self.progress("composing the supergraph")
        self.compose_supergraph()
        self.progress(f"starting the gateway (Hive Router) on {self.config.gateway_url}")
        self.start_gateway()
        if seed:
            self.progress("loading demo data (idempotent)")
            for svc in SERVICES:
                self.run_command(svc, "seed")
        if (WEB_DIST / "index.html").exists():
            self.progress(f"starting the web app on {self.config.web_url}/")
            self.start_web()

    def stop(self) -> None:
        for name in ["web", "gateway", *reversed(SERVICES)]:
            try:
                self.stop_service(name)
            except Exception:
                log.exception("stopping %s", name)
        for name in list(self.processes):
            self.stop_service(name)
        if self._kafka is not None:
            self._kafka.stop()
            self._kafka = None
        if self._postgres is not None:
            self._postgres.stop()
            self._postgres = None
        if self._sink is not None:
            self._sink.stop()
            self._sink = None

    def summary(self) -> str:
        cfg = self.config
        gateway_metrics = metrics_url(cfg.profile, cfg.host, cfg.gateway_port)
        # Only what the router's file really serves (none without a Prometheus exporter there).
        metrics_rows = [("gateway metrics", f"{gateway_metrics}  (Prometheus)")] if gateway_metrics else []
        web_rows = [("web app", f"{cfg.web_url}/")] if "web" in self.processes else []
        rows = [
            *web_rows,
            (
                "gateway (Hive Router: GraphQL" + (", IDE" if cfg.profile == "development" else "") + ")",
                cfg.gateway_url,
            ),
            *((f"{svc} subgraph", f"{cfg.service_url(svc)}/graphql") for svc in SERVICES),
            *metrics_rows,
            *((f"{svc} metrics", f"{cfg.service_url(svc)}/metrics  (Prometheus)") for svc in SERVICES),
            ("PostgreSQL", _redact(self.database_url or "")),
            ("Kafka", self.kafka_bootstrap or ""),
            ("traces", str(cfg.spans_path) if self._sink else (self.otlp_endpoint or "off")),
            (
                "tokens",
                "make -s token ROLE=planner  (send as 'Authorization: Bearer <token>')"
                if self.issuer
                else "from VSM_JWKS_URL's provider",
            ),
            ("logs", str(cfg.data_dir / "logs")),
            ("data", str(cfg.data_dir)),
        ]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"  {k.ljust(width)}  {v}" for k, v in rows)


def _redact(dsn: str) -> str:
    if "@" in dsn and "://" in dsn:
        scheme, rest = dsn.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}"
    return dsn
