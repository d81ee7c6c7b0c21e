"""EmbeddedPostgres: a real server on a free port, data kept across restarts, and restarts
that survive the debris of killed runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest

from vsm_dev.postgres import EmbeddedPostgres
from vsm_dev.procutil import free_port, port_is_free

TOOLS = Path(__file__).resolve().parents[1]


@pytest.fixture
def pg_home(server_dir: Callable[[str], Path]) -> Path:
    """A folder the server's own user can reach whatever other pytest sessions do (see conftest)."""
    return server_dir("pg-test")


async def test_start_query_stop_restart_keeps_data(pg_home: Path) -> None:
    port = free_port()
    pg = EmbeddedPostgres(pg_home / "pg", port)
    dsn = pg.start()
    assert dsn == f"postgresql://vsm:vsm@127.0.0.1:{port}/vsm"
    try:
        conn = await asyncpg.connect(dsn)
        try:
            assert await conn.fetchval("SELECT current_user") == "vsm"
            await conn.execute("CREATE TABLE kept (id int PRIMARY KEY, note text)")
            await conn.execute("INSERT INTO kept VALUES (1, 'räksmörgås')")
        finally:
            await conn.close()
        # The superuser has no password: it must not be reachable over TCP.
        with pytest.raises(asyncpg.PostgresError):
            await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/vsm")
        assert pg.psql("SELECT rolcreatedb FROM pg_roles WHERE rolname = 'vsm'").strip() == "t"
    finally:
        pg.stop()
    assert pg.pid is None
    assert port_is_free("127.0.0.1", port)

    assert pg.start() == dsn
    try:
        conn = await asyncpg.connect(dsn)
        try:
            assert await conn.fetchval("SELECT note FROM kept WHERE id = 1") == "räksmörgås"
        finally:
            await conn.close()
    finally:
        pg.stop()


def test_restart_after_postmaster_was_killed(pg_home: Path) -> None:
    port = free_port()
    pg = EmbeddedPostgres(pg_home / "pg", port)
    pg.start()
    pid = pg.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    # A new handle, as a new supervisor would create; postmaster.pid is left behind.
    assert (pg_home / "pg" / "postmaster.pid").exists()
    again = EmbeddedPostgres(pg_home / "pg", port)
    try:
        again.start()
        assert again.psql("SELECT 1").strip() == "1"
    finally:
        again.stop()
        pg.stop()


def test_restart_after_supervisor_was_killed(pg_home: Path) -> None:
    """A supervisor killed with SIGKILL leaves its postgres running (it runs in a session of
    its own); the next start must stop that orphan rather than fail on the busy port."""
    port = free_port()
    data = pg_home / "pg"
    script = (
        "import sys, time; from pathlib import Path; from vsm_dev.postgres import EmbeddedPostgres;"
        f"pg = EmbeddedPostgres(Path({str(data)!r}), {port}); pg.start();"
        "print(pg.pid, flush=True); time.sleep(600)"
    )
    env = {**os.environ, "PYTHONPATH": str(TOOLS)}
    supervisor = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env)
    try:
        assert supervisor.stdout is not None
        orphan_pid = int(supervisor.stdout.readline())
    finally:
        supervisor.kill()
        supervisor.wait()
    assert not port_is_free("127.0.0.1", port)

    pg = EmbeddedPostgres(data, port)
    try:
        pg.start()
        assert pg.pid != orphan_pid
        assert pg.psql("SELECT 1").strip() == "1"
    finally:
        pg.stop()


def test_port_in_use_is_reported(pg_home: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        pg = EmbeddedPostgres(pg_home / "pg", busy.getsockname()[1])
        with pytest.raises(RuntimeError, match="already in use"):
            pg.start()
