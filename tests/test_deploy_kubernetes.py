"""deploy/kubernetes against the schemas of Kubernetes and of the operators it relies on, offline.

kustomize renders the manifests as ``kubectl apply -k deploy/kubernetes`` would, and kubeconform -strict
validates every object against the schema of its kind: Kubernetes' own (two releases) and the CRDs of
Strimzi, CloudNativePG with its Barman Cloud plugin, and the Prometheus Operator. The tools and schemas
come from packages, built and converted into a cache outside the clone by ``deploy_check.install``
(``make test`` runs it first; the fixture below finds them there). kubeconform is given only the local
schema folders, and a proxy that goes nowhere, so nothing is fetched.

The rest checks what no schema knows: that Kafka has three brokers with RF 3 and min.insync.replicas 2,
PostgreSQL a replica and backups, the services autoscalers on CPU and lag, budgets and network policies
that fit the pods they are about.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy_check import install, schemas

ROOT = Path(__file__).resolve().parents[1]
K8S_DIR = ROOT / "deploy" / "kubernetes"
EXAMPLES = sorted((K8S_DIR / "examples").glob("*.yaml"))
PYTHON_SERVICES = {"goals": 4001, "planning": 4002, "followup": 4003}
LAG_METRIC = "vsm_consumer_lag_records"
TIMEOUT = 300  # seconds: generous, for a machine under load
# Any attempt to reach the network through HTTP(S) fails at once.
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def tools() -> install.Tools:
    return install.ensure()


@pytest.fixture(scope="module")
def rendered(tools: install.Tools) -> str:
    result = subprocess.run(
        [str(tools.kustomize), "build", str(K8S_DIR)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, **OFFLINE},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def objects(rendered: str) -> list[Doc]:
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


@pytest.fixture(scope="module")
def rendered_file(rendered: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kustomize") / "rendered.yaml"
    path.write_text(rendered, encoding="utf-8")
    return path


def kubeconform(tools: install.Tools, version: str, *files: Path) -> dict[str, Any]:
    command = [str(tools.kubeconform), "-strict", "-summary", "-verbose", "-output", "json"]
    command += ["-kubernetes-version", version]
    for location in tools.schema_locations():
        command += ["-schema-location", location]
    result = subprocess.run(
        [*command, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, **OFFLINE},
        check=False,
    )
    assert result.stdout, f"kubeconform printed nothing (exit {result.returncode}): {result.stderr}"
    report: dict[str, Any] = json.loads(result.stdout)
    report["returncode"] = result.returncode
    return report


def find(objects: list[Doc], kind: str, name: str | None = None) -> list[Doc]:
    return [o for o in objects if o["kind"] == kind and name in {None, o["metadata"]["name"]}]


def one(objects: list[Doc], kind: str, name: str | None = None) -> Doc:
    matches = find(objects, kind, name)
    assert len(matches) == 1, f"expected one {kind} {name or ''}, found {len(matches)}"
    return matches[0]


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels only, as used here) selects these labels."""
    assert set(selector) <= {"matchLabels"}, f"unexpected selector {selector}"
    return selector.get("matchLabels", {}).items() <= labels.items()


def pod_labels(objects: list[Doc], deployment: str) -> dict[str, str]:
    labels: dict[str, str] = one(objects, "Deployment", deployment)["spec"]["template"]["metadata"]["labels"]
    return labels


# ------------------------------------------------------------------------------- schemas


def test_the_schema_locations_are_local_files_only(tools: install.Tools) -> None:
    locations = tools.schema_locations()
    assert locations and all(location.startswith(str(tools.schemas)) for location in locations)
    files = sorted(tools.schemas.rglob("*.json"))
    for version in tools.kubernetes_versions:
        assert (tools.schemas / "kubernetes" / f"v{version}-standalone-strict" / "deployment-apps-v1.json").is_file()
    for crd in ("kafka.strimzi.io/kafka_v1", "postgresql.cnpg.io/cluster_v1", "monitoring.coreos.com/podmonitor_v1"):
        assert (tools.schemas / "crds" / f"{crd}.json").is_file(), crd
    for path in files:
        refs = schemas.foreign_refs(json.loads(path.read_text(encoding="utf-8")))
        assert not refs, f"{path} refers outside itself: {refs[:3]}"


@pytest.mark.parametrize("version", install.pins.KUBERNETES.kubernetes_versions)
def test_manifests_are_valid_for_kubernetes_and_the_operators(
    tools: install.Tools, rendered_file: Path, objects: list[Doc], version: str
) -> None:
    report = kubeconform(tools, version, rendered_file, *EXAMPLES)
    problems = [r for r in report["resources"] if r["status"] != "statusValid"]
    assert not problems, json.dumps(problems, indent=2)
    examples = [doc for path in EXAMPLES for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    summary = report["summary"]
    assert summary == {"valid": len(objects) + len(examples), "invalid": 0, "errors": 0, "skipped": 0}, summary
    assert report["returncode"] == 0


def _mutations(doc: Doc) -> list[tuple[str, Doc]]:
    """An unknown key in the object's spec (or at its top), and a misspelt metadata field."""
    misplaced = copy.deepcopy(doc)
    if isinstance(misplaced.get("spec"), dict):
        misplaced["spec"]["vsmUnknownField"] = 1
    else:
        misplaced["vsmUnknownField"] = 1
    misspelt = copy.deepcopy(doc)
    misspelt["metadata"]["lables"] = {"a": "b"}
    return [("unknown field", misplaced), ("metadata.lables", misspelt)]


def _nested(path: list[str | int], key: str = "vsmUnknownField") -> Callable[[Doc], Doc]:
    def mutate(doc: Doc) -> Doc:
        copied = copy.deepcopy(doc)
        node: Any = copied
        for part in path:
            node = node[part]
        node[key] = 1
        return copied

    return mutate


NESTED = [
    ("Deployment", "goals", _nested(["spec", "template", "spec", "containers", 0], "imagePullPolicyy")),
    ("Deployment", "gateway", _nested(["spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet"])),
    ("HorizontalPodAutoscaler", "planning", _nested(["spec", "metrics", 1, "external", "target"])),
    ("NetworkPolicy", "postgres", _nested(["spec", "ingress", 0, "from", 0])),
    ("Kafka", "vsm", _nested(["spec", "kafka", "listeners", 0], "tlss")),
    ("KafkaNodePool", "nodes", _nested(["spec", "storage", "volumes", 0])),
    ("Cluster", "vsm-postgres", _nested(["spec", "bootstrap", "initdb"], "databse")),
    ("Cluster", "vsm-postgres", _nested(["spec", "plugins", 0])),
    ("ScheduledBackup", "vsm-postgres-nightly", _nested(["spec", "pluginConfiguration"])),
    ("ObjectStore", "vsm-backups", _nested(["spec", "configuration", "wal"])),
    ("PodMonitor", "vsm-services", _nested(["spec", "podMetricsEndpoints", 0])),
    ("PodMonitor", "vsm-gateway", _nested(["spec", "podMetricsEndpoints", 0])),
    ("PrometheusRule", "vsm-alerts", _nested(["spec", "groups", 0, "rules", 0])),
]


def test_the_schemas_refuse_what_they_do_not_know(tools: install.Tools, objects: list[Doc], tmp_path: Path) -> None:
    """-strict with schemas that really are strict: a typo anywhere is an error, for every kind used."""
    mutated = [
        (f"{doc['kind']}/{doc['metadata']['name']}: {what}", bad) for doc in objects for what, bad in _mutations(doc)
    ]
    for kind, name, mutate in NESTED:
        mutated.append((f"{kind}/{name}: nested", mutate(one(objects, kind, name))))
    path = tmp_path / "mutated.yaml"
    path.write_text(yaml.safe_dump_all([m for _, m in mutated]), encoding="utf-8")
    report = kubeconform(tools, install.pins.KUBERNETES.kubernetes_versions[-1], path)
    statuses = [r["status"] for r in report["resources"]]
    assert len(statuses) == len(mutated)
    accepted = [what for (what, _), status in zip(mutated, statuses, strict=True) if status != "statusInvalid"]
    assert not accepted, f"accepted although misspelt: {accepted}"
    assert all("not allowed" in r["msg"] for r in report["resources"]), report["resources"][:3]


# ------------------------------------------------------------------------------- Kafka (Strimzi)


def test_kafka_has_three_kraft_brokers_rf_3_and_min_isr_2(objects: list[Doc]) -> None:
    kafka = one(objects, "Kafka")
    assert kafka["apiVersion"] == "kafka.strimzi.io/v1"
    name = kafka["metadata"]["name"]
    pools = [p for p in find(objects, "KafkaNodePool") if p["metadata"]["labels"]["strimzi.io/cluster"] == name]
    brokers = sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"]["roles"])
    controllers = sum(p["spec"]["replicas"] for p in pools if "controller" in p["spec"]["roles"])
    assert brokers == 3, "three brokers"
    assert controllers >= 3 and controllers % 2 == 1, "a KRaft quorum of an odd number of controllers"
    for pool in pools:
        volumes = pool["spec"]["storage"].get("volumes") or [pool["spec"]["storage"]]
        assert all(v["type"] == "persistent-claim" and v.get("deleteClaim") is False for v in volumes)
    config = kafka["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == 3 and config["offsets.topic.replication.factor"] == 3
    assert config["min.insync.replicas"] == 2 and config["transaction.state.log.min.isr"] == 2
    assert config["auto.create.topics.enable"] is False
    assert "topicOperator" in kafka["spec"]["entityOperator"], "KafkaTopic resources need the topic operator"
    for listener in kafka["spec"]["kafka"]["listeners"]:
        peers = listener.get("networkPolicyPeers")
        assert peers, f"listener {listener['name']} is open to every pod"
        for service in PYTHON_SERVICES:
            assert any(selects(p["podSelector"], pod_labels(objects, service)) for p in peers), service


# ---------------------------------------------------------------------- PostgreSQL (CloudNativePG)


def test_postgres_has_a_replica_and_backups(objects: list[Doc]) -> None:
    cluster = one(objects, "Cluster")
    spec = cluster["spec"]
    assert spec["instances"] == 2, "a primary and a replica"
    assert spec["affinity"]["enablePodAntiAffinity"] and spec["affinity"]["podAntiAffinityType"] == "required"
    assert spec["bootstrap"]["initdb"] == {"database": "vsm", "owner": "vsm"}
    assert not spec["imageName"].endswith(":latest")
    (plugin,) = spec["plugins"]
    store = one(objects, "ObjectStore", plugin["parameters"]["barmanObjectName"])
    assert plugin["name"] == "barman-cloud.cloudnative-pg.io" and plugin["isWALArchiver"] is True
    assert store["spec"]["retentionPolicy"]
    credentials = store["spec"]["configuration"]["s3Credentials"]
    secret = one(objects, "Secret", credentials["accessKeyId"]["name"])
    assert {credentials["accessKeyId"]["key"], credentials["secretAccessKey"]["key"]} <= set(secret["stringData"])
    (scheduled,) = find(objects, "ScheduledBackup")
    assert scheduled["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    assert scheduled["spec"]["method"] == "plugin"
    assert scheduled["spec"]["pluginConfiguration"]["name"] == plugin["name"]
    assert len(scheduled["spec"]["schedule"].split()) == 6, "CloudNativePG schedules have a seconds field"


def test_the_restore_example_recovers_from_the_archive_of_the_cluster(objects: list[Doc]) -> None:
    cluster = one(objects, "Cluster")
    (path,) = [p for p in EXAMPLES if p.name == "postgres-restore.yaml"]
    (restored,) = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    assert restored["metadata"]["name"] != cluster["metadata"]["name"], "a restore makes a new cluster"
    recovery = restored["spec"]["bootstrap"]["recovery"]
    (source,) = [c for c in restored["spec"]["externalClusters"] if c["name"] == recovery["source"]]
    assert source["plugin"]["parameters"]["serverName"] == cluster["metadata"]["name"]
    assert (
        source["plugin"]["parameters"]["barmanObjectName"]
        == cluster["spec"]["plugins"][0]["parameters"]["barmanObjectName"]
    )
    assert recovery["recoveryTarget"]["targetTime"], "the example shows point-in-time recovery"


# ------------------------------------------------------------------- autoscaling, budgets, policies


def test_services_scale_on_cpu_and_consumer_lag(objects: list[Doc]) -> None:
    for name in [*PYTHON_SERVICES, "gateway"]:
        hpa = one(objects, "HorizontalPodAutoscaler", name)["spec"]
        assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert "replicas" not in one(objects, "Deployment", name)["spec"], f"{name}: the HPA owns the replicas"
        assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]
        kinds = {m["type"]: m for m in hpa["metrics"]}
        assert kinds["Resource"]["resource"]["name"] == "cpu"
        if name in PYTHON_SERVICES:
            lag = kinds["External"]["external"]
            assert lag["metric"] == {"name": LAG_METRIC, "selector": {"matchLabels": {"service": name}}}
            assert lag["target"]["type"] == "AverageValue"


def test_disruption_budgets_leave_the_services_running(objects: list[Doc]) -> None:
    for name in [*PYTHON_SERVICES, "gateway"]:
        budget = one(objects, "PodDisruptionBudget", name)["spec"]
        assert selects(budget["selector"], pod_labels(objects, name))
        assert budget.get("maxUnavailable") == 1
        assert one(objects, "HorizontalPodAutoscaler", name)["spec"]["minReplicas"] >= 2


def _ingress_from(policy: Doc, labels: dict[str, str], namespace: str | None = None) -> set[int | str]:
    """The ports a pod with ``labels`` (in ``namespace``, None: the policy's own) may reach under ``policy``."""
    ports: set[int | str] = set()
    for rule in policy["spec"].get("ingress") or []:
        peers = rule.get("from")
        allowed = not peers
        for peer in peers or []:
            if "namespaceSelector" in peer:
                ns_labels = {"kubernetes.io/metadata.name": namespace} if namespace else {}
                in_namespace = namespace is not None and selects(peer["namespaceSelector"], ns_labels)
            else:
                in_namespace = namespace is None
            pods = selects(peer["podSelector"], labels) if "podSelector" in peer else True
            allowed = allowed or (in_namespace and pods)
        if allowed:
            ports |= {p["port"] for p in rule.get("ports") or [{"port": "any"}]}
    return ports


def test_network_policies_let_only_the_gateway_and_prometheus_reach_the_subgraphs(objects: list[Doc]) -> None:
    gateway = pod_labels(objects, "gateway")
    prometheus = {"app.kubernetes.io/name": "prometheus"}
    for name, port in PYTHON_SERVICES.items():
        labels = pod_labels(objects, name)
        policies = [p for p in find(objects, "NetworkPolicy") if selects(p["spec"]["podSelector"], labels)]
        assert policies and all("Ingress" in p["spec"]["policyTypes"] for p in policies), name
        assert any(port in _ingress_from(p, gateway) for p in policies), f"the gateway cannot reach {name}"
        assert any(port in _ingress_from(p, prometheus, "monitoring") for p in policies), f"no scrape of {name}"
        for stranger in ({"app.kubernetes.io/name": "somebody"}, labels):
            assert not any(_ingress_from(p, stranger) for p in policies), f"{stranger} may reach {name}"
        assert not any(_ingress_from(p, gateway, "elsewhere") for p in policies)
    postgres = one(objects, "NetworkPolicy", "postgres")
    for name in PYTHON_SERVICES:
        assert 5432 in _ingress_from(postgres, pod_labels(objects, name))
    assert not _ingress_from(postgres, gateway), "the gateway has no business with the database"


def test_prometheus_operator_scrapes_the_services_and_the_gateway(objects: list[Doc]) -> None:
    """vsm-services scrapes the subgraphs' pods, vsm-gateway the gateway's (the gateway's alerts find it as
    job vsm/vsm-gateway), each on the port its container names, at /metrics; no pod is scraped twice."""
    monitors = {"vsm-services": [*PYTHON_SERVICES], "vsm-gateway": ["gateway"]}
    for monitor_name, deployments in monitors.items():
        monitor = one(objects, "PodMonitor", monitor_name)["spec"]
        for name in deployments:
            assert selects(monitor["selector"], pod_labels(objects, name)), f"{monitor_name} misses {name}"
            (container,) = [c for c in one(objects, "Deployment", name)["spec"]["template"]["spec"]["containers"]]
            port_names = {p["name"] for p in container["ports"]}
            assert {e["port"] for e in monitor["podMetricsEndpoints"]} <= port_names
            assert all(e["path"] == "/metrics" for e in monitor["podMetricsEndpoints"])
        others = [name for names in monitors.values() for name in names if name not in deployments]
        for name in others:
            assert not selects(monitor["selector"], pod_labels(objects, name)), f"{monitor_name} also scrapes {name}"


def test_prometheus_may_reach_the_gateway_metrics(objects: list[Doc]) -> None:
    """The gateway's policy lets anyone (Prometheus too) reach 4000, where /metrics is served."""
    (container,) = one(objects, "Deployment", "gateway")["spec"]["template"]["spec"]["containers"]
    (port,) = [p["containerPort"] for p in container["ports"] if p["name"] == "http"]
    labels = pod_labels(objects, "gateway")
    policies = [p for p in find(objects, "NetworkPolicy") if selects(p["spec"]["podSelector"], labels)]
    prometheus = {"app.kubernetes.io/name": "prometheus"}
    assert policies and any(port in _ingress_from(p, prometheus, "monitoring") for p in policies)


def test_the_rendered_objects_keep_the_namespace_and_labels(objects: list[Doc]) -> None:
    for obj in objects:
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "vsm", where
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "vsm", where
