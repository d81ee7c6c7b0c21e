"""SIGTERM to a test session runs its fixtures' teardown (the stack's servers are stopped)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TEST = """
import time
import pytest

@pytest.fixture(scope="session")
def server(tmp_path_factory):
    yield
    (__import__("pathlib").Path(r"{marker}")).write_text("stopped")

def test_waits(server):
    (__import__("pathlib").Path(r"{started}")).write_text("started")
    time.sleep(60)
"""


def test_sigterm_tears_the_session_down(tmp_path: Path) -> None:
    marker, started = tmp_path / "teardown-ran", tmp_path / "test-started"
    (tmp_path / "test_slow.py").write_text(TEST.format(marker=marker, started=started))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "vsm_dev.pytest_sigterm", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the test never started"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=60)[0].decode()
    finally:
        proc.kill()
    assert marker.read_text() == "stopped", output
    assert proc.returncode != 0
