"""Session fixtures: the real stack, started once per test session on its own ports and data.

Nothing here fakes PostgreSQL, Kafka or the gateway: ``stack`` starts the same
processes as ``make run`` (with a temporary data folder and free ports, so it runs
beside a developer's stack) and stops every one of them at the end.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from vsm_dev.stack import Stack

# SIGTERM (a CI runner's cancel, `timeout`) tears the session down, stopping the stack.
pytest_plugins = ["vsm_dev.pytest_sigterm"]


@pytest.fixture(scope="session")
def server_dir(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Path]]:
    """Makes data folders for servers that run as another user (embedded PostgreSQL as root).

    Not under pytest's basetemp: every pytest session that starts on the machine makes
    /tmp/pytest-of-<user> 0700 again and removes all but its three newest runs, which locks the
    PostgreSQL user out of a running stack (a second `make test`, a developer's test beside CI).
    The folders are removed at the end unless a test failed, so their logs can be read.
    """
    made: list[Path] = []

    def make(name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"vsm-{name}-"))
        made.append(path)
        return path

    yield make
    if request.session.testsfailed == 0:
        for path in made:
            shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def stack(server_dir: Callable[[str], Path]) -> Iterator[Stack]:
    from vsm_dev.stack import Stack, StackConfig

    config = StackConfig.on_free_ports(server_dir("stack"), topic_prefix="vsm")
    s = Stack(config, progress=lambda msg: print(f"[stack] {msg}"))
    try:
        s.start(seed=True)
        yield s
    finally:
        s.stop()
