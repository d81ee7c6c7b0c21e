"""A pytest plugin: SIGTERM ends a test session as Ctrl-C does, so the session's stack is stopped.

By default SIGTERM ends Python at once, without fixture teardown, and the stack's servers (each in
a session of its own, so that Ctrl-C reaches only their supervisor) would outlive the tests. CI
runners and ``timeout`` send SIGTERM; turning it into KeyboardInterrupt lets pytest tear the
session down and stop every server. SIGKILL cannot be caught: after one, the next start
reclaims the orphans by their owner files (``vsm_dev.procutil``).
"""

from __future__ import annotations

import signal
from types import FrameType

import pytest


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # Once is enough: a second SIGTERM during teardown ends the process the default way.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    signal.signal(signal.SIGTERM, _interrupt)
