"""Session fixtures: the real stack, started once per test session on its own ports and data.

Nothing here fakes PostgreSQL, Kafka or the gateway: ``stack`` starts the same
processes as ``make run`` (with a temporary data folder and free ports, so it runs
beside a developer's stack) and stops every one of them at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from vsm_dev.stack import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    from vsm_dev.stack import Stack, StackConfig

    config = StackConfig.on_free_ports(tmp_path_factory.mktemp("vsm-stack"), topic_prefix="vsm")
    s = Stack(config, progress=lambda msg: print(f"[stack] {msg}"))
    try:
        s.start(seed=True)
        yield s
    finally:
        s.stop()
