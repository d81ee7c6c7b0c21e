"""Where the stack under test is: our own (started with tools/vsm_dev/stack.py) or one already running."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[2]
for _p in ("libs", "tools", "services/goals", "services/planning", "services/followup"):
    if str(ROOT / _p) not in sys.path:
        sys.path.append(str(ROOT / _p))

if TYPE_CHECKING:
    from vsm_dev.identity import DevIssuer
    from vsm_dev.stack import Stack

SERVICES = ("goals", "planning", "followup")
TOKEN_TTL_SECONDS = 3600
TOKEN_RENEW_SECONDS = 300  # a cached token this close to its expiry is replaced by a fresh one


@dataclass
class Target:
    """Everything the scenarios need to know about the stack under test."""

    gateway_url: str
    service_urls: dict[str, str]  # name -> http://host:port (no /graphql)
    gateway_secret: str
    database_url: str
    kafka_bootstrap: str
    spans_path: Path | None
    pids: dict[str, int] = field(default_factory=dict)  # process name -> pid (Python services, gateway, ...)
    topic_prefix: str = "vsm"
    owned: bool = False  # started by the harness
    issuer: DevIssuer | None = None  # the stack's development identity provider: the harness mints its tokens
    token_issuer: str | None = None  # `iss` and `aud` of the tokens (None: as the environment says)
    token_audience: str | None = None
    _tokens: dict[tuple[str, str | None, str | None], tuple[str, float]] = field(default_factory=dict, repr=False)

    def subgraph_url(self, name: str) -> str:
        return f"{self.service_urls[name]}/graphql"

    def auth_headers(self, role: str, *, sub: str | None = None, org: str | None = None) -> dict[str, str]:
        """``Authorization: Bearer`` with a development token for ``role`` (``org``: the committee's or
        manager's organisation code), minted once and renewed before it expires."""
        if self.issuer is None:
            raise RuntimeError("no development issuer: the benchmark cannot mint tokens for this stack")
        key = (role, sub, org)
        cached = self._tokens.get(key)
        now = time.time()
        if cached is None or cached[1] - now < TOKEN_RENEW_SECONDS:
            token = self.issuer.mint(
                role,
                sub=sub,
                org=org,
                ttl=TOKEN_TTL_SECONDS,
                issuer=self.token_issuer,
                audience=self.token_audience,
            )
            cached = (token, now + TOKEN_TTL_SECONDS)
            self._tokens[key] = cached
        return {"authorization": f"Bearer {cached[0]}"}

    def auth(self, role: str, *, sub: str | None = None, org: str | None = None) -> Callable[[], dict[str, str]]:
        """What :class:`~vsm_bench.client.GraphQL` asks at each request for the header of this caller."""
        return lambda: self.auth_headers(role, sub=sub, org=org)

    @classmethod
    def from_stack(cls, stack: Stack, owned: bool = False) -> Target:
        cfg = stack.config
        pids = {name: proc.popen.pid for name, proc in stack.processes.items()}
        pids.update(_infra_pids(stack))
        assert stack.database_url and stack.kafka_bootstrap
        return cls(
            gateway_url=cfg.gateway_url,
            service_urls={name: cfg.service_url(name) for name in SERVICES},
            gateway_secret=stack.gateway_secret,
            database_url=stack.database_url,
            kafka_bootstrap=stack.kafka_bootstrap,
            spans_path=cfg.spans_path if cfg.otlp_endpoint is None else None,  # the stack's own span sink
            pids=pids,
            topic_prefix=cfg.topic_prefix,
            owned=owned,
            issuer=stack.issuer,
        )

    @classmethod
    def attach(cls, gateway_url: str, env: dict[str, str] | None = None) -> Target:
        """A stack someone else runs (``make run``): ports, secret and data folder as its environment says;
        tokens are minted with the development issuer of that data folder."""
        from vsm_dev.identity import DevIssuer, audience_from_env, issuer_from_env
        from vsm_dev.stack import StackConfig

        env = dict(os.environ if env is None else env)
        cfg = StackConfig.from_env(env)
        secret_file = cfg.data_dir / "gateway-secret"
        secret = env.get("VSM_GATEWAY_SECRET") or (secret_file.read_text().strip() if secret_file.exists() else "")
        if not secret:
            raise SystemExit(
                "no gateway secret: set VSM_GATEWAY_SECRET or point VSM_DATA_DIR at the stack's data folder"
            )
        if env.get("VSM_JWKS_URL"):
            raise SystemExit(
                "the stack verifies tokens of an external identity provider (VSM_JWKS_URL); the benchmark "
                "mints development tokens and needs a stack with the development issuer (make run)"
            )
        if not (cfg.data_dir / "identity" / "private.pem").exists():
            # load_or_create would make a new key pair that the running stack does not know.
            raise SystemExit(
                f"no development issuer in {cfg.data_dir / 'identity'}: point VSM_DATA_DIR at the stack's data folder"
            )
        target = cls(
            gateway_url=gateway_url,
            service_urls={name: cfg.service_url(name) for name in SERVICES},
            gateway_secret=secret,
            database_url=cfg.database_url or f"postgresql://vsm:vsm@{cfg.host}:{cfg.postgres_port}/vsm",
            kafka_bootstrap=cfg.kafka_bootstrap or f"{cfg.host}:{cfg.kafka_port}",
            spans_path=cfg.spans_path if cfg.spans_path.exists() else None,
            topic_prefix=cfg.topic_prefix,
            issuer=DevIssuer.load_or_create(cfg.data_dir),
            token_issuer=issuer_from_env(env),
            token_audience=audience_from_env(env),
        )
        target.pids = _pids_by_port(
            {
                "gateway": cfg.gateway_port,
                **{name: cfg.service_ports[name] for name in SERVICES},
                "postgres": cfg.postgres_port,
                "kafka": cfg.kafka_port,
            }
        )
        return target


def _infra_pids(stack: Stack) -> dict[str, int]:
    cfg = stack.config
    found = _pids_by_port({"postgres": cfg.postgres_port, "kafka": cfg.kafka_port})
    return found


def _pids_by_port(ports: dict[str, int]) -> dict[str, int]:
    import psutil  # type: ignore[import-untyped]

    by_port: dict[int, int] = {}
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.pid and conn.laddr:
                by_port.setdefault(conn.laddr.port, conn.pid)
    except (psutil.AccessDenied, OSError):
        return {}
    return {name: by_port[port] for name, port in ports.items() if port in by_port}


@contextmanager
def own_stack(
    size: str, data_dir: Path | None = None, keep_data: bool = False, progress: Any = print
) -> Iterator[Target]:
    """Start a whole stack on free ports in .data/bench-<size> (fresh unless keep_data), stop it after."""
    from vsm_dev.stack import Stack, StackConfig

    data_dir = data_dir or ROOT / ".data" / f"bench-{size}"
    if data_dir.exists() and not keep_data:
        shutil.rmtree(data_dir)
    config = StackConfig.on_free_ports(data_dir)
    with _span_sink(config.host, config.otlp_port, config.spans_path) as sink:
        # The stack sends its spans to the sink process instead of a receiver thread of its own.
        stack = Stack(
            replace(config, otlp_endpoint=f"http://{config.host}:{config.otlp_port}"),
            progress=lambda msg: progress(f"[stack] {msg}"),
        )
        try:
            stack.start(seed=True)
            target = Target.from_stack(stack, owned=True)
            target.spans_path = config.spans_path
            target.pids["sink"] = sink.pid
            yield target
        finally:
            stack.stop()


@contextmanager
def _span_sink(host: str, port: int, out: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The OTLP receiver (vsm_dev.otlp_sink) in a process of its own.

    In the harness's process (where Stack puts it) its thread decodes every span under the same GIL
    as the load generator, whose measured latencies then include the receiver's turns; in a process
    of its own its CPU is counted apart ("sink") as the collector's would be.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    log = (out.parent / "sink.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "vsm_dev.otlp_sink", "--host", host, "--port", str(port), "--out", str(out)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the span sink exited with {proc.returncode}; see {out.parent / 'sink.log'}")
            try:
                socket.create_connection((host, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the span sink did not listen on {host}:{port} within 30 s") from None
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
