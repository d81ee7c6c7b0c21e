"""The Grafana dashboard, the Prometheus alert rules and scrape configs, and the adapter rule, offline.

promtool (built by ``deploy_check.install`` from the Prometheus module, pinned) checks the rules and the
configs, runs the alerts' unit tests (deploy/observability/prometheus/alerts.test.yaml), and evaluates
every PromQL expression of the dashboard and of prometheus-adapter on synthetic series shaped like the
services' own: an expression that does not parse, names a metric or label the services do not have, or
returns nothing, fails. The metric names themselves are checked against a real scrape of the running
services (the e2e test at the end).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from deploy_check import install, rules

ROOT = Path(__file__).resolve().parents[1]
OBSERVABILITY = ROOT / "deploy" / "observability"
DASHBOARD = OBSERVABILITY / "grafana" / "vsm-dashboard.json"
PROMETHEUS_DIR = OBSERVABILITY / "prometheus"
ALERTS = PROMETHEUS_DIR / "alerts.yaml"
ALERT_TESTS = PROMETHEUS_DIR / "alerts.test.yaml"
ADAPTER = OBSERVABILITY / "prometheus-adapter" / "values.yaml"
HPAS = ROOT / "deploy" / "kubernetes" / "app" / "autoscaling.yaml"
TIMEOUT = 300  # seconds, for a machine under load
SERVICES = ("goals", "planning", "followup")

# What the Python services expose at GET /metrics (libs/vsm_common/metrics.py and prometheus-client's
# collectors): series name -> (type, labels). test_the_services_expose_these_metrics compares it with a scrape.
VSM_METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "vsm_graphql_requests_total": ("counter", ("service", "operation", "operation_type", "outcome")),
    "vsm_graphql_request_duration_seconds": ("histogram", ("service", "operation", "operation_type")),
    "vsm_graphql_errors_total": ("counter", ("service", "operation", "code")),
    "vsm_db_pool_connections": ("gauge", ("service", "state")),
    "vsm_outbox_unpublished_events": ("gauge", ("service",)),
    "vsm_outbox_oldest_unpublished_age_seconds": ("gauge", ("service",)),
    "vsm_consumer_lag_records": ("gauge", ("service", "group", "topic", "partition")),
    "vsm_consumer_last_applied_age_seconds": ("gauge", ("service", "group", "topic", "partition")),
    "vsm_dead_letters_total": ("counter", ("service", "group", "topic")),
}
PROCESS_METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "process_cpu_seconds_total": ("counter", ()),
    "process_resident_memory_bytes": ("gauge", ()),
    "process_virtual_memory_bytes": ("gauge", ()),
    "process_open_fds": ("gauge", ()),
    "process_start_time_seconds": ("gauge", ()),
    "python_gc_collections_total": ("counter", ("generation",)),
    "python_gc_objects_collected_total": ("counter", ("generation",)),
}
METRICS = VSM_METRICS | PROCESS_METRICS
# Labels Prometheus adds to every series of a target (job, instance; namespace and pod on Kubernetes).
TARGET_LABELS = ("job", "instance", "namespace", "pod")
# Grafana's variables, as a panel's query sees them when everything is selected.
GRAFANA_VARIABLES = {
    "namespace": ".*",
    "service": ".*",
    "datasource": "prometheus",
    "__rate_interval": "5m",
    "__interval": "1m",
    "__range": "1h",
}
PROMQL_WORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
}


def series_names() -> set[str]:
    names: set[str] = set()
    for name, (kind, _) in METRICS.items():
        names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"} if kind == "histogram" else {name}
    return names


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (a plain reading: strings, matchers, ranges and
    grouping lists are dropped; of what is left, an identifier not followed by "(" is a metric)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    text = re.sub(r"\{[^{}]*\}", " ", text)
    text = re.sub(r"\[[^\[\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", text):
        word, call = match.group(1), match.group(2)
        if not call and word.lower() not in PROMQL_WORDS:
            names.add(word)
    return names


def expand_variables(expr: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        assert name in GRAFANA_VARIABLES, f"unknown Grafana variable ${name} in {expr!r}"
        return GRAFANA_VARIABLES[name]

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", replace, expr)


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels") or []


def dashboard_exprs(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title and refId, expression) of every query of the dashboard."""
    return [
        (f"{panel['title']} [{target['refId']}]", target["expr"])
        for panel in panels(dashboard)
        for target in panel.get("targets") or []
    ]


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"] for rule in group["rules"]]


@pytest.fixture(scope="module")
def tools() -> install.Tools:
    return install.ensure()


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return data


def promtool(tools: install.Tools, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(tools.promtool), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"},
        check=False,
    )


# ------------------------------------------------------------------------ synthetic series


def _labels(labels: dict[str, str]) -> str:
    return "{" + ",".join(f'{key}="{value}"' for key, value in labels.items()) + "}"


def synthetic_series(minutes: int = 70) -> list[dict[str, str]]:
    """Series of every metric for each service, with realistic labels, for promtool's unit tests."""
    series: list[dict[str, str]] = []
    samples = minutes

    def add(name: str, labels: dict[str, str], values: str) -> None:
        series.append({"series": name + _labels(labels), "values": values})

    label_values = {
        "operation": ("anonymous", "_entities"),
        "operation_type": ("query",),
        "outcome": ("ok", "error"),
        "code": ("BAD_USER_INPUT", "INTERNAL"),
        "state": ("in_use", "idle", "max"),
        "group": ("group-a",),
        "topic": ("vsm.goals.events",),
        "partition": ("0", "1"),
        "generation": ("0", "1", "2"),
    }
    buckets = ("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "+Inf")
    for number, service in enumerate(SERVICES, start=1):
        target = {"job": "vsm-services", "instance": f"10.0.0.{number}:400{number}", "namespace": "vsm"}
        target["pod"] = f"{service}-1"
        for name, (kind, label_names) in METRICS.items():
            combos: list[dict[str, str]] = [{}]
            for label in label_names:
                if label == "service":
                    combos = [{**c, "service": service} for c in combos]
                else:
                    combos = [{**c, label: value} for c in combos for value in label_values[label]]
            for combo in combos:
                labels = {**target, **combo}
                if kind == "histogram":
                    for rank, le in enumerate(buckets, start=1):
                        add(f"{name}_bucket", {**labels, "le": le}, f"0+{rank}x{samples}")
                    add(f"{name}_count", labels, f"0+{len(buckets)}x{samples}")
                    add(f"{name}_sum", labels, f"0+3x{samples}")
                elif kind == "counter":
                    add(name, labels, f"0+{number}x{samples}")
                else:
                    add(name, labels, f"{5 * number}+{number}x{samples}")
    return series


# ------------------------------------------------------------------------------------ alerts


def test_alert_rules_pass_promtool_check(tools: install.Tools) -> None:
    result = promtool(tools, "check", "rules", ALERTS.name, cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alert_rules())} rules found" in result.stdout


def test_alert_unit_tests_pass(tools: install.Tools) -> None:
    result = promtool(tools, "test", "rules", ALERT_TESTS.name, cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_has_a_test_where_it_fires_and_one_where_it_does_not() -> None:
    tests = yaml.safe_load(ALERT_TESTS.read_text(encoding="utf-8"))
    assert tests["rule_files"] == [ALERTS.name]
    checks = [check for test in tests["tests"] for check in test.get("alert_rule_test") or []]
    fired = {c["alertname"] for c in checks if c.get("exp_alerts")}
    quiet = {c["alertname"] for c in checks if not c.get("exp_alerts")}
    names = {rule["alert"] for rule in alert_rules()}
    assert names <= fired, f"no test where these fire: {names - fired}"
    assert names <= quiet, f"no test where these stay quiet: {names - quiet}"


def test_the_alerts_cover_what_operations_need() -> None:
    rules_by_name = {rule["alert"]: rule for rule in alert_rules()}
    expressions = {name: " ".join(rule["expr"].split()) for name, rule in rules_by_name.items()}
    assert "deriv(vsm_consumer_lag_records[" in expressions["VsmConsumerLagGrowing"]
    assert "increase(vsm_dead_letters_total[" in expressions["VsmDeadLetters"]
    assert expressions["VsmDeadLetters"].endswith("> 0")
    assert expressions["VsmOutboxNotPublishing"].endswith("(vsm_outbox_oldest_unpublished_age_seconds) > 60")
    assert 'outcome="error"' in expressions["VsmGraphqlErrorRatioHigh"]
    for name, rule in rules_by_name.items():
        assert rule["labels"]["severity"] in {"warning", "critical"}, name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name
        assert metric_names(rule["expr"]) <= series_names(), f"{name}: {metric_names(rule['expr']) - series_names()}"


def test_the_prometheus_rule_for_the_operator_has_the_same_groups() -> None:
    rule = yaml.safe_load(rules.PROMETHEUS_RULE.read_text(encoding="utf-8"))
    assert rule["spec"]["groups"] == yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    assert rules.PROMETHEUS_RULE.read_text(encoding="utf-8") == rules.render(), (
        "deploy/kubernetes/monitoring/prometheus-rules.yaml is stale: run "
        "`PYTHONPATH=tools .venv/bin/python -m deploy_check.rules`"
    )


@pytest.mark.parametrize("config", ["prometheus.yml", "prometheus-local.yml"])
def test_scrape_configs_pass_promtool_check(tools: install.Tools, config: str) -> None:
    result = promtool(tools, "check", "config", config, cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = yaml.safe_load((PROMETHEUS_DIR / config).read_text(encoding="utf-8"))
    assert loaded["rule_files"] == [ALERTS.name]
    (job,) = loaded["scrape_configs"]
    assert job["metrics_path"] == "/metrics"


# ---------------------------------------------------------------------------------- dashboard


def test_dashboard_is_a_grafana_dashboard_with_a_templated_datasource(dashboard: dict[str, Any]) -> None:
    assert dashboard["uid"] and dashboard["title"] and isinstance(dashboard["schemaVersion"], int)
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    templated = {"type": "prometheus", "uid": "${datasource}"}
    for variable in variables.values():
        if variable["type"] == "query":
            assert variable["datasource"] == templated, variable["name"]
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            match = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", query)
            assert match, f"variable {variable['name']}: {query}"
            assert metric_names(expand_variables(match.group(1))) <= series_names()
    ids = [panel["id"] for panel in panels(dashboard)]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in panels(dashboard):
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"]), panel["title"]
        if panel.get("targets"):
            assert panel["datasource"] == templated, f"{panel['title']}: datasource not templated"
            for target in panel["targets"]:
                assert target.get("datasource", templated) == templated, panel["title"]
                assert target["expr"].strip() and target["refId"], panel["title"]
    uids = set(_values_of(dashboard["panels"], "uid")) | set(_values_of(dashboard["templating"], "uid"))
    assert uids == {"${datasource}"}, f"a data source uid is hard-coded: {uids}"


def _values_of(node: Any, key: str) -> Iterator[Any]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from _values_of(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _values_of(item, key)


def test_dashboard_shows_the_golden_signals_and_the_event_flow(dashboard: dict[str, Any]) -> None:
    exprs = " ".join(" ".join(expr.split()) for _, expr in dashboard_exprs(dashboard))
    needed = {
        "rate": "rate(vsm_graphql_requests_total{",
        "errors": 'outcome="error"',
        "errors by code": "vsm_graphql_errors_total",
        "latency p50": "histogram_quantile(0.5,",
        "latency p95": "histogram_quantile(0.95,",
        "latency p99": "histogram_quantile(0.99,",
        "pool use": 'state="in_use"',
        "CPU": "process_cpu_seconds_total",
        "memory": "process_resident_memory_bytes",
        "consumer lag": "vsm_consumer_lag_records",
        "last applied": "vsm_consumer_last_applied_age_seconds",
        "outbox backlog": "vsm_outbox_unpublished_events",
        "outbox oldest": "vsm_outbox_oldest_unpublished_age_seconds",
        "dead letters": "increase(vsm_dead_letters_total{",
    }
    missing = [what for what, fragment in needed.items() if fragment not in exprs]
    assert not missing, f"the dashboard does not show: {missing}"
    titles = " ".join(panel["title"] for panel in panels(dashboard))
    assert "Gateway" in titles and "to come" in titles, "the gateway's metrics are marked as to come"


def test_dashboard_queries_use_only_metrics_the_services_expose(dashboard: dict[str, Any]) -> None:
    known = series_names()
    for where, expr in dashboard_exprs(dashboard):
        names = metric_names(expand_variables(expr))
        assert names, f"{where}: no metric in {expr!r}"
        assert names <= known, f"{where}: unknown metrics {names - known}"


def test_dashboard_queries_are_promql_that_returns_data(
    tools: install.Tools, dashboard: dict[str, Any], tmp_path: Path
) -> None:
    """Each query parses (promtool check rules on recording rules made of them) and, evaluated on
    synthetic series of every metric with the services' labels, returns at least one series."""
    exprs = [(where, expand_variables(expr)) for where, expr in dashboard_exprs(dashboard)]
    recording = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"vsm_dashboard:query_{i}", "expr": expr} for i, (_, expr) in enumerate(exprs)],
            }
        ]
    }
    (tmp_path / "dashboard.rules.yaml").write_text(yaml.safe_dump(recording), encoding="utf-8")
    checked = promtool(tools, "check", "rules", "dashboard.rules.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    tests = {
        "rule_files": ["dashboard.rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "name": where,
                "interval": "1m",
                "input_series": synthetic_series(),
                "promql_expr_test": [
                    {
                        "expr": f"count({expr}) > bool 0",
                        "eval_time": "65m",
                        "exp_samples": [{"labels": "{}", "value": 1}],
                    }
                ],
            }
            for where, expr in exprs
        ],
    }
    (tmp_path / "dashboard.test.yaml").write_text(yaml.safe_dump(tests), encoding="utf-8")
    result = promtool(tools, "test", "rules", "dashboard.test.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_the_metric_name_reader_reads_promql() -> None:
    expr = (
        'sum by (service, le) (rate(vsm_graphql_request_duration_seconds_bucket{service=~"a|b", x="{y}"}[5m]))'
        " / on (job, instance) group_left (service) group by (job, instance, service) (up offset 5m)"
        " and bool topk(3, vsm_db_pool_connections) or process_open_fds unless nan"
    )
    assert metric_names(expr) == {
        "vsm_graphql_request_duration_seconds_bucket",
        "up",
        "vsm_db_pool_connections",
        "process_open_fds",
    }


# --------------------------------------------------------------------------- prometheus-adapter


def test_the_adapter_serves_the_lag_metric_the_autoscalers_use(tools: install.Tools, tmp_path: Path) -> None:
    values = yaml.safe_load(ADAPTER.read_text(encoding="utf-8"))
    (rule,) = values["rules"]["external"]
    name = rule["name"]["as"]
    hpa_metrics = {
        metric["external"]["metric"]["name"]
        for hpa in yaml.safe_load_all(HPAS.read_text(encoding="utf-8"))
        if hpa
        for metric in hpa["spec"]["metrics"]
        if metric["type"] == "External"
    }
    assert hpa_metrics == {name} and name in VSM_METRICS
    assert metric_names(rule["seriesQuery"]) == {name}
    assert rule["resources"]["overrides"]["namespace"]["resource"] == "namespace"
    # As the adapter renders it for `selector: {matchLabels: {service: goals}}` in the namespace vsm.
    query = (
        rule["metricsQuery"]
        .replace("<<.Series>>", name)
        .replace("<<.LabelMatchers>>", 'namespace="vsm",service="goals"')
        .replace("<<.GroupBy>>", "namespace")
    )
    assert "<<" not in query

    def lag(pod: str, service: str, partition: str, value: int) -> dict[str, str]:
        labels = {"namespace": "vsm", "pod": pod, "service": service, "group": f"{service}.g"}
        labels |= {"topic": "vsm.planning.events", "partition": partition}
        return {"series": name + _labels(labels), "values": f"{value}x10"}

    tests = {
        "rule_files": [],
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    # a rebalance: two pods report partition 0 for a moment; the higher value counts once
                    lag("goals-1", "goals", "0", 10),
                    lag("goals-2", "goals", "0", 12),
                    lag("goals-2", "goals", "1", 5),
                    lag("goals-2", "goals", "2", 0),
                    lag("planning-1", "planning", "0", 100),
                ],
                "promql_expr_test": [
                    {"expr": query, "eval_time": "5m", "exp_samples": [{"labels": '{namespace="vsm"}', "value": 17}]}
                ],
            }
        ],
    }
    (tmp_path / "adapter.test.yaml").write_text(yaml.safe_dump(tests), encoding="utf-8")
    result = promtool(tools, "test", "rules", "adapter.test.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------- against the real services


@pytest.mark.e2e
async def test_the_services_expose_these_metrics(stack: Any) -> None:
    """The names and labels the dashboard, alerts and adapter rely on, in a real scrape of each service."""
    for service in SERVICES:
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.get(f"{stack.config.service_url(service)}/metrics")
        assert response.status_code == 200, response.text
        exposed: dict[str, tuple[str, set[str]]] = {}
        for family in text_string_to_metric_families(response.text):
            name = family.name + "_total" if family.type == "counter" else family.name
            labels = {label for sample in family.samples for label in sample.labels} - {"le"}
            exposed[name] = (family.type, labels)
        for name, (kind, label_names) in METRICS.items():
            assert name in exposed, f"{service} does not expose {name}"
            assert exposed[name][0] == kind, f"{service}: {name} is a {exposed[name][0]}, not a {kind}"
            assert exposed[name][1] <= set(label_names), f"{service}: {name} has labels {exposed[name][1]}"
            if exposed[name][1] and "service" in label_names:
                assert "service" in exposed[name][1]
        clash = {label for _, labels in exposed.values() for label in labels} & set(TARGET_LABELS)
        assert not clash, f"{service} exposes labels Prometheus sets itself: {clash}"
