"""The benchmark harness (bench/, `make bench`) runs end to end at size tiny on the session stack.

A smoke of the harness so that it cannot rot: every scenario must produce its figures. Timing
targets are not checked here; they are what `make bench` reports on a quiet machine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from vsm_dev.stack import Stack

BENCH = Path(__file__).resolve().parents[1] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

pytestmark = pytest.mark.e2e


def test_every_scenario_produces_figures(stack: Stack, tmp_path: Path) -> None:
    from vsm_bench.runner import ALL, run_benchmark
    from vsm_bench.sizes import SIZES
    from vsm_bench.target import Target

    size = SIZES["tiny"]
    result = run_benchmark("tiny", Target.from_stack(stack), results_dir=tmp_path)
    scenarios = result["scenarios"]

    assert sorted(scenarios) == sorted(ALL)
    for name, figures in scenarios.items():
        assert "error" not in figures, (name, figures)
        assert "skipped" not in figures, (name, figures)
        assert isinstance(figures.get("met"), bool), (name, figures)
    assert not result["generation"]["skipped"], result["generation"]["skipped"]
    assert result["data"]["verksamhetsmål in force"] == size.operational_goals

    dashboard = scenarios["1_committee_dashboard"]
    assert dashboard["goals_per_request"] == result["data"]["dashboard goals"]
    assert dashboard["clients_1"]["n"] == size.dashboard_requests_1
    assert dashboard["clients_8"]["n"] == size.dashboard_requests_8
    assert dashboard["clients_8_own_tokens"]["n"] == size.dashboard_requests_8
    assert dashboard["clients_50"]["n"] > 0 and dashboard["clients_50"]["requests_per_s"] > 0
    for clients in ("1", "8", "8_own_tokens", "50"):
        assert dashboard[f"clients_{clients}"]["errors"] == 0, dashboard[f"clients_{clients}"]["error_samples"]

    parts = scenarios["2_where_the_time_goes"]
    for service in ("goals", "planning", "followup"):
        assert parts["resolved_fields"][service] > 0
        assert parts["us_per_resolved_field"][service] > 0
        assert parts["federated_request_parts_ms"][service]["sql_statements"] > 0
    assert parts["federated_request_parts_ms"]["gateway"]["total_ms"] > 0

    assert scenarios["3_gateway_overhead"]["overhead_pct_p50"] is not None

    propagation = scenarios["4_event_propagation"]
    assert propagation["db_clock_change_to_projection"]["n"] == size.propagation_changes
    assert propagation["spans_commit_to_projection_commit"]["n"] == size.propagation_changes
    assert propagation["spans_commit_to_projection_commit"]["p99_ms"] > 0

    bulk = scenarios["5_hr_bulk"]
    assert bulk["created"] == size.hr_rows
    assert bulk["events"] > 0 and bulk["rows_per_s_end_to_end"] > 0

    rollup = scenarios["6_whole_rollup"]
    assert rollup["goals"] >= result["data"]["verksamhetsmål in force"] and rollup["n"] == size.rollup_requests

    memory = scenarios["7_resources"]["peak_rss_mb"]
    for process in ("goals", "planning", "followup", "gateway"):
        assert memory[process] > 0, memory

    counts = scenarios["8_queries_per_request"]
    for n in size.list_sizes:
        assert counts[f"first_{n}"]["total"] > 0
        assert counts[f"first_{n}"]["items"] > 0

    [json_file] = tmp_path.glob("*-tiny.json")
    [text_file] = tmp_path.glob("*-tiny.txt")
    assert json.loads(json_file.read_text())["size"] == "tiny"
    assert "committee dashboard" in text_file.read_text()
