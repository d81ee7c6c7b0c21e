"""The Grafana dashboard, the Prometheus alert rules and scrape configs, and the adapter rule, offline.

promtool (built by ``deploy_check.install`` from the Prometheus module, pinned) checks the rules and the
configs, runs the alerts' unit tests (deploy/observability/prometheus/alerts.test.yaml), and evaluates
every PromQL expression of the dashboard and of prometheus-adapter on synthetic series shaped like the
services' and the gateway's own: an expression that does not parse, names a metric or label they do not
have, or returns nothing, fails; so does a gateway panel that shows a subgraph's series, or the reverse.
The gateway is Hive Router 0.3.10: what it exports is read from the crate's source (ROUTER_METRICS below).
The metric names themselves are checked against a real scrape of the running services and router (the
e2e tests at the end).
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
from tests.support import client, gql

ROOT = Path(__file__).resolve().parents[1]
OBSERVABILITY = ROOT / "deploy" / "observability"
DASHBOARD = OBSERVABILITY / "grafana" / "vsm-dashboard.json"
PROMETHEUS_DIR = OBSERVABILITY / "prometheus"
ALERTS = PROMETHEUS_DIR / "alerts.yaml"
ALERT_TESTS = PROMETHEUS_DIR / "alerts.test.yaml"
ADAPTER = OBSERVABILITY / "prometheus-adapter" / "values.yaml"
HPAS = ROOT / "deploy" / "kubernetes" / "app" / "autoscaling.yaml"
POD_MONITORS = ROOT / "deploy" / "kubernetes" / "monitoring" / "pod-monitors.yaml"
ROUTER_CONFIG = ROOT / "services" / "gateway" / "router" / "router.development.yaml"
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
# What the gateway, Hive Router 0.3.10, exposes at GET /metrics on its own port (the `prometheus` exporter of
# router.<profile>.yaml), named as the crate's exporter writes them (src/telemetry/metrics/setup.rs:
# opentelemetry-prometheus 0.32 without counter suffixes): OpenTelemetry names with dots as underscores, the
# unit as a suffix (s: _seconds; {request}, {error}, {cost} none), the instrument's attributes
# (src/telemetry/metrics/catalog.rs, METRIC_SPECS) as labels, and on every series the instrumentation
# scope and the resource (ResourceSelector::All). Only what the dashboard and alerts read, and target_info.
# test_the_gateway_exposes_these_metrics compares it with a scrape of the raw text.
ROUTER_RESOURCE_LABELS = ("service_name", "telemetry_sdk_language", "telemetry_sdk_name", "telemetry_sdk_version")
ROUTER_SERIES_LABELS = ("otel_scope_name", "otel_scope_version", *ROUTER_RESOURCE_LABELS)
ROUTER_HTTP_SERVER_LABELS = (
    "http_request_method",
    "http_response_status_code",
    "http_route",
    "network_protocol_name",
    "network_protocol_version",
    "url_scheme",
    "error_type",
    "graphql_operation_name",
    "graphql_operation_type",
    "graphql_response_status",
    "supergraph_name",
)
ROUTER_HTTP_CLIENT_LABELS = (
    "http_request_method",
    "server_address",
    "server_port",
    "network_protocol_name",
    "network_protocol_version",
    "url_scheme",
    "subgraph_name",
    "http_response_status_code",
    "error_type",
    "graphql_response_status",
)
ROUTER_OVERHEAD_LABELS = (
    "http_route",
    "graphql_operation_name",
    "graphql_operation_type",
    "graphql_response_status",
    "supergraph_name",
)
ROUTER_METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "http_server_request_duration_seconds": ("histogram", (*ROUTER_HTTP_SERVER_LABELS, *ROUTER_SERIES_LABELS)),
    "http_server_active_requests": (
        "gauge",
        ("http_request_method", "network_protocol_name", "url_scheme", *ROUTER_SERIES_LABELS),
    ),
    "hive_router_graphql_errors_total": ("counter", ("code", "supergraph_name", *ROUTER_SERIES_LABELS)),
    "http_client_request_duration_seconds": ("histogram", (*ROUTER_HTTP_CLIENT_LABELS, *ROUTER_SERIES_LABELS)),
    "hive_router_request_overhead_duration_seconds": ("histogram", (*ROUTER_OVERHEAD_LABELS, *ROUTER_SERIES_LABELS)),
    "hive_router_request_external_wait_duration_seconds": (
        "histogram",
        (*ROUTER_OVERHEAD_LABELS, *ROUTER_SERIES_LABELS),
    ),
    "hive_router_plan_cache_requests_total": ("counter", ("result", *ROUTER_SERIES_LABELS)),
    "hive_router_demand_control_cost_estimated": (
        "histogram",
        ("cost_result", "graphql_operation_name", *ROUTER_SERIES_LABELS),
    ),
    "target_info": ("gauge", ROUTER_RESOURCE_LABELS),
}
GATEWAY_METRICS = ROUTER_METRICS
# Series Prometheus writes itself for each target.
SCRAPE_METRICS: dict[str, tuple[str, tuple[str, ...]]] = {"up": ("gauge", ())}
# The gateway's scrape job: vsm-gateway in prometheus.yml and prometheus-local.yml, <namespace>/vsm-gateway
# for the Prometheus Operator's PodMonitor.
GATEWAY_JOB = "vsm/vsm-gateway"
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
    for name, (kind, _) in (METRICS | GATEWAY_METRICS | SCRAPE_METRICS).items():
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


def is_gateway_row(panel: dict[str, Any]) -> bool:
    return panel["type"] == "row" and panel["title"].startswith("Gateway")


def gateway_panel_ids(dashboard: dict[str, Any]) -> set[int]:
    """The panels in the gateway's row (from its row to the next row, or inside it when collapsed)."""
    ids: set[int] = set()
    inside = False
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            inside = is_gateway_row(panel)
            if inside:
                ids |= {p["id"] for p in panel.get("panels") or []}
        elif inside:
            ids.add(panel["id"])
    return ids


def dashboard_exprs(dashboard: dict[str, Any], ids: set[int] | None = None) -> list[tuple[str, str]]:
    """(panel title and refId, expression) of every query of the dashboard (of the panels ``ids``)."""
    return [
        (f"{panel['title']} [{target['refId']}]", target["expr"])
        for panel in panels(dashboard)
        if ids is None or panel["id"] in ids
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


LABEL_VALUES = {
    "operation": ("anonymous", "_entities"),
    "operation_type": ("query",),
    "outcome": ("ok", "error"),
    "code": ("BAD_USER_INPUT", "INTERNAL"),
    "state": ("in_use", "idle", "max"),
    "group": ("group-a",),
    "topic": ("vsm.goals.events",),
    "partition": ("0", "1"),
    "generation": ("0", "1", "2"),
    # the gateway's (Hive Router's): "code" and "result" as above
    "http_request_method": ("POST",),
    "http_response_status_code": ("200", "400", "500"),
    "http_route": ("/graphql",),
    "network_protocol_name": ("http",),
    "network_protocol_version": ("1.1",),
    "url_scheme": ("http",),
    "error_type": ("400",),
    "graphql_operation_name": ("CommitteeDashboard", "UNKNOWN"),
    "graphql_operation_type": ("query", "mutation"),
    "graphql_response_status": ("ok", "error"),
    "supergraph_name": ("default",),
    "server_address": ("goals",),
    "server_port": ("4001",),
    "subgraph_name": SERVICES,
    "result": ("hit", "miss"),
    "cost_result": ("COST_OK",),
    "otel_scope_name": ("graphql-hive.router",),
    "otel_scope_version": ("0.3.10",),
    "service_name": ("vsm-gateway",),
    "telemetry_sdk_language": ("rust",),
    "telemetry_sdk_name": ("opentelemetry",),
    "telemetry_sdk_version": ("0.32.1",),
}
# prometheus-client writes le="1.0", the router (Rust's prometheus crate) le="1": its default seconds buckets.
PYTHON_BUCKETS = ("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "+Inf")
ROUTER_BUCKETS = ("0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1", "2.5", "5", "7.5", "10")
ROUTER_BUCKETS += ("+Inf",)


def synthetic_series(minutes: int = 70, *, services: bool = True, gateway: bool = True) -> list[dict[str, str]]:
    """Series of every metric of each service and of two gateway pods, with realistic labels, and `up` for
    each target, for promtool's unit tests."""
    series: list[dict[str, str]] = []
    samples = minutes

    def add(name: str, labels: dict[str, str], values: str) -> None:
        series.append({"series": name + _labels(labels), "values": values})

    def add_target(
        target: dict[str, str],
        metrics: dict[str, tuple[str, tuple[str, ...]]],
        number: int,
        buckets: tuple[str, ...],
        service: str | None = None,
    ) -> None:
        add("up", target, f"1x{samples}")
        for name, (kind, label_names) in metrics.items():
            combos: list[dict[str, str]] = [{}]
            for label in label_names:
                if label == "service":
                    assert service
                    combos = [{**c, "service": service} for c in combos]
                else:
                    combos = [{**c, label: value} for c in combos for value in LABEL_VALUES[label]]
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

    for number, service in enumerate(SERVICES if services else (), start=1):
        target = {"job": "vsm-services", "instance": f"10.0.0.{number}:400{number}", "namespace": "vsm"}
        target["pod"] = f"{service}-1"
        add_target(target, METRICS, number, PYTHON_BUCKETS, service)
    for number in (1, 2) if gateway else ():
        target = {"job": GATEWAY_JOB, "instance": f"10.0.1.{number}:4000", "namespace": "vsm"}
        target["pod"] = f"gateway-{number}"
        add_target(target, GATEWAY_METRICS, number, ROUTER_BUCKETS)
    return series


Case = tuple[str, str, str, bool]


def evaluate(tools: install.Tools, tmp_path: Path, inputs: dict[str, list[dict[str, str]]], cases: list[Case]) -> str:
    """Check with promtool that each case (name, expression, name of its input series, whether it returns
    data) holds: the expressions parse (promtool check rules, as recording rules) and, evaluated at the 65th
    minute of the input, return at least one series, or none. Returns promtool's complaints, "" if none."""
    recording = {
        "groups": [
            {
                "name": "queries",
                "rules": [{"record": f"vsm_check:query_{i}", "expr": expr} for i, (_, expr, _, _) in enumerate(cases)],
            }
        ]
    }
    (tmp_path / "queries.rules.yaml").write_text(yaml.safe_dump(recording), encoding="utf-8")
    checked = promtool(tools, "check", "rules", "queries.rules.yaml", cwd=tmp_path)
    if checked.returncode != 0:
        return checked.stdout + checked.stderr
    # One test per input, so that promtool loads each set of series once.
    tests = {
        "rule_files": ["queries.rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "name": input_name,
                "interval": "1m",
                "input_series": series,
                "promql_expr_test": [
                    {
                        # the case's name, as a comment promtool prints with a failing expression
                        "expr": f"# {name}, on {input_name}\n(count({expr}) > bool 0) or vector(0)",
                        "eval_time": "65m",
                        "exp_samples": [{"labels": "{}", "value": 1 if data else 0}],
                    }
                    for name, expr, on, data in cases
                    if on == input_name
                ],
            }
            for input_name, series in inputs.items()
            if any(on == input_name for _, _, on, _ in cases)
        ],
    }
    (tmp_path / "queries.test.yaml").write_text(yaml.safe_dump(tests), encoding="utf-8")
    result = promtool(tools, "test", "rules", "queries.test.yaml", cwd=tmp_path)
    return "" if result.returncode == 0 else result.stdout[-8000:] + result.stderr[-2000:]


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
    # the gateway: errors per request and server errors at the front door, its latency, its targets
    requests = "http_server_request_duration_seconds_count"
    assert f'rate({requests}{{graphql_response_status="error"}}[5m])' in expressions["VsmGatewayErrorRatioHigh"]
    assert f"rate({requests}[5m])) > 0.1" in expressions["VsmGatewayErrorRatioHigh"]
    assert f'{requests}{{http_response_status_code=~"5.."}}' in expressions["VsmGatewayServerErrors"]
    slow = "histogram_quantile(0.95, sum by (namespace, le) (rate(http_server_request_duration_seconds_bucket[5m])))"
    assert slow in expressions["VsmGatewaySlow"]
    assert expressions["VsmGatewaySlow"].endswith("> 1") and rules_by_name["VsmGatewaySlow"]["for"] == "10m"
    target_down = expressions["VsmGatewayTargetDown"]
    assert target_down.startswith("up{job=~") and target_down.endswith("== 0")
    assert expressions["VsmGatewayDown"].startswith("absent(up{job=~")
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
    jobs = {job["job_name"]: job for job in loaded["scrape_configs"]}
    assert set(jobs) == {"vsm-services", "vsm-gateway"}
    assert all(job["metrics_path"] == "/metrics" for job in jobs.values())
    if "kubernetes_sd_configs" in jobs["vsm-gateway"]:
        for name, component in (("vsm-services", "subgraph"), ("vsm-gateway", "gateway")):
            keep = [r for r in jobs[name]["relabel_configs"] if r.get("action") == "keep"]
            by_label = {r["source_labels"][0]: r["regex"] for r in keep}
            assert by_label == {
                "__meta_kubernetes_pod_label_app_kubernetes_io_component": component,
                "__meta_kubernetes_pod_container_port_name": "http",
            }, name
    else:
        # make run: the router on its default port, which also serves its metrics (no exporter port of its own)
        router = yaml.safe_load(ROUTER_CONFIG.read_text(encoding="utf-8"))
        exporters = [e for e in router["telemetry"]["metrics"]["exporters"] if e["kind"] == "prometheus"]
        assert exporters == [{"kind": "prometheus", "enabled": True, "path": "/metrics"}], "no port of its own"
        (static,) = jobs["vsm-gateway"]["static_configs"]
        assert static["targets"] == [f"127.0.0.1:{router['http']['port']['default']}"]


def _gateway_job_patterns() -> set[str]:
    patterns = set()
    for rule in alert_rules():
        for selector in re.findall(r"\bup\{([^}]*)\}", rule["expr"]):
            (pattern,) = re.findall(r'job=~"([^"]+)"', selector)
            patterns.add(pattern)
    return patterns


def test_the_gateway_alerts_find_the_jobs_the_scrape_configs_give_the_gateway() -> None:
    """up{job=~...} of the gateway's alerts matches its job in both scrape configs and the Prometheus Operator's
    job for the PodMonitor ("<namespace>/<name>"), and no job of the subgraphs."""
    (pattern,) = _gateway_job_patterns()
    monitors = {m["metadata"]["name"]: m for m in yaml.safe_load_all(POD_MONITORS.read_text(encoding="utf-8")) if m}
    gateway_monitors = [
        m
        for m in monitors.values()
        if m["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/component": "gateway"}
    ]
    assert [f"{m['metadata']['namespace']}/{m['metadata']['name']}" for m in gateway_monitors] == [GATEWAY_JOB]
    gateway_jobs = {GATEWAY_JOB, "staging/vsm-gateway"}  # kustomize may put it in another namespace
    other_jobs = {f"{m['metadata']['namespace']}/{name}" for name, m in monitors.items()} - {GATEWAY_JOB}
    for config in ("prometheus.yml", "prometheus-local.yml"):
        for job in yaml.safe_load((PROMETHEUS_DIR / config).read_text(encoding="utf-8"))["scrape_configs"]:
            (gateway_jobs if job["job_name"] == "vsm-gateway" else other_jobs).add(job["job_name"])
    assert "vsm-gateway" in gateway_jobs and "vsm-services" in other_jobs
    for job in gateway_jobs:
        assert re.fullmatch(pattern, job), f"{pattern!r} does not match the gateway's job {job}"
    for job in other_jobs:
        assert not re.fullmatch(pattern, job), f"{pattern!r} matches {job}"


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
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["w"] > 0 and grid["x"] + grid["w"] <= 24, f"{panel['title']}: {grid}"
        if panel.get("targets"):
            assert panel["datasource"] == templated, f"{panel['title']}: datasource not templated"
            for target in panel["targets"]:
                assert target.get("datasource", templated) == templated, panel["title"]
                assert target["expr"].strip() and target["refId"], panel["title"]
            ref_ids = [target["refId"] for target in panel["targets"]]
            assert len(ref_ids) == len(set(ref_ids)), f"{panel['title']}: refIds must be unique"
    _assert_no_panels_overlap(dashboard)
    uids = set(_values_of(dashboard["panels"], "uid")) | set(_values_of(dashboard["templating"], "uid"))
    assert uids == {"${datasource}"}, f"a data source uid is hard-coded: {uids}"


def _assert_no_panels_overlap(dashboard: dict[str, Any]) -> None:
    cells: dict[tuple[int, int], str] = {}
    for panel in dashboard["panels"]:  # collapsed rows keep their panels out of the grid
        grid = panel["gridPos"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]} at x={x} y={y}"
                cells[(x, y)] = panel["title"]


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
    assert "to come" not in titles


def test_dashboard_shows_the_gateway(dashboard: dict[str, Any]) -> None:
    """The front door's golden signals, its calls to the subgraphs and the router's own saturation, in the
    gateway's row; what Hive Router 0.3.10 does not export (process CPU and memory) is said, not queried."""
    ids = gateway_panel_ids(dashboard)
    assert len([p for p in dashboard["panels"] if is_gateway_row(p)]) == 1 and ids
    exprs = " ".join(" ".join(expr.split()) for _, expr in dashboard_exprs(dashboard, ids))
    requests, calls = "http_server_request_duration_seconds", "http_client_request_duration_seconds"
    needed = {
        "requests per second": f"sum(rate({requests}_count{{",
        "operations by name, top 10": "topk(10, sum by (graphql_operation_type, graphql_operation_name) "
        f"(rate({requests}_count{{",
        "share of requests with errors": f'sum(rate({requests}_count{{namespace=~"$namespace", '
        'graphql_response_status="error"}',
        "errors by code": "sum by (code) (rate(hive_router_graphql_errors_total{",
        "HTTP 4xx/5xx by status code": f"sum by (http_response_status_code) (rate({requests}_count"
        '{namespace=~"$namespace", http_response_status_code=~"[45].."}',
        "latency p50": f"histogram_quantile(0.5, sum by (le) (rate({requests}_bucket{{",
        "latency p95": f"histogram_quantile(0.95, sum by (le) (rate({requests}_bucket{{",
        "latency p99": f"histogram_quantile(0.99, sum by (le) (rate({requests}_bucket{{",
        "p95 by operation": f"sum by (graphql_operation_type, graphql_operation_name, le) (rate({requests}_bucket{{",
        "subgraph latency p95": f"sum by (subgraph_name, le) (rate({calls}_bucket{{",
        "subgraph calls": f"sum by (subgraph_name) (rate({calls}_count{{",
        "subgraph errors": f'sum by (subgraph_name) (rate({calls}_count{{namespace=~"$namespace", '
        'graphql_response_status="error"}',
        "requests in flight": "http_server_active_requests{",
        "own time": "rate(hive_router_request_overhead_duration_seconds_bucket{",
        "waiting on subgraphs": "rate(hive_router_request_external_wait_duration_seconds_bucket{",
        "plan cache": "hive_router_plan_cache_requests_total{",
        "cost": "hive_router_demand_control_cost_estimated_bucket{",
    }
    missing = [what for what, fragment in needed.items() if fragment not in exprs]
    assert not missing, f"the gateway's row does not show: {missing}"
    for where, expr in dashboard_exprs(dashboard, ids):
        # the gateway's series have no `service`; each query follows the namespace variable
        assert "$service" not in expr and 'namespace=~"$namespace"' in expr, where
        assert not metric_names(expr) & {"process_cpu_seconds_total", "process_resident_memory_bytes"}, where
    assert "exports no process metrics" in dashboard["description"]
    assert "container_memory_working_set_bytes" in dashboard["description"]


def test_dashboard_queries_use_only_metrics_the_services_and_the_gateway_expose(dashboard: dict[str, Any]) -> None:
    known = series_names()
    for where, expr in dashboard_exprs(dashboard):
        names = metric_names(expand_variables(expr))
        assert names, f"{where}: no metric in {expr!r}"
        assert names <= known, f"{where}: unknown metrics {names - known}"


def test_dashboard_queries_are_promql_that_returns_data(
    tools: install.Tools, dashboard: dict[str, Any], tmp_path: Path
) -> None:
    """Each query parses (promtool check rules on recording rules made of them) and, evaluated on
    synthetic series of every metric with the services' and the gateway's labels, returns at least one
    series. Each panel shows only its own side: a gateway panel returns nothing without the gateway's
    series, a subgraph panel nothing with the gateway's alone (process_* are in both)."""
    gateway = gateway_panel_ids(dashboard)
    inputs = {
        "every series": synthetic_series(),
        "without the gateway": synthetic_series(gateway=False),
        "the gateway alone": synthetic_series(services=False),
    }
    cases: list[Case] = []
    for panel in panels(dashboard):
        for target in panel.get("targets") or []:
            where, expr = f"{panel['title']} [{target['refId']}]", expand_variables(target["expr"])
            on_gateway = panel["id"] in gateway
            cases.append((where, expr, "every series", True))
            cases.append((where, expr, "without the gateway", not on_gateway))
            cases.append((where, expr, "the gateway alone", on_gateway))
    assert len(cases) == 3 * len(dashboard_exprs(dashboard)) > 3 * 30
    failures = evaluate(tools, tmp_path, inputs, cases)
    assert not failures, failures


@pytest.mark.parametrize(
    "expr",
    [
        # the Node gateway's request counter, gone with it
        'sum(rate(graphql_envelop_request{namespace=~"$namespace"}[$__rate_interval]))',
        # the OpenTelemetry name without the unit suffix the router's exporter adds
        "histogram_quantile(0.95, sum by (le) "
        '(rate(http_server_request_duration_bucket{namespace=~"$namespace"}[$__rate_interval])))',
        # the subgraphs' label names on the router's series
        'sum(rate(http_server_request_duration_seconds_count{namespace=~"$namespace", operation_type="query"}'
        "[$__rate_interval]))",
    ],
)
def test_a_panel_with_a_wrong_metric_or_label_fails_the_checks(tools: install.Tools, expr: str, tmp_path: Path) -> None:
    """The checks above are not vacuous: a query of a name nobody exposes is refused by name, and returns no
    data on the synthetic series; one with a label the series lack returns none either."""
    expanded = expand_variables(expr)
    unknown = metric_names(expanded) - series_names()
    assert unknown or "operation_type=" in expr
    failures = evaluate(
        tools, tmp_path, {"every series": synthetic_series()}, [("wrong", expanded, "every series", True)]
    )
    assert "exp: {} 1E+00" in failures and "got: {} 0E+00" in failures, failures


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


def exposition_families(text: str) -> dict[str, tuple[str, set[str], int]]:
    """Family name -> (type, label names, number of samples) of a Prometheus text exposition, with the
    names as written (and as Prometheus stores them: no `_total` added to a counter)."""
    families: dict[str, tuple[str, set[str], int]] = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            families[name] = (kind, set(), 0)
    for line in text.splitlines():
        match = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s", line)
        if not match or line.startswith("#"):
            continue
        name = match.group(1)
        family = name if name in families else re.sub(r"_(bucket|sum|count)$", "", name)
        kind, labels, count = families[family]
        labels |= set(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', match.group(2) or "")) - {"le", "quantile"}
        families[family] = (kind, labels, count + 1)
    return families


def test_the_exposition_reader_keeps_the_router_s_names() -> None:
    """As Hive Router 0.3.10 writes them: counters keep their own names (no `_total` added), histograms' series
    belong to their family."""
    text = (
        "# HELP hive_router_graphql_errors_total Total number of GraphQL errors in responses\n"
        "# TYPE hive_router_graphql_errors_total counter\n"
        'hive_router_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED",otel_scope_name="graphql-hive.router"} 1\n'
        "# TYPE http_server_request_duration_seconds histogram\n"
        'http_server_request_duration_seconds_bucket{graphql_operation_name="A",http_route="/graphql",le="0.5"} 1\n'
        'http_server_request_duration_seconds_sum{graphql_operation_name="A",http_route="/graphql"} 0.1\n'
        "# TYPE http_server_active_requests gauge\n"
        "# TYPE target_info gauge\n"
        'target_info{service_name="vsm-gateway"} 1\n'
    )
    assert exposition_families(text) == {
        "hive_router_graphql_errors_total": ("counter", {"code", "otel_scope_name"}, 1),
        "http_server_request_duration_seconds": ("histogram", {"graphql_operation_name", "http_route"}, 2),
        "http_server_active_requests": ("gauge", set(), 0),
        "target_info": ("gauge", {"service_name"}, 1),
    }


def test_the_router_metrics_are_the_crate_s_instruments() -> None:
    """ROUTER_METRICS, read from the crate's catalog (src/telemetry/metrics/catalog.rs), as the exporter names
    them: the instrument's name with dots as underscores and its unit's suffix, its attributes likewise."""
    catalog = {
        "http.server.request.duration": ("s", ROUTER_HTTP_SERVER_LABELS),
        "http.server.active_requests": ("{request}", ("http_request_method", "network_protocol_name", "url_scheme")),
        "hive.router.graphql.errors_total": ("{error}", ("code", "supergraph_name")),
        "http.client.request.duration": ("s", ROUTER_HTTP_CLIENT_LABELS),
        "hive.router.request.overhead.duration": ("s", ROUTER_OVERHEAD_LABELS),
        "hive.router.request.external_wait.duration": ("s", ROUTER_OVERHEAD_LABELS),
        "hive.router.plan_cache.requests_total": ("", ("result",)),
        "hive.router.demand_control.cost.estimated": ("{cost}", ("cost_result", "graphql_operation_name")),
    }
    suffixes = {"s": "_seconds", "By": "_bytes"}
    names = set()
    for instrument, (unit, labels) in catalog.items():
        name = instrument.replace(".", "_") + suffixes.get(unit, "")
        assert name in ROUTER_METRICS, instrument
        assert set(ROUTER_METRICS[name][1]) == {*labels, *ROUTER_SERIES_LABELS}, instrument
        names.add(name)
    assert set(ROUTER_METRICS) == names | {"target_info"}


@pytest.mark.e2e
async def test_the_gateway_exposes_these_metrics(stack: Any) -> None:
    """The names and labels the gateway's panels and alerts rely on, in a real scrape of Hive Router after a
    named query and one refused in validation."""
    async with client(stack, "reader", timeout=30) as reader:
        ok = await gql(
            reader, stack.config.gateway_url, "query DeployObservabilityProbe { goals(first: 1) { totalCount } }"
        )
        assert not ok.get("errors"), ok
        bad = await gql(reader, stack.config.gateway_url, "query DeployObservabilityTypo { noSuchField }")
        assert bad.get("errors"), bad
        response = await reader.get(stack.config.gateway_url.removesuffix("/graphql") + "/metrics")
    assert response.status_code == 200, response.text
    exposed = exposition_families(response.text)
    for name, (kind, label_names) in GATEWAY_METRICS.items():
        assert name in exposed, f"the gateway does not expose {name}"
        assert exposed[name][0] == kind, f"{name} is a {exposed[name][0]}, not a {kind}"
        assert exposed[name][1] <= set(label_names), f"{name} has labels {exposed[name][1]}"
    for name in (
        "http_server_request_duration_seconds",
        "hive_router_graphql_errors_total",
        "http_client_request_duration_seconds",
        "hive_router_request_overhead_duration_seconds",
        "hive_router_plan_cache_requests_total",
        "hive_router_demand_control_cost_estimated",
    ):
        assert exposed[name][2], f"{name} has no samples after a query"
    # The series the panels select by: the probe by name, the refused one as an error with its code.
    text = response.text
    assert 'graphql_operation_name="DeployObservabilityProbe"' in text
    # 0.3.10 labels a validation error with the failed rule, not with GRAPHQL_VALIDATION_FAILED.
    assert re.search(r'hive_router_graphql_errors_total\{[^}]*code="FieldsOnCorrectType"', text), text[-3000:]
    assert 'service_name="vsm-gateway"' in text and 'otel_scope_name="graphql-hive.router"' in text
    assert 'subgraph_name="goals"' in text, "the probe's call to goals"
    # Nothing of a process: Hive Router 0.3.10 has no such collector (the dashboard says so).
    assert not {n for n in exposed if n.startswith(("process_", "nodejs_"))}
    clash = {label for _, labels, _ in exposed.values() for label in labels} & set(TARGET_LABELS)
    assert not clash, f"the gateway exposes labels Prometheus sets itself: {clash}"
