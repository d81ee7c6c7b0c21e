"""Every process (the front door, Hive Router, and the three services) serves Prometheus metrics at
/metrics, and they move with the traffic.

The subgraphs see what the router sends them: it forwards the client's operation name with the fetch's
id (``traffic_shaping.all.forward_operation_name``), so a client's ``query MetricsDashboard`` is
``MetricsDashboard__<n>`` in the subgraph that owns its root fields, and ``_entities`` in those it asks
for entity fields (told apart by their root field whatever they are named). A named operation sent to a
subgraph directly keeps its name.
"""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from tests.support import client, data_of, eventually
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

SERVICES = ("goals", "planning", "followup")
GROUPS = {
    "goals": ("goals.planning-saga", "vsm.planning.events"),
    "planning": ("planning.goal-projection", "vsm.goals.events"),
    "followup": ("followup.goal-projection", "vsm.goals.events"),
}
# A goal with fields of all three subgraphs: goals answers the root field, planning and followup
# are asked for entity fields.
DASHBOARD = """query MetricsDashboard { goals(first: 3) { totalCount edges { node {
    id title establishedBy { id } fulfilment { status } } } } }"""
CREATE = "mutation($input: CreateGoalInput!) { createGoal(input: $input) { id } }"

Families = dict[str, Metric]


async def scrape(stack: Stack, service: str) -> Families:
    """GET /metrics as Prometheus does: no gateway secret, no token."""
    return await scrape_url(f"{stack.config.service_url(service)}/metrics")


async def scrape_gateway(stack: Stack) -> Families:
    return await scrape_url(stack.config.gateway_url.removesuffix("/graphql") + "/metrics")


async def scrape_url(url: str) -> Families:
    async with httpx.AsyncClient(timeout=10) as http:
        resp = await http.get(url)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(resp.text)}


def values(families: Families, family: str, sample: str | None = None, **labels: str) -> list[float]:
    """The values of ``sample`` (default: the family's name) whose labels include ``labels``."""
    found = families.get(family)
    if found is None:
        return []
    name = sample or family
    return [s.value for s in found.samples if s.name == name and labels.items() <= s.labels.items()]


def total(families: Families, family: str, sample: str | None = None, **labels: str) -> float:
    return sum(values(families, family, sample, **labels))


def matching(families: Families, family: str, sample: str, label: str, pattern: str, **labels: str) -> float:
    """The sum of ``sample`` over series whose ``label`` matches ``pattern`` and whose labels include ``labels``."""
    found = families.get(family)
    if found is None:
        return 0.0
    return sum(
        s.value
        for s in found.samples
        if s.name == sample and re.fullmatch(pattern, s.labels.get(label, "")) and labels.items() <= s.labels.items()
    )


async def test_each_service_serves_its_metrics_without_secret_or_token(stack: Stack) -> None:
    for service in SERVICES:
        group, topic = GROUPS[service]

        async def assigned(service: str = service, group: str = group) -> Families | None:
            # Partitions are assigned a moment after a consumer joins its group: wait for the lag samples.
            families = await scrape(stack, service)
            return families if values(families, "vsm_consumer_lag_records", group=group) else None

        families = await eventually(assigned, timeout=60, what=f"{service}'s consumer lag samples")
        mine = {"service": service}
        lags = values(families, "vsm_consumer_lag_records", **mine, group=group, topic=topic)
        assert lags and all(lag >= 0 for lag in lags), (service, lags)

        [maximum] = values(families, "vsm_db_pool_connections", **mine, state="max")
        [in_use] = values(families, "vsm_db_pool_connections", **mine, state="in_use")
        [idle] = values(families, "vsm_db_pool_connections", **mine, state="idle")
        assert maximum > 0 and 0 <= in_use + idle <= maximum, (service, in_use, idle, maximum)

        [backlog] = values(families, "vsm_outbox_unpublished_events", **mine)
        [oldest] = values(families, "vsm_outbox_oldest_unpublished_age_seconds", **mine)
        assert backlog >= 0 and oldest >= 0
        assert oldest == 0 or backlog > 0  # 0 exactly when nothing waits

        dead = values(families, "vsm_dead_letters", "vsm_dead_letters_total", **mine, group=group, topic=topic)
        assert dead and dead[0] >= 0, (service, families.get("vsm_dead_letters"))

        for age in values(families, "vsm_consumer_last_applied_age_seconds", **mine, group=group):
            assert 0 <= age < 24 * 3600

        assert "vsm_graphql_requests" in families and "vsm_graphql_request_duration_seconds" in families
        assert "vsm_graphql_errors" in families
        assert values(families, "process_resident_memory_bytes")[0] > 10_000_000
        assert values(families, "python_gc_objects_collected", "python_gc_objects_collected_total")


async def test_an_operation_through_the_gateway_is_counted_where_it_runs(stack: Stack) -> None:
    before = {service: await scrape(stack, service) for service in SERVICES}
    # goals answers the root field under the client's name and the router's fetch id (or `other`, once the
    # session has sent goals more than vsm_common.metrics.MAX_OPERATION_NAMES names); the others, entity fetches.
    expected = {"goals": r"MetricsDashboard__\d+|other", "planning": "_entities", "followup": "_entities"}

    def answered(families: Families, service: str) -> float:
        labels = {"service": service, "operation_type": "query", "outcome": "ok"}
        name = "vsm_graphql_requests_total"
        return matching(families, "vsm_graphql_requests", name, "operation", expected[service], **labels)

    def timed(families: Families, service: str) -> float:
        labels = {"service": service, "operation_type": "query"}
        name = "vsm_graphql_request_duration_seconds_count"
        return matching(
            families, "vsm_graphql_request_duration_seconds", name, "operation", expected[service], **labels
        )

    async with client(stack, "reader", timeout=30) as reader:
        data = await data_of(reader, stack.config.gateway_url, DASHBOARD)
    assert data["goals"]["edges"], "the demo data has goals"

    for service in SERVICES:

        async def counted(service: str = service) -> Families | None:
            families = await scrape(stack, service)
            return families if answered(families, service) > answered(before[service], service) else None

        after = await eventually(counted, timeout=30, what=f"{service} counting the dashboard query")
        assert timed(after, service) > timed(before[service], service)
        # the +Inf bucket holds every observation, of each operation label that matched
        inf = matching(
            after,
            "vsm_graphql_request_duration_seconds",
            "vsm_graphql_request_duration_seconds_bucket",
            "operation",
            expected[service],
            operation_type="query",
            le="+Inf",
        )
        assert inf == timed(after, service)


async def test_a_change_is_applied_by_the_consumers_and_shows_in_their_age(stack: Stack) -> None:
    started = time.monotonic()
    async with client(stack, "planner", timeout=30) as planner:
        await data_of(
            planner,
            stack.config.gateway_url,
            CREATE,
            {"input": {"level": "OVERARCHING", "title": f"Mätbar kommun {uuid.uuid4().hex[:6]}"}},
        )
    mutations = await scrape(stack, "goals")
    assert total(
        mutations, "vsm_graphql_requests", "vsm_graphql_requests_total", operation_type="mutation", outcome="ok"
    )

    for service in ("planning", "followup"):
        group, _ = GROUPS[service]

        async def applied(service: str = service, group: str = group) -> list[float] | None:
            # The goal's event was applied after `started`: some partition's last apply is younger than that.
            ages = values(await scrape(stack, service), "vsm_consumer_last_applied_age_seconds", group=group)
            return ages if ages and min(ages) <= time.monotonic() - started else None

        await eventually(applied, timeout=60, what=f"{service} applying the goal's event")


async def test_a_named_operation_and_its_errors_keep_their_name_and_code(stack: Stack) -> None:
    url = f"{stack.config.service_url('goals')}/graphql"
    headers = {"x-vsm-gateway-secret": stack.gateway_secret, **stack.auth_headers("reader")}
    probe = f"MetricsProbe{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(timeout=30) as http:
        ok = await http.post(url, json={"query": f"query {probe} {{ vision {{ title }} }}"}, headers=headers)
        bad = await http.post(url, json={"query": f"query {probe}Bad {{ noSuchField }}"}, headers=headers)
    assert ok.status_code == 200 and not ok.json().get("errors")
    assert bad.json().get("errors")

    async def counted() -> Families | None:
        families = await scrape(stack, "goals")
        name = "vsm_graphql_requests_total"
        seen = total(families, "vsm_graphql_requests", name, operation=probe, outcome="ok")
        failed = total(families, "vsm_graphql_requests", name, operation=f"{probe}Bad", outcome="error")
        return families if seen == 1 and failed == 1 else None

    families = await eventually(counted, timeout=30, what="the named operations counted")
    errors = values(families, "vsm_graphql_errors", "vsm_graphql_errors_total", operation=f"{probe}Bad")
    assert errors == [1.0], families.get("vsm_graphql_errors")
    [sample] = [s for s in families["vsm_graphql_errors"].samples if s.labels.get("operation") == f"{probe}Bad"]
    assert sample.labels["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_the_gateway_counts_each_operation_by_name_with_its_errors_latency_and_subgraph_calls(
    stack: Stack,
) -> None:
    """Hive Router 0.3.10's own metrics (OpenTelemetry names, dots as underscores; see
    tests/test_deploy_observability.py ROUTER_METRICS): requests by operation name and outcome, errors by
    code, calls to each subgraph. It has no process metrics, which the Node gateway had."""
    probe = f"GatewayProbe{uuid.uuid4().hex[:8]}"
    async with client(stack, "reader", timeout=30) as reader:
        data = await data_of(reader, stack.config.gateway_url, DASHBOARD.replace("MetricsDashboard", probe))
        assert data["goals"]["edges"]
        # Refused in validation, before the router reads the name from the document: it counts the request
        # under the name the request's operationName gives.
        bad = await reader.post(
            stack.config.gateway_url,
            json={"query": f"query {probe}Bad {{ noSuchField }}", "operationName": f"{probe}Bad"},
        )
    assert bad.json().get("errors")

    requests, count = "http_server_request_duration_seconds", "http_server_request_duration_seconds_count"

    async def counted() -> Families | None:
        families = await scrape_gateway(stack)
        seen = total(families, requests, count, graphql_operation_name=probe)
        failed = total(families, requests, count, graphql_operation_name=f"{probe}Bad")
        return families if seen == 1 and failed == 1 else None

    families = await eventually(counted, timeout=30, what="the gateway counting the named operations")
    [answered] = values(
        families,
        requests,
        count,
        graphql_operation_name=probe,
        graphql_operation_type="query",
        graphql_response_status="ok",
        http_response_status_code="200",
        http_route="/graphql",
    )
    assert answered == 1
    [failed] = values(families, requests, count, graphql_operation_name=f"{probe}Bad", graphql_response_status="error")
    assert failed == 1
    errors = "hive_router_graphql_errors_total"
    # 0.3.10 labels a validation error with the rule that failed, not with the response's GRAPHQL_VALIDATION_FAILED.
    assert total(families, "hive_router_graphql_errors", errors, code="FieldsOnCorrectType") >= 1, [
        sample.labels for sample in families["hive_router_graphql_errors"].samples
    ]
    # The dashboard asks goals for the goals and planning and followup for their entity fields.
    calls = "http_client_request_duration_seconds"
    for subgraph in SERVICES:
        assert total(families, calls, f"{calls}_count", subgraph_name=subgraph, graphql_response_status="ok") > 0
    [resource] = values(families, "target_info")
    assert resource == 1
    assert families["target_info"].samples[0].labels["service_name"] == "vsm-gateway"
    assert "http_server_active_requests" in families
    # What the Node gateway had and Hive Router 0.3.10 has not (deploy/README.md): no process collector.
    assert not [name for name in families if name.startswith(("process_", "nodejs_"))], sorted(families)
