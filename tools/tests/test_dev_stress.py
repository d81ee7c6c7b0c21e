"""The figures `make stress-test` prints come from pytest's own closing lines (vsm_dev.stress)."""

from __future__ import annotations

from vsm_dev.stress import summarize


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
