"""`make stress-test` (vsm_dev.stress): its figures come from pytest's own closing lines, and its lanes share
this clone's installs without installing again."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from vsm_dev.stress import ROOT, lane_worktree, summarize


def test_counts_and_failed_tests_are_read_from_the_closing_lines() -> None:
    output = """
FAILED tests/test_planning_demo.py::test_demo_goals_were_adopted_through_the_sagas - AssertionError
ERROR tests/test_fault_kafka_cluster.py::test_broker_killed - TimeoutError
======= 571 passed, 1 failed, 2 skipped, 1 error in 301.22s (0:05:01) =======
"""
    counts, failed = summarize(output)
    assert counts == {"passed": 571, "failed": 1, "skipped": 2, "error": 1}
    assert failed == [
        "tests/test_fault_kafka_cluster.py::test_broker_killed",
        "tests/test_planning_demo.py::test_demo_goals_were_adopted_through_the_sagas",
    ]


def test_a_green_run_has_no_failed_tests() -> None:
    counts, failed = summarize("============ 12 passed in 3.10s ============\n")
    assert counts == {"passed": 12}
    assert failed == []


def test_no_closing_line_means_no_counts() -> None:
    assert summarize("Traceback (most recent call last):\nKeyboardInterrupt\n") == ({}, [])


def test_a_lane_reuses_the_installs_and_make_installs_nothing_again(tmp_path: Path) -> None:
    # make supergraph in a lane once ran npm ci through the shared node_modules and broke the other lane.
    if not (ROOT / "services/gateway/node_modules/.installed").exists():
        pytest.fail("run make setup first: the lanes share this clone's installs")
    lane = lane_worktree(tmp_path, 1)
    try:
        plan = subprocess.run(
            ["make", "-n", "--no-print-directory", "setup"], cwd=lane, capture_output=True, text=True, check=True
        ).stdout
        assert "npm ci" not in plan and "pip install" not in plan and "mvn" not in plan, plan
        assert (lane / ".venv").is_symlink() and (lane / "services/gateway/node_modules").is_symlink()
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(lane)], cwd=ROOT, check=False)
