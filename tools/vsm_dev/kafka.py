"""Apache Kafka 4.x (KRaft) for development and tests, run from the Maven-resolved jars in a libs
directory (see deploy/kafka/pom.xml): a single combined broker+controller (:class:`KafkaBroker`),
or a cluster of several on loopback whose controllers form one quorum (:class:`KafkaCluster`)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from xml.sax.saxutils import quoteattr

from aiokafka import AIOKafkaClient
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from vsm_common.kafka import start_fresh, stop_client
from vsm_dev.procutil import (
    OwnerFile,
    StartupError,
    free_port,
    log_tail,
    open_log,
    require_free_ports,
    stop_process,
    tcp_accepts,
)

_log = logging.getLogger(__name__)

HOST = "127.0.0.1"
# A broker shutting down cleanly (controlled shutdown, flushing and closing logs) takes a
# few seconds; SIGKILL costs log recovery on the next start, so be patient.
_STOP_STEPS = ((signal.SIGTERM, 45.0), (signal.SIGKILL, 10.0))

# As in Kafka's kafka-run-class.sh, with the heap sized for a 2-core development machine.
_JVM_OPTS = (
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)

# The nodes of a cluster stopping together shut down quickly; a node that lost its quorum
# would wait for a controller that is gone.
_CLUSTER_STOP_STEPS = ((signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0))

_TOPIC_TIMEOUT = 30.0

T = TypeVar("T")


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int = 1
    replication_factor: int = 1
    config: Mapping[str, str] = field(default_factory=dict)


def _kafka_uuid() -> str:
    """A cluster id in Kafka's format (URL-safe base64 of 16 random bytes, no padding),
    generated here to save a JVM start of `StorageTool random-uuid`."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # Kafka's Uuid.randomUuid() rejects ids starting with "-": they read as CLI options.
        if not text.startswith("-"):
            return text


def _find_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise StartupError("java not found (Kafka 4 needs Java 17+): install a JDK or set JAVA_HOME")
    return java


def _log4j2_xml(log_path: Path) -> str:
    # shutdownHook="disable": log4j's own shutdown hook would otherwise stop logging before
    # Kafka's hook has logged its shutdown, and the log would end mid-sentence.
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN" shutdownHook="disable">
  <Appenders>
    <File name="file" fileName={quoteattr(str(log_path))} append="true">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="kafka.network.RequestChannel$" level="WARN"/>
    <Logger name="org.apache.kafka.common.config.AbstractConfig" level="WARN"/>
    <Logger name="org.apache.kafka.common.utils.AppInfoParser" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
  </Loggers>
</Configuration>
"""


class KafkaBroker:
    """One Kafka broker+controller on 127.0.0.1:port (controller on controller_port).

    Layout under data_dir: server.properties and log4j2.xml (rewritten on every start, so
    changes here apply to existing data), cluster.id, data/ (topic partitions and the KRaft
    metadata log).  Topics are not auto-created: use ensure_topics().

    Alone (``voters`` None) it is its own single-voter quorum.  As node ``node_id`` of a
    :class:`KafkaCluster` it is one voter of ``voters`` (node id -> controller port), shares the
    cluster's ``cluster_id``, and internal topics get ``replication_factor`` replicas.
    """

    def __init__(
        self,
        data_dir: Path,
        libs_dir: Path,
        port: int,
        controller_port: int,
        log_path: Path | None = None,
        *,
        class_data_sharing: bool = True,
        node_id: int = 1,
        voters: Mapping[int, int] | None = None,
        cluster_id: str | None = None,
        replication_factor: int = 1,
        min_insync_replicas: int = 1,
    ) -> None:
        if voters is not None and voters.get(node_id) != controller_port:
            raise ValueError(f"node {node_id} with controller port {controller_port} is not among voters {voters}")
        self.node_id = node_id
        self.voters = dict(voters) if voters is not None else None
        self.cluster_id = cluster_id
        self.replication_factor = replication_factor
        self.min_insync_replicas = min_insync_replicas
        self.data_dir = Path(data_dir).absolute()
        self.libs_dir = Path(libs_dir).absolute()
        self.port = port
        self.controller_port = controller_port
        self.log_path = Path(log_path).absolute() if log_path is not None else self.data_dir / "kafka.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner = OwnerFile(self.data_dir / "broker.owner.json")
        self._cds = _ClassDataSharing(self.libs_dir) if class_data_sharing else None
        self._cds_dump: _PendingArchive | None = None

    # -- public API ---------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "data"

    def start(self, timeout: float = 120) -> str:
        """Start the broker and wait until it serves requests; returns its bootstrap address."""
        deadline = time.monotonic() + timeout
        self.launch()
        self.wait_ready(deadline)
        return self.bootstrap

    def launch(self) -> None:
        """Format the storage if needed and start the JVM, without waiting for it to be ready
        (the nodes of a cluster become ready only together, once their quorum has a leader)."""
        if self._proc is not None and self._proc.poll() is None:
            raise RuntimeError(f"kafka on {self.data_dir} already started by this handle")
        java = _find_java()
        self._check_libs()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._owner.reclaim(_STOP_STEPS, "kafka")
        require_free_ports(HOST, [self.port, self.controller_port], "kafka")
        self._write_config()
        cds_args: list[str] = []
        if self._cds is not None:
            cds_args, self._cds_dump = self._cds.args(java)
        log_fd = -1
        try:
            if not (self.log_dir / "meta.properties").exists():
                # The format tool loads a subset of the broker's classes: an existing archive
                # helps it too, but it must not be the one recording.
                self._format(java, cds_args if self._cds_dump is None else [])
            log_fd = open_log(self.log_path)
            self._proc = subprocess.Popen(
                [java, *cds_args, *self._java_args(), "kafka.Kafka", str(self._properties_path)],
                stdin=subprocess.DEVNULL,
                # Only what log4j cannot catch lands here (JVM errors, a crash before log4j
                # starts): the file stays the one place to look.
                stdout=log_fd,
                stderr=log_fd,
                cwd=self.data_dir,
                start_new_session=True,
            )
        except BaseException:
            self._cds_dump = None
            raise
        finally:
            if log_fd >= 0:
                os.close(log_fd)
        self._owner.write(self._proc.pid)

    def wait_ready(self, deadline: float) -> None:
        """Wait until the launched broker serves requests; stops it when it does not in time."""
        try:
            self._wait_ready(deadline)
        except BaseException:
            self.stop()
            raise
        assert self._proc is not None
        _log.info("kafka node %d ready on %s (pid %d)", self.node_id, self.bootstrap, self._proc.pid)

    def stop(self, steps: Sequence[tuple[signal.Signals, float]] = _STOP_STEPS) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        code = stop_process(proc, steps, "kafka")
        self._owner.clear()
        pending, self._cds_dump = self._cds_dump, None
        if pending is not None and self._cds is not None:
            # A JVM killed while writing the archive leaves a truncated file: keep only the
            # archive of a JVM that exited by itself (143: exit after SIGTERM's shutdown hooks).
            self._cds.adopt(pending, keep=code in (0, 143))
        _log.info("kafka on %s stopped (exit %s)", self.bootstrap, code)

    def kill(self) -> None:
        """SIGKILL the broker, as a crash would (fault-injection tests); ``start()`` brings it back
        on the same ports and data, recovering its logs."""
        self.stop(((signal.SIGKILL, 30.0),))

    def __enter__(self) -> KafkaBroker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------------------

    @property
    def _properties_path(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def _log4j_path(self) -> Path:
        return self.data_dir / "log4j2.xml"

    def _check_libs(self) -> None:
        if not any(self.libs_dir.glob("kafka_2.13-*.jar")):
            raise StartupError(
                f"no Kafka jars in {self.libs_dir}; resolve them with: cd deploy/kafka && "
                f"mvn -B -q dependency:copy-dependencies -DoutputDirectory={self.libs_dir} "
                "-DincludeScope=runtime"
            )

    def _java_args(self) -> list[str]:
        return [
            *_JVM_OPTS,
            f"-Dlog4j2.configurationFile={self._log4j_path}",
            f"-Dkafka.logs.dir={self.log_path.parent}",
            "-cp",
            # The JVM expands "dir/*" itself; no shell involved.
            f"{self.libs_dir}/*",
        ]

    def _properties(self) -> dict[str, str]:
        rf, min_isr = str(self.replication_factor), str(self.min_insync_replicas)
        if self.voters is None:
            quorum = {"controller.quorum.bootstrap.servers": f"{HOST}:{self.controller_port}"}
        else:
            # A static quorum: every node knows all voters from its configuration.
            quorum = {"controller.quorum.voters": ",".join(f"{n}@{HOST}:{p}" for n, p in sorted(self.voters.items()))}
        return {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            **quorum,
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.log_dir),
            "num.partitions": "1",
            "default.replication.factor": rf,
            "min.insync.replicas": min_isr,
            # Without these a single node cannot create its internal topics and consumer
            # groups fail with "group coordinator is not available".
            "offsets.topic.replication.factor": rf,
            "transaction.state.log.replication.factor": rf,
            "transaction.state.log.min.isr": min_isr,
            "share.coordinator.state.topic.replication.factor": rf,
            "share.coordinator.state.topic.min.isr": min_isr,
            # The default 50 partitions each make the first consumer group (or transaction)
            # wait for 50 leader elections and 50 log directories.
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.num.partitions": "4",
            "group.initial.rebalance.delay.ms": "0",
            # Production creates topics explicitly; auto-creation here would hide a missing
            # ensure_topics() and create topics with the wrong partition count.
            "auto.create.topics.enable": "false",
            "num.network.threads": "2",
            "num.io.threads": "2",
            "num.recovery.threads.per.data.dir": "1",
        }

    def _write_config(self) -> None:
        lines = ["# Generated by vsm_dev.kafka on every start; edits are overwritten."]
        lines += [f"{k}={v}" for k, v in self._properties().items()]
        self._properties_path.write_text("\n".join(lines) + "\n")
        self._log4j_path.write_text(_log4j2_xml(self.log_path))

    def _format(self, java: str, cds_args: Sequence[str]) -> None:
        # Nothing valuable can be in a log dir without meta.properties: a format interrupted
        # half-way must not make the next one fail with "already formatted".
        shutil.rmtree(self.log_dir, ignore_errors=True)
        cluster_file = self.data_dir / "cluster.id"
        if self.cluster_id is not None:
            cluster_file.write_text(self.cluster_id + "\n")
        elif not cluster_file.exists():
            cluster_file.write_text(_kafka_uuid() + "\n")
        cluster_id = cluster_file.read_text().strip()
        _log.info("formatting kafka storage in %s (cluster %s)", self.log_dir, cluster_id)
        log_fd = open_log(self.log_path)
        try:
            result = subprocess.run(
                [
                    java,
                    *cds_args,
                    *self._java_args(),
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    cluster_id,
                    "-c",
                    str(self._properties_path),
                    # One node is its own quorum; a cluster's voters are in the configuration.
                    *(["--standalone"] if self.voters is None else []),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=log_fd,
                cwd=self.data_dir,
                check=False,
                timeout=120,
            )
        finally:
            os.close(log_fd)
        if result.returncode != 0:
            raise StartupError(f"kafka storage format failed ({result.returncode}):\n{log_tail(self.log_path)}")

    def _fail(self, message: str) -> StartupError:
        return StartupError(f"{message}; log {self.log_path}:\n{log_tail(self.log_path)}")

    def _wait_ready(self, deadline: float) -> None:
        """Ready when a Metadata request lists our broker: the broker answers requests only
        after recovery, and a fenced broker is left out of metadata responses, so this is
        the client-side view of "Transitioning from RECOVERY to RUNNING"."""
        assert self._proc is not None
        while True:
            if self._proc.poll() is not None:
                raise self._fail(f"kafka exited with code {self._proc.returncode}")
            if time.monotonic() > deadline:
                raise self._fail("kafka did not become ready in time")
            # Probe the port first: aiokafka logs an error for every refused connection.
            if tcp_accepts(HOST, self.port) and _run_async(lambda: _broker_listed(self.bootstrap, self.node_id)):
                return
            time.sleep(0.25)


class KafkaCluster:
    """``nodes`` Kafka nodes on 127.0.0.1, each a combined broker+controller; their controllers
    form one KRaft quorum (static voters), so the cluster keeps working with one node down.

    Internal topics get ``nodes`` replicas and ``min_insync_replicas``; give your topics the same
    (:meth:`topic`).  Each node lives in ``data_dir/node<id>`` and logs to ``log_dir/kafka-<id>.log``.
    Meant for fault tests on one machine: the nodes share the JVM settings of :class:`KafkaBroker`
    (heap 256-512 MB each) and stop in parallel.
    """

    def __init__(
        self,
        data_dir: Path,
        libs_dir: Path,
        nodes: int = 3,
        *,
        ports: Sequence[tuple[int, int]] | None = None,
        log_dir: Path | None = None,
        min_insync_replicas: int = 2,
    ) -> None:
        if nodes < 1:
            raise ValueError("a cluster needs at least one node")
        if min_insync_replicas > nodes:
            raise ValueError(f"min.insync.replicas={min_insync_replicas} > {nodes} nodes")
        self.data_dir = Path(data_dir).absolute()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        pairs = list(ports) if ports is not None else [(free_port(HOST), free_port(HOST)) for _ in range(nodes)]
        if len(pairs) != nodes:
            raise ValueError(f"{nodes} nodes need {nodes} (port, controller port) pairs, got {len(pairs)}")
        cluster_file = self.data_dir / "cluster.id"
        if not cluster_file.exists():
            cluster_file.write_text(_kafka_uuid() + "\n")
        self.cluster_id = cluster_file.read_text().strip()
        self.replication_factor = nodes
        self.min_insync_replicas = min_insync_replicas
        voters = {i + 1: controller for i, (_, controller) in enumerate(pairs)}
        logs = Path(log_dir).absolute() if log_dir is not None else self.data_dir
        self.nodes: dict[int, KafkaBroker] = {
            node_id: KafkaBroker(
                self.data_dir / f"node{node_id}",
                libs_dir,
                port,
                controller,
                log_path=logs / f"kafka-{node_id}.log",
                node_id=node_id,
                voters=voters,
                cluster_id=self.cluster_id,
                replication_factor=nodes,
                min_insync_replicas=min_insync_replicas,
            )
            for node_id, (port, controller) in zip(voters, pairs, strict=True)
        }

    @property
    def bootstrap(self) -> str:
        """Every node, so a client can bootstrap while any one of them is down."""
        return ",".join(node.bootstrap for node in self.nodes.values())

    def topic(self, name: str, partitions: int = 1) -> TopicSpec:
        """A topic replicated on every node with the cluster's ``min.insync.replicas``."""
        return TopicSpec(
            name,
            partitions=partitions,
            replication_factor=self.replication_factor,
            config={"min.insync.replicas": str(self.min_insync_replicas)},
        )

    def start(self, timeout: float = 180) -> str:
        """Start every node (formatting in parallel) and wait until all of them serve requests."""
        deadline = time.monotonic() + timeout
        try:
            self._each(lambda node: node.launch(), self.nodes.values())
            for node in self.nodes.values():
                node.wait_ready(deadline)
        except BaseException:
            self.stop()
            raise
        return self.bootstrap

    def start_node(self, node_id: int, timeout: float = 120) -> None:
        """Start one node again (after :meth:`kill`) on its ports and data."""
        self.nodes[node_id].start(timeout)

    def kill(self, node_id: int) -> None:
        """SIGKILL one node, as a crash would."""
        self.nodes[node_id].kill()

    def stop(self) -> None:
        """Stop every node at once: one by one, the last nodes would wait for a quorum that is gone."""
        self._each(lambda node: node.stop(_CLUSTER_STOP_STEPS), self.nodes.values())

    def node_on_port(self, port: int) -> int:
        return next(n for n, node in self.nodes.items() if node.port == port)

    @staticmethod
    def _each(action: Callable[[KafkaBroker], None], nodes: Iterable[KafkaBroker]) -> None:
        nodes = list(nodes)
        with ThreadPoolExecutor(max_workers=len(nodes), thread_name_prefix="vsm-kafka-node") as pool:
            for future in [pool.submit(action, node) for node in nodes]:
                future.result()

    def __enter__(self) -> KafkaCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _ClassDataSharing:
    """An AppCDS archive of the broker's classes, shared by every broker using libs_dir.

    Loading ~4000 classes from 50 jars dominates a restart on 2 cores: with the archive a
    restart is ready in about 2 s instead of 4.  The first broker started without an archive
    records one when it exits (that stop takes ~4 s longer); the archive is keyed by the JVM
    and the jars, so a new Kafka version or JDK simply records a new one.  A stale or
    unusable archive only makes the JVM print a warning and load classes normally.
    """

    def __init__(self, libs_dir: Path) -> None:
        self.dir = libs_dir / ".cds"

    def _key(self, java: str) -> str:
        h = hashlib.sha256()
        real = Path(java).resolve()
        h.update(f"{real}:{real.stat().st_mtime_ns}".encode())
        h.update(" ".join(_JVM_OPTS).encode())
        for jar in sorted(self.dir.parent.glob("*.jar")):
            st = jar.stat()
            h.update(f"{jar.name}:{st.st_size}:{st.st_mtime_ns}".encode())
        return h.hexdigest()[:16]

    def args(self, java: str) -> tuple[list[str], _PendingArchive | None]:
        """JVM options, and the archive the JVM will record at exit, if it records one."""
        try:
            archive = self.dir / f"kafka-{self._key(java)}.jsa"
            if archive.exists():
                return [f"-XX:SharedArchiveFile={archive}"], None
            self.dir.mkdir(exist_ok=True)
            # A private name: two brokers recording at once must not write one file.
            dump = archive.with_name(f"{archive.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
            return [f"-XX:ArchiveClassesAtExit={dump}"], _PendingArchive(dump, archive)
        except OSError as exc:  # a read-only libs dir just means no sharing
            _log.info("no class data sharing for kafka: %s", exc)
            return [], None

    def adopt(self, pending: _PendingArchive, keep: bool) -> None:
        try:
            if keep and pending.dump.exists() and pending.dump.stat().st_size > 0:
                for old in self.dir.glob("kafka-*.jsa"):
                    if old != pending.final:
                        old.unlink(missing_ok=True)
                pending.dump.replace(pending.final)
                _log.info("recorded class data sharing archive %s", pending.final)
        except OSError as exc:
            _log.info("could not keep the class data sharing archive: %s", exc)
        finally:
            pending.dump.unlink(missing_ok=True)


@dataclass(frozen=True)
class _PendingArchive:
    dump: Path
    final: Path


def _run_async(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from synchronous code, even when the caller is itself
    inside a running event loop (an async supervisor or pytest-asyncio)."""
    result: list[T] = []
    error: list[BaseException] = []

    async def main() -> None:
        result.append(await factory())

    def target() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            error.append(exc)

    thread = threading.Thread(target=target, name="vsm-kafka-probe", daemon=True)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


async def _broker_listed(bootstrap: str, node_id: int) -> bool:
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await asyncio.wait_for(client.bootstrap(), timeout=5)
        return any(b.nodeId == node_id for b in client.cluster.brokers())
    except Exception:  # noqa: BLE001 - any failure just means "not ready yet"
        return False
    finally:
        await client.close()


async def ensure_topics(bootstrap: str, topics: Sequence[TopicSpec]) -> None:
    """Create the topics that do not exist yet and wait until every partition has a leader.

    Existing topics are left as they are (partition count and config are not reconciled);
    a differing partition count is logged.  Requests time out after 30 s; wrap the call in
    asyncio.timeout() for a shorter bound.
    """
    for spec in topics:
        mir = spec.config.get("min.insync.replicas")
        if mir is not None and int(mir) > spec.replication_factor:
            # On one broker this makes every acks=all produce fail with NotEnoughReplicas.
            raise ValueError(
                f"topic {spec.name}: min.insync.replicas={mir} > replication factor {spec.replication_factor}"
            )
    timeout_ms = int(_TOPIC_TIMEOUT * 1000)
    admin = await start_fresh(lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms))
    try:
        existing = {t["topic"]: t for t in await admin.describe_topics()}
        for spec in topics:
            have = existing.get(spec.name)
            if have is not None and len(have["partitions"]) != spec.partitions:
                _log.warning(
                    "topic %s exists with %d partitions, spec says %d: left as is",
                    spec.name,
                    len(have["partitions"]),
                    spec.partitions,
                )
        missing = [s for s in topics if s.name not in existing]
        if missing:
            response = await admin.create_topics(
                [
                    NewTopic(
                        name=s.name,
                        num_partitions=s.partitions,
                        replication_factor=s.replication_factor,
                        topic_configs=dict(s.config),
                    )
                    for s in missing
                ],
                timeout_ms=timeout_ms,
            )
            for topic_error in response.topic_errors:
                name, code, message = topic_error[0], topic_error[1], topic_error[2]
                # Another process may have created it between our listing and our request.
                if code and for_code(code) is not TopicAlreadyExistsError:
                    raise for_code(code)(f"creating topic {name}: {message}")
            _log.info("created topics %s", [s.name for s in missing])
        await _wait_for_leaders(admin, [s.name for s in topics], time.monotonic() + _TOPIC_TIMEOUT)
    finally:
        await stop_client(admin)


async def _wait_for_leaders(admin: AIOKafkaAdminClient, names: list[str], deadline: float) -> None:
    # A just-created topic shows up in metadata before its partitions have leaders; a
    # producer started in that window retries, a test asserting on it flakes.
    while True:
        described: list[dict[str, Any]] = await admin.describe_topics(names)
        pending = [
            t["topic"] for t in described if t["error_code"] != 0 or any(p["leader"] < 0 for p in t["partitions"])
        ]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics without leaders: {pending}")
        await asyncio.sleep(0.1)
