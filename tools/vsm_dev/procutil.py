"""Process helpers shared by the dev infrastructure launchers.

The launchers run their servers as child processes in a session of their own: a Ctrl-C in the
terminal then reaches only the supervisor, which stops the children in the order it wants
instead of having every process die at once.  The price is that a supervisor killed with
SIGKILL leaves its children running; the owner file below lets the next start recognise and
stop such orphans instead of failing on a busy port or a locked data directory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import stat
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil  # type: ignore[import-untyped]

_log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """A server did not come up; the message carries the tail of its log."""


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR mirrors what the servers do, so a port in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago and not handed out before by this process.

    Racy against other processes by nature; within one process the kernel may offer a port it
    just offered again (nothing is listening yet), which once gave the OTLP sink and a service
    the same port, hence the memory.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    while True:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port: int = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def require_free_ports(host: str, ports: Sequence[int], what: str) -> None:
    busy = [p for p in ports if not port_is_free(host, p)]
    if busy:
        raise StartupError(f"{what}: port(s) {busy} on {host} already in use")


def tcp_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            data = f.read().decode("utf-8", "replace")
    except OSError as exc:
        return f"(log {path} unreadable: {exc})"
    return "\n".join(data.splitlines()[-lines:])


def open_log(path: Path) -> int:
    """An O_APPEND descriptor, so that several writers (the JVM's stdout and log4j, or two
    generations of a server) interleave whole writes instead of overwriting each other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)


def stop_process(
    proc: subprocess.Popen[bytes],
    steps: Sequence[tuple[signal.Signals, float]],
    what: str,
) -> int | None:
    """Send each signal in turn, waiting up to its timeout for the process to exit."""
    for sig, timeout in steps:
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _log.warning("%s (pid %d) still running %.0fs after %s", what, proc.pid, timeout, sig.name)
    return proc.poll()


def stop_pid(pid: int, steps: Sequence[tuple[signal.Signals, float]], what: str) -> None:
    """Like stop_process for a process that is not our child (an orphan of an earlier run)."""
    try:
        p = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    for sig, timeout in steps:
        try:
            p.send_signal(sig)
            p.wait(timeout)
            return
        except psutil.NoSuchProcess:
            return
        except psutil.TimeoutExpired:
            _log.warning("%s (pid %d) still running %.0fs after %s", what, pid, timeout, sig.name)


def _create_time(pid: int) -> float | None:
    """None for a process that is gone or a zombie (where no init reaps orphans, as in some
    containers, killed orphans stay zombies forever)."""
    try:
        p = psutil.Process(pid)
        if p.status() == psutil.STATUS_ZOMBIE:
            return None
        return float(p.create_time())
    except psutil.NoSuchProcess:
        return None


@dataclass(frozen=True)
class OwnerRecord:
    """Who started the server living in a data directory.

    Creation times are stored with the pids because pids are reused quickly in containers:
    only the pair identifies a process.
    """

    pid: int
    create_time: float
    owner_pid: int
    owner_create_time: float

    def server_alive(self) -> bool:
        ct = _create_time(self.pid)
        return ct is not None and abs(ct - self.create_time) < 0.5

    def owner_alive(self) -> bool:
        ct = _create_time(self.owner_pid)
        return ct is not None and abs(ct - self.owner_create_time) < 0.5


class OwnerFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> OwnerRecord | None:
        try:
            raw = json.loads(self.path.read_text())
            return OwnerRecord(
                pid=int(raw["pid"]),
                create_time=float(raw["create_time"]),
                owner_pid=int(raw["owner_pid"]),
                owner_create_time=float(raw["owner_create_time"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, pid: int) -> None:
        me = os.getpid()
        record = {
            "pid": pid,
            "create_time": _create_time(pid) or 0.0,
            "owner_pid": me,
            "owner_create_time": _create_time(me) or 0.0,
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(record))
        tmp.replace(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def reclaim(self, stop_steps: Sequence[tuple[signal.Signals, float]], what: str) -> None:
        """Make the data directory ours: stop an orphan left by a killed supervisor, refuse to
        touch a server that a live process still owns."""
        record = self.read()
        if record is None or not record.server_alive():
            self.clear()
            return
        if record.owner_alive():
            raise StartupError(
                f"{what} (pid {record.pid}) is already running on this data directory, "
                f"started by live process {record.owner_pid}"
            )
        _log.warning("stopping orphaned %s (pid %d) left by a killed supervisor", what, record.pid)
        stop_pid(record.pid, stop_steps, what)
        self.clear()


def ensure_traversable(path: Path) -> list[Path]:
    """Give 'others' search permission (x, not r) on every ancestor of path.

    A server that runs as an unprivileged user must reach its data directory; pytest's
    /tmp/pytest-of-root is 0700.  Search permission alone does not let that user list them.
    Returns the directories changed.
    """
    changed: list[Path] = []
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
            changed.append(parent)
    if changed:
        _log.info("added o+x to %s so the server user can reach %s", changed, path)
    return changed
