"""Offline checks of the container and Kubernetes deployment files.

No Docker engine and no cluster are needed: docker-compose.yml, the Dockerfiles (with their
.dockerignore files) and the manifests under deploy/kubernetes are parsed and cross-checked against each
other and against the repository. The manifests are also validated against the Kubernetes and operator
schemas by kubeconform (tests/test_deploy_kubernetes.py); the checks here are about what the schemas
cannot know (ports, names, secrets, budgets).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from vsm_dev.router import GENERIC_OVERRIDES

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKER_DIR = ROOT / "deploy" / "docker"
K8S_DIR = ROOT / "deploy" / "kubernetes"
PYTHON_DOCKERFILE = DOCKER_DIR / "python-service.Dockerfile"
GATEWAY_DOCKERFILE = DOCKER_DIR / "gateway.Dockerfile"
ENTRYPOINT_SCRIPT = DOCKER_DIR / "python-entrypoint.sh"

PYTHON_SERVICES = {"goals": 4001, "planning": 4002, "followup": 4003}
GATEWAY_PORT = 4000
TOPIC_PREFIX = "vsm"
EXPECTED_TOPICS = {f"{TOPIC_PREFIX}.{name}.events": 3 for name in PYTHON_SERVICES} | {
    f"{TOPIC_PREFIX}.{name}.events.dlq": 1 for name in PYTHON_SERVICES
}
PYTHON_REQUIRED_ENV = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "VSM_GATEWAY_SECRET", "OTEL_EXPORTER_OTLP_ENDPOINT")
PYTHONPATH = "/app/libs:/app/services/goals:/app/services/planning:/app/services/followup"
PYTHON_MEMORY_BUDGET = 300 * 1000 * 1000  # bytes, per Python service
DEPENDENCY_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
K8S_NAMESPACE = "vsm"
# Secrets an operator creates, with the keys the manifests may read: CloudNativePG writes <cluster>-app for
# the owner of the database that its Cluster's bootstrap.initdb creates.
POSTGRES_CLUSTER = "vsm-postgres"
GENERATED_SECRETS = {f"{POSTGRES_CLUSTER}-app": {"uri", "username", "password", "host", "port", "dbname", "jdbc-uri"}}


# --------------------------------------------------------------------------- helpers: compose

_VARIABLE = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value: Any) -> str:
    """A compose value as `docker compose` sees it with an empty environment (defaults applied, $$ -> $)."""
    text = str(value)

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        operator, default = match.group(2), match.group(3)
        if operator in {":-", "-"}:
            return default
        if operator in {":?", "?"}:
            raise AssertionError(f"{text!r} requires a variable to be set")
        return ""

    return _VARIABLE.sub(replace, text)


def uses_variable(value: Any, name: str) -> bool:
    return re.fullmatch(r"\$\{" + re.escape(name) + r"(?::?-[^}]*)?\}", str(value).strip()) is not None


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), "docker-compose.yml is missing"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict), "compose file has no services"
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) if "=" in item else (item, "") for item in env)
        return {key: value for key, value in pairs}
    return {key: "" if value is None else str(value) for key, value in env.items()}


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def published_ports(service: dict[str, Any]) -> dict[int, int]:
    """host port -> container port."""
    result: dict[int, int] = {}
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            if entry.get("published") is not None:
                result[int(interpolate(entry["published"]))] = int(interpolate(entry["target"]))
            continue
        spec = interpolate(entry).split("/", 1)[0]
        parts = spec.rsplit(":", 2)
        if len(parts) >= 2:
            result[int(parts[-2])] = int(parts[-1])
    return result


def command_text(service: dict[str, Any]) -> str:
    command = service.get("command") or []
    return command if isinstance(command, str) else " ".join(str(part) for part in command)


def build_of(service: dict[str, Any]) -> dict[str, Any] | None:
    build = service.get("build")
    if build is None:
        return None
    return {"context": build} if isinstance(build, str) else build


def dockerfile_of(service: dict[str, Any]) -> Path | None:
    build = build_of(service)
    if build is None:
        return None
    context = (COMPOSE_FILE.parent / build.get("context", ".")).resolve()
    return (context / build.get("dockerfile", "Dockerfile")).resolve()


def image_tag(image: str) -> str | None:
    """The tag of an image reference; "digest" when it is pinned by digest only; None when unpinned."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else None
    return tag or ("digest" if digest else None)


def python_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: services[name] for name in PYTHON_SERVICES if name in services}


def trace_viewer(services: dict[str, dict[str, Any]]) -> str:
    names = [name for name, svc in services.items() if "jaeger" in str(svc.get("image", ""))]
    assert names, "no trace viewer (a jaegertracing/jaeger service) in docker-compose.yml"
    return names[0]


def kafka_one_shot(services: dict[str, dict[str, Any]]) -> str:
    names = [
        name
        for name, svc in services.items()
        if str(svc.get("image", "")).startswith("apache/kafka:") and "kafka-topics.sh" in command_text(svc)
    ]
    assert len(names) == 1, f"expected one one-shot service that runs kafka-topics.sh, found {names}"
    return names[0]


def parse_topics(spec: str) -> dict[str, int]:
    topics: dict[str, int] = {}
    for item in spec.split():
        name, _, partitions = item.partition(":")
        assert partitions.isdigit(), f"topic spec {item!r} is not <topic>:<partitions>"
        assert name not in topics, f"topic {name} listed twice"
        topics[name] = int(partitions)
    return topics


# ------------------------------------------------------------------------ helpers: Dockerfiles


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for key, args in self.instructions if key == keyword]


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) pairs, with comments dropped and continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:  # blank lines do not end a continued instruction either
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    assert not pending, f"{path.name}: the last instruction ends with a line continuation"
    return instructions


def dockerfile_stages(path: Path) -> list[Stage]:
    stages: list[Stage] = []
    for keyword, args in dockerfile_instructions(path):
        if keyword == "FROM":
            words = [word for word in args.split() if not word.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        else:
            assert stages or keyword == "ARG", f"{path.name}: {keyword} before the first FROM"
            if stages:
                stages[-1].instructions.append((keyword, args))
    assert stages, f"{path.name} has no FROM"
    return stages


def arg_defaults(stage: Stage) -> dict[str, str | None]:
    result: dict[str, str | None] = {}
    for args in stage.all("ARG"):
        name, sep, default = args.partition("=")
        result[name.strip()] = default.strip().strip("\"'") if sep else None
    return result


def declared_args(path: Path) -> set[str]:
    names = {args.partition("=")[0].strip() for key, args in dockerfile_instructions(path) if key == "ARG"}
    return names


def dockerfiles() -> list[Path]:
    return sorted(p for p in DOCKER_DIR.iterdir() if p.name.endswith("Dockerfile"))


def allowed_by_dockerignore(dockerignore: Path, source: str) -> bool:
    """Whether an allow-list style .dockerignore (`*` then `!path` lines) lets `source` through."""
    patterns = [
        line.strip()
        for line in dockerignore.read_text(encoding="utf-8").splitlines()
        if line.strip()[:1] not in {"", "#"}
    ]
    assert patterns[:1] == ["*"], f"{dockerignore.name} should start with `*` (an allow-list)"
    source = source.strip("/")
    for pattern in patterns[1:]:
        if pattern.startswith("!"):
            allowed = pattern[1:].strip("/")
            if source == allowed or source.startswith(allowed + "/"):
                return True
    return False


# ------------------------------------------------------------------------ helpers: the router

ROUTER_DIR = ROOT / "services" / "gateway" / "router"
ROUTER_PROFILES = ("development", "production")
ROUTER_CONFIG_DIR = "/app/router"  # where the image keeps the router's files
# Variables Hive Router 0.3.10 reads over its file (src/config/env_overrides.rs), which the launcher removes;
# a deployment must not set them either, but for the one that names the file.
ROUTER_OVERRIDES = GENERIC_OVERRIDES - {"ROUTER_CONFIG_FILE_PATH"}


def _from_env(node: Any) -> Iterator[tuple[str, bool]]:
    """(variable, has a default) of every `{from_env: ...}` in a router file."""
    if isinstance(node, dict):
        if "from_env" in node and set(node) <= {"from_env", "default"}:
            yield node["from_env"], "default" in node
            return
        for value in node.values():
            yield from _from_env(value)
    elif isinstance(node, list):
        for item in node:
            yield from _from_env(item)


def router_required_env(profile: str) -> set[str]:
    """The variables router.<profile>.yaml reads without a default: unset, the router does not start,
    or (issuers aside, which default to none) drops a key it needs."""
    config = yaml.safe_load((ROUTER_DIR / f"router.{profile}.yaml").read_text(encoding="utf-8"))
    return {name for name, has_default in _from_env(config) if not has_default}


def image_env(stage: Stage) -> dict[str, str]:
    """The ENV of a Dockerfile stage (KEY=value pairs)."""
    env: dict[str, str] = {}
    for args in stage.all("ENV"):
        for pair in args.split():
            key, _, value = pair.partition("=")
            env[key] = value.strip("\"'")
    return env


# ------------------------------------------------------------------------ helpers: Kubernetes


def k8s_manifest_files() -> list[Path]:
    """Every manifest under deploy/kubernetes except the kustomization and the examples (not applied)."""
    return sorted(
        path
        for path in K8S_DIR.rglob("*.y*ml")
        if path.name != "kustomization.yaml" and "examples" not in path.relative_to(K8S_DIR).parts
    )


@functools.cache
def k8s_documents() -> list[tuple[Path, dict[str, Any]]]:
    """The documents of the files the kustomization applies (read once; callers must not change them)."""
    documents: list[tuple[Path, dict[str, Any]]] = []
    for path in [K8S_DIR / resource for resource in kustomization().get("resources") or []]:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document is not None:
                assert isinstance(document, dict), f"{path.name}: a document is not a mapping"
                documents.append((path, document))
    return documents


def k8s_objects(kind: str | None = None) -> list[dict[str, Any]]:
    return [doc for _, doc in k8s_documents() if kind in {None, doc.get("kind")}]


def k8s_object(kind: str, name: str) -> dict[str, Any]:
    matches = [doc for doc in k8s_objects(kind) if doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name!r} in deploy/kubernetes, found {len(matches)}"
    return matches[0]


def pod_templates() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"])
        for doc in k8s_objects()
        if doc.get("kind") in {"Deployment", "StatefulSet", "DaemonSet", "Job"}
    ]


def all_containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*(pod_spec.get("initContainers") or []), *pod_spec["containers"]]


def secret_data(name: str) -> dict[str, str]:
    """A Secret's keys and values: from the manifests, or (values unknown) from the operator that makes it."""
    if name in GENERATED_SECRETS:
        cluster = k8s_object("Cluster", POSTGRES_CLUSTER)
        assert cluster["spec"]["bootstrap"]["initdb"].get("owner"), "CloudNativePG makes <cluster>-app for the owner"
        return {key: f"<{key} of the Secret {name}, made by CloudNativePG>" for key in GENERATED_SECRETS[name]}
    return k8s_object("Secret", name).get("stringData") or {}


def container_env(container: dict[str, Any]) -> dict[str, str]:
    """Environment of a container with envFrom and valueFrom resolved against the manifests."""
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        if "configMapRef" in source:
            env.update(k8s_object("ConfigMap", source["configMapRef"]["name"]).get("data") or {})
        if "secretRef" in source:
            env.update(secret_data(source["secretRef"]["name"]))
    for item in container.get("env") or []:
        if "value" in item:
            env[item["name"]] = str(item["value"])
            continue
        ref = item["valueFrom"]
        if "configMapKeyRef" in ref:
            key_ref = ref["configMapKeyRef"]
            data = k8s_object("ConfigMap", key_ref["name"]).get("data") or {}
        else:
            key_ref = ref["secretKeyRef"]
            data = secret_data(key_ref["name"])
        assert key_ref["key"] in data or key_ref.get("optional"), f"{item['name']}: key {key_ref['key']} not defined"
        if key_ref["key"] in data:
            env[item["name"]] = str(data[key_ref["key"]])
    return env


_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$")
_FACTORS = {
    None: 1,
    "m": 0.001,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


def quantity(value: Any) -> float:
    match = _QUANTITY.match(str(value))
    assert match, f"not a Kubernetes quantity: {value!r}"
    return float(match.group(1)) * _FACTORS[match.group(2)]


def kustomization() -> dict[str, Any]:
    return yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text(encoding="utf-8"))


# ============================================================================ compose: structure


def test_compose_has_every_service_the_platform_needs(services: dict[str, dict[str, Any]]) -> None:
    for name in ("postgres", "kafka", *PYTHON_SERVICES, "gateway"):
        assert name in services, f"service {name!r} missing from docker-compose.yml"
    viewer = trace_viewer(services)
    assert 16686 in published_ports(services[viewer]), "the trace viewer's UI (16686) is not published"
    assert str(services["postgres"]["image"]).startswith("postgres:18")
    # From PostgreSQL 18 on, the image keeps its data below /var/lib/postgresql (not .../data).
    assert any(str(v).endswith(":/var/lib/postgresql") for v in services["postgres"].get("volumes") or [])
    assert services["kafka"]["image"] == "apache/kafka:4.1.1"
    assert re.fullmatch(r"jaegertracing/(jaeger:2\.\d+\.\d+|all-in-one:\d+\.\d+\.\d+)", services[viewer]["image"])


def test_compose_images_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        if build_of(svc) is None:
            assert "image" in svc, f"{name} has neither image nor build"
        if "image" in svc:
            tag = image_tag(interpolate(svc["image"]))
            assert tag and tag != "latest", f"{name}: image {svc['image']!r} is not pinned to a tag"


def test_compose_build_paths_exist_and_args_are_declared(services: dict[str, dict[str, Any]]) -> None:
    builds = {name: svc for name, svc in services.items() if build_of(svc) is not None}
    assert set(PYTHON_SERVICES) | {"gateway"} <= set(builds), "the services and the gateway must be built here"
    for name, svc in builds.items():
        build = build_of(svc)
        assert build is not None
        context = (COMPOSE_FILE.parent / build.get("context", ".")).resolve()
        assert context.is_dir(), f"{name}: build context {context} does not exist"
        dockerfile = dockerfile_of(svc)
        assert dockerfile is not None and dockerfile.is_file(), f"{name}: Dockerfile {dockerfile} does not exist"
        assert dockerfile.is_relative_to(ROOT), f"{name}: Dockerfile outside the repository"
        undeclared = set(build.get("args") or {}) - declared_args(dockerfile)
        assert not undeclared, f"{name}: build args {undeclared} are not declared (ARG) in {dockerfile.name}"


def test_compose_dependencies_exist_and_are_satisfiable(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        for target, condition in depends_on(svc).items():
            assert target in services, f"{name} depends on unknown service {target!r}"
            assert condition in DEPENDENCY_CONDITIONS, f"{name} -> {target}: unknown condition {condition!r}"
            dependency = services[target]
            if condition == "service_healthy":
                healthcheck = dependency.get("healthcheck") or {}
                dockerfile = dockerfile_of(dependency)
                has_check = bool(healthcheck.get("test")) or (
                    not healthcheck.get("disable")
                    and dockerfile is not None
                    and any(stage.all("HEALTHCHECK") for stage in dockerfile_stages(dockerfile)[-1:])
                )
                assert has_check, f"{name} waits for {target} to be healthy, but {target} has no healthcheck"
            if condition == "service_completed_successfully":
                assert str(dependency.get("restart", "no")) == "no", f"{target} is waited for as a one-shot"


def test_compose_dependency_graph_has_no_cycle(services: dict[str, dict[str, Any]]) -> None:
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        assert state.get(name) != "visiting", f"dependency cycle: {' -> '.join((*path, name))}"
        state[name] = "visiting"
        for target in depends_on(services[name]):
            visit(target, (*path, name))
        state[name] = "done"

    for name in services:
        visit(name, ())


def test_compose_publishes_gateway_and_subgraph_ports(services: dict[str, dict[str, Any]]) -> None:
    assert published_ports(services["gateway"]).get(GATEWAY_PORT) == GATEWAY_PORT
    for name, port in PYTHON_SERVICES.items():
        assert published_ports(services[name]).get(port) == port, f"{name} does not publish {port}"


# ====================================================================== compose: configuration


def test_compose_python_services_get_their_environment(services: dict[str, dict[str, Any]]) -> None:
    postgres_env = environment(services["postgres"])
    viewer = trace_viewer(services)
    for name, port in PYTHON_SERVICES.items():
        svc = services[name]
        env = environment(svc)
        for key in PYTHON_REQUIRED_ENV:
            assert env.get(key), f"{name}: {key} is not set"
        assert env.get("VSM_HOST") == "0.0.0.0", f"{name}: VSM_HOST must be 0.0.0.0 in a container"
        assert interpolate(env.get("VSM_PORT", port)) == str(port)
        assert env.get("VSM_TOPIC_PREFIX", TOPIC_PREFIX) == TOPIC_PREFIX

        db = urlsplit(interpolate(env["DATABASE_URL"]))
        assert db.scheme in {"postgresql", "postgres"}
        assert db.hostname == "postgres" and (db.port or 5432) == 5432, f"{name}: DATABASE_URL is not the postgres"
        assert db.username == interpolate(postgres_env.get("POSTGRES_USER", "postgres"))
        assert db.password == interpolate(postgres_env["POSTGRES_PASSWORD"])
        assert db.path.lstrip("/") == interpolate(postgres_env.get("POSTGRES_DB", db.username))

        kafka_host, _, kafka_port = interpolate(env["KAFKA_BOOTSTRAP_SERVERS"]).split(",")[0].partition(":")
        advertised = environment(services["kafka"])["KAFKA_ADVERTISED_LISTENERS"]
        assert kafka_host == "kafka" and f"//kafka:{kafka_port}" in advertised, f"{name}: Kafka is not reachable"

        otlp = urlsplit(interpolate(env["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        assert (otlp.hostname, otlp.port) == (viewer, 4318), f"{name}: traces do not go to {viewer}:4318"

        build = build_of(svc)
        assert build is not None and (build.get("args") or {}).get("SERVICE") == name
        assert command_text(svc) in {"", "serve"}, f"{name} should run `serve`"


def test_compose_gateway_configuration(services: dict[str, dict[str, Any]]) -> None:
    gateway = services["gateway"]
    env = environment(gateway)
    assert env.get("VSM_GATEWAY_HOST") == "0.0.0.0"
    assert interpolate(env.get("VSM_GATEWAY_PORT", GATEWAY_PORT)) == str(GATEWAY_PORT)
    assert env.get("VSM_GATEWAY_SECRET"), "the gateway needs VSM_GATEWAY_SECRET"
    assert urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"]).hostname == trace_viewer(services)
    for name in PYTHON_SERVICES:
        assert depends_on(gateway).get(name) == "service_healthy", f"the gateway must wait for {name} to be healthy"
    build = build_of(gateway)
    assert build is not None
    for name, port in PYTHON_SERVICES.items():
        url = (build.get("args") or {}).get(f"{name.upper()}_URL")
        if url is not None:
            assert url == f"http://{name}:{port}/graphql", f"gateway build arg {name.upper()}_URL points elsewhere"


def test_compose_runs_the_router_with_the_profile_s_file(services: dict[str, dict[str, Any]]) -> None:
    """The router's file follows VSM_PROFILE, and every variable that file needs is there (the image sets
    the supergraph's path); the issuer is passed on only when set, as an empty one would trust no issuer."""
    gateway = services["gateway"]
    raw = gateway.get("environment") or {}
    env = environment(gateway)
    config = env["ROUTER_CONFIG_FILE_PATH"]
    assert config == f"{ROUTER_CONFIG_DIR}/router.${{VSM_PROFILE:-development}}.yaml"
    assert uses_variable(env["VSM_PROFILE"], "VSM_PROFILE")
    assert interpolate(env["VSM_PROFILE"]) == "development"
    image = image_env(dockerfile_stages(GATEWAY_DOCKERFILE)[-1])
    provided = {key for key, value in env.items() if interpolate(value)} | set(image)
    missing = router_required_env("development") - provided
    assert not missing, f"the development profile's router needs {missing}"
    jwks = interpolate(env["VSM_JWKS_PATH"])
    assert any(str(v).endswith(f":{jwks.rpartition('/')[0]}:ro") for v in gateway.get("volumes") or []), jwks
    assert "VSM_JWT_ISSUER" in raw and raw["VSM_JWT_ISSUER"] is None, "pass the issuer on only when it is set"
    assert not set(env) & ROUTER_OVERRIDES, "a generic variable would win over the router's file"


def test_compose_secrets_are_not_hard_coded(services: dict[str, dict[str, Any]]) -> None:
    secrets = {
        name: environment(svc)["VSM_GATEWAY_SECRET"]
        for name, svc in services.items()
        if "VSM_GATEWAY_SECRET" in environment(svc)
    }
    assert set(PYTHON_SERVICES) | {"gateway"} <= set(secrets)
    for name, value in secrets.items():
        assert uses_variable(value, "VSM_GATEWAY_SECRET"), f"{name}: VSM_GATEWAY_SECRET is hard-coded ({value!r})"
    assert len(set(secrets.values())) == 1, "the gateway and the subgraphs must share one VSM_GATEWAY_SECRET"
    assert uses_variable(environment(services["postgres"])["POSTGRES_PASSWORD"], "POSTGRES_PASSWORD")


def test_compose_migrations_run_before_the_services(services: dict[str, dict[str, Any]]) -> None:
    for name in PYTHON_SERVICES:
        svc = services[name]
        migrations = [
            target
            for target, condition in depends_on(svc).items()
            if condition == "service_completed_successfully" and "migrate" in command_text(services[target]).split()
        ]
        assert migrations, f"{name} does not wait for a migrate one-shot to complete successfully"
        for target in migrations:
            migrate = services[target]
            same_image = migrate.get("image") == svc.get("image") or build_of(migrate) == build_of(svc)
            assert same_image, f"{target} does not run {name}'s image"
            assert depends_on(migrate).get("postgres") == "service_healthy", f"{target} must wait for postgres"
            for key in ("DATABASE_URL", "VSM_GATEWAY_SECRET"):
                assert environment(migrate).get(key) == environment(svc).get(key), f"{target}: {key} differs"
            words = command_text(migrate).split()
            assert "serve" not in words and words[0] == "migrate", f"{target} must migrate first and not serve"


def test_compose_creates_the_kafka_topics(services: dict[str, dict[str, Any]]) -> None:
    name = kafka_one_shot(services)
    topics_service = services[name]
    env = environment(topics_service)
    assert parse_topics(env["VSM_TOPICS"]) == EXPECTED_TOPICS
    assert env.get("REPLICATION_FACTOR") == "1", "a single broker needs replication factor 1"
    assert interpolate(env["KAFKA_BOOTSTRAP_SERVERS"]).startswith("kafka:")
    assert depends_on(topics_service).get("kafka") == "service_healthy"
    for service in PYTHON_SERVICES:
        assert depends_on(services[service]).get(name) == "service_completed_successfully", (
            f"{service} must wait for the topics to exist"
        )
    assert environment(services["kafka"]).get("KAFKA_AUTO_CREATE_TOPICS_ENABLE") == "false"

    command = topics_service["command"]
    assert isinstance(command, list) and command[:2] == ["/bin/bash", "-ec"], "expected [/bin/bash, -ec, script]"
    script = interpolate(command[2])
    for needed in ("$VSM_TOPICS", "--if-not-exists", "--partitions", "--replication-factor"):
        assert needed in script
    if shutil.which("bash"):
        result = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr


def test_compose_kafka_is_a_single_kraft_node(services: dict[str, dict[str, Any]]) -> None:
    env = environment(services["kafka"])
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", env["CLUSTER_ID"]), "CLUSTER_ID must be a base64 UUID"
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"):
        assert env[key] == "1", f"{key} must be 1 on a single node"
    assert any("/var/lib/kafka/data" in str(volume) for volume in services["kafka"].get("volumes") or [])


# ============================================================================== Dockerfiles


@pytest.mark.parametrize("dockerfile", dockerfiles(), ids=lambda path: path.name)
def test_dockerfile_bases_are_pinned(dockerfile: Path) -> None:
    seen: set[str] = set()
    for stage in dockerfile_stages(dockerfile):
        if stage.base not in seen:
            assert "$" not in stage.base, f"{dockerfile.name}: FROM {stage.base} depends on a build arg"
            tag = image_tag(stage.base)
            assert tag and tag != "latest", f"{dockerfile.name}: FROM {stage.base} is not pinned to a tag"
        if stage.name:
            seen.add(stage.name)


@pytest.mark.parametrize("dockerfile", dockerfiles(), ids=lambda path: path.name)
def test_dockerfile_runs_as_non_root_with_a_healthcheck(dockerfile: Path) -> None:
    final = dockerfile_stages(dockerfile)[-1]
    users = final.all("USER")
    assert users, f"{dockerfile.name}: the final stage sets no USER (it would run as root)"
    user, _, group = users[-1].partition(":")
    assert user not in {"root", "0"} and group not in {"root", "0"}, f"{dockerfile.name} runs as root"
    healthchecks = final.all("HEALTHCHECK")
    assert healthchecks and healthchecks[-1].upper() != "NONE", f"{dockerfile.name}: no HEALTHCHECK"


@pytest.mark.parametrize("dockerfile", dockerfiles(), ids=lambda path: path.name)
def test_dockerfile_copies_only_existing_allowed_files(dockerfile: Path) -> None:
    dockerignore = dockerfile.with_name(dockerfile.name + ".dockerignore")
    assert dockerignore.is_file(), f"{dockerignore.name} is missing (without it the whole repo is sent)"
    for stage in dockerfile_stages(dockerfile):
        for keyword in ("COPY", "ADD"):
            for args in stage.all(keyword):
                words = args.split()
                if any(word.startswith("--from=") for word in words):
                    continue
                sources = [word for word in words if not word.startswith("--")][:-1]
                assert sources, f"{dockerfile.name}: {keyword} {args} has no source"
                for source in sources:
                    assert (ROOT / source).exists(), f"{dockerfile.name}: {source} does not exist in the repository"
                    assert allowed_by_dockerignore(dockerignore, source), f"{dockerignore.name} leaves out {source}"


def test_python_dockerfile_serves_the_selected_service() -> None:
    stages = dockerfile_stages(PYTHON_DOCKERFILE)
    final = stages[-1]
    assert "SERVICE" in arg_defaults(final), "the Python Dockerfile must take a SERVICE build arg"
    env_lines = " ".join(final.all("ENV"))
    assert f"PYTHONPATH={PYTHONPATH}" in env_lines
    assert "VSM_HOST=0.0.0.0" in env_lines
    assert any("requirements.lock" in args for stage in stages for args in stage.all("COPY"))
    copied = " ".join(final.all("COPY"))
    for name in PYTHON_SERVICES:
        assert f"services/{name}/vsm_{name}" in copied, f"vsm_{name} is not copied into the image"
    assert "libs/vsm_common" in copied
    assert ENTRYPOINT_SCRIPT.relative_to(ROOT).as_posix() in copied
    assert final.all("ENTRYPOINT") and final.all("CMD") == ['["serve"]']


def test_gateway_dockerfile_composes_the_supergraph_for_the_deployed_services(
    services: dict[str, dict[str, Any]],
) -> None:
    stages = dockerfile_stages(GATEWAY_DOCKERFILE)
    defaults: dict[str, str | None] = {}
    for stage in stages:
        defaults.update(arg_defaults(stage))
    compose_args = (build_of(services["gateway"]) or {}).get("args") or {}
    for name, port in PYTHON_SERVICES.items():
        url = defaults.get(f"{name.upper()}_URL")
        assert url == f"http://{name}:{port}/graphql", f"{name.upper()}_URL default is {url!r}"
        assert name in services and published_ports(services[name]).get(port) == port
        k8s_service = k8s_object("Service", name)
        assert port in [p["port"] for p in k8s_service["spec"]["ports"]], f"k8s Service {name} is not on {port}"
        assert compose_args.get(f"{name.upper()}_URL", url) == url
    python_stage_runs = " ".join(args for stage in stages for args in stage.all("RUN"))
    assert re.search(r"python -m \"?vsm_\$\{?service\}?\"? sdl", python_stage_runs), "no stage prints the SDL"
    assert "compose.mjs" in python_stage_runs and "--subgraph" in python_stage_runs
    final = stages[-1]
    env = image_env(final)
    assert env["VSM_SUPERGRAPH_PATH"] in " ".join(final.all("COPY")), "the supergraph is not where the router reads it"
    assert env["VSM_GATEWAY_HOST"] == "0.0.0.0" and env["VSM_GATEWAY_PORT"] == str(GATEWAY_PORT)


def test_gateway_image_builds_hive_router_for_production() -> None:
    """The router is built from crates.io at the Makefile's version and toolchain, without the graphiql
    feature (a development IDE from a CDN); the image runs it with the production file by default."""
    stages = dockerfile_stages(GATEWAY_DOCKERFILE)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    version = re.search(r"^HIVE_ROUTER_VERSION := (\S+)$", makefile, re.MULTILINE)
    assert version, "the Makefile no longer pins HIVE_ROUTER_VERSION where this test looks"
    builds = [stage for stage in stages if any("install hive-router" in args for args in stage.all("RUN"))]
    assert len(builds) == 1, "one stage must `cargo install hive-router`"
    (build,) = builds
    args = arg_defaults(build)
    assert args.get("HIVE_ROUTER_VERSION") == version.group(1)
    assert (args.get("RUST_TOOLCHAIN") or "").startswith("nightly-"), "a dated nightly: 0.3.10 needs rustc >= 1.97"
    (install,) = [a for a in build.all("RUN") if "install hive-router" in a]
    assert "--locked" in install and '--version "${HIVE_ROUTER_VERSION}"' in install
    assert "graphiql" not in install and "--features" not in install, "production builds the crate's default IDE"
    # Without graphiql the crate's build script runs npm (the Hive Laboratory page).
    assert any("npm" in a for a in build.all("COPY") + build.all("RUN"))

    final = stages[-1]
    assert final.base.startswith("debian:") and final.name == "runtime"
    copied = " ".join(final.all("COPY"))
    assert "--from=router-build /opt/hive-router/bin/hive_router" in copied
    for name in ROUTER_PROFILES:
        assert f"services/gateway/router/router.{name}.yaml" in copied, f"router.{name}.yaml is not in the image"
    assert "services/gateway/router/persisted-documents.json" in copied, "the files' default documents file"
    env = image_env(final)
    assert env["ROUTER_CONFIG_FILE_PATH"] == f"{ROUTER_CONFIG_DIR}/router.production.yaml"
    assert not set(env) & ROUTER_OVERRIDES, "a generic variable would win over the router's file"
    assert final.all("CMD") == ['["/usr/local/bin/hive_router"]']
    (healthcheck,) = final.all("HEALTHCHECK")
    assert "/readiness" in healthcheck and "curl -fsS" in healthcheck


@pytest.mark.parametrize("profile", ROUTER_PROFILES)
def test_router_required_variables_are_read_from_the_files(profile: str) -> None:
    """What this module checks the deployments against: the from_env names without a default."""
    required = router_required_env(profile)
    assert {"VSM_SUPERGRAPH_PATH", "VSM_GATEWAY_SECRET"} <= required
    assert ("VSM_JWKS_URL" in required) == (profile == "production")
    assert ("VSM_JWKS_PATH" in required) == (profile == "development")


# ---------------------------------------------------------------- the Python image's entrypoint


class _ReadyHandler(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/health/ready" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def ready_server() -> Iterator[tuple[int, type[_ReadyHandler]]]:
    handler = type("Handler", (_ReadyHandler,), {"status": 200})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler
    finally:
        server.shutdown()
        server.server_close()


def run_entrypoint(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    pythonpath = os.pathsep.join(str(ROOT / p) for p in ("libs", *(f"services/{n}" for n in PYTHON_SERVICES)))
    full_env = {"PATH": path, "PYTHONPATH": pythonpath, **env}
    return subprocess.run(
        ["sh", str(ENTRYPOINT_SCRIPT), *args], capture_output=True, text=True, env=full_env, timeout=60, check=False
    )


def test_entrypoint_healthcheck_follows_health_ready(ready_server: tuple[int, type[_ReadyHandler]]) -> None:
    port, handler = ready_server
    assert run_entrypoint("healthcheck", VSM_SERVICE="goals", VSM_PORT=str(port)).returncode == 0
    handler.status = 503
    assert run_entrypoint("healthcheck", VSM_SERVICE="goals", VSM_PORT=str(port)).returncode != 0


def test_entrypoint_runs_the_service_module() -> None:
    result = run_entrypoint("sdl", VSM_SERVICE="goals")
    assert result.returncode == 0, result.stderr
    assert "specs.apollo.dev/federation/v2" in result.stdout and "type Query" in result.stdout
    unknown = run_entrypoint("sdl", VSM_SERVICE="nosuchservice")
    assert unknown.returncode != 0 and "unknown VSM_SERVICE" in unknown.stderr


# ================================================================================= Kubernetes


def test_k8s_manifests_parse_and_are_named() -> None:
    documents = k8s_documents()
    assert documents, "no manifests in deploy/kubernetes"
    for path, doc in documents:
        where = path.relative_to(K8S_DIR)
        assert doc.get("apiVersion") and doc.get("kind"), f"{where}: apiVersion/kind missing"
        assert (doc.get("metadata") or {}).get("name"), f"{where}: {doc.get('kind')} without metadata.name"
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace", K8S_NAMESPACE) == K8S_NAMESPACE, f"{where}: other namespace"
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in k8s_objects()}
    expected = {
        ("Namespace", K8S_NAMESPACE),
        ("ConfigMap", "vsm-config"),
        ("Secret", "vsm-gateway-secret"),
        ("Secret", "vsm-jwks"),
        ("Kafka", "vsm"),
        ("Cluster", POSTGRES_CLUSTER),
    }
    for name in (*PYTHON_SERVICES, "gateway"):
        expected |= {("Deployment", name), ("Service", name), ("HorizontalPodAutoscaler", name)}
        expected |= {("PodDisruptionBudget", name)}
    assert expected <= kinds, f"missing: {expected - kinds}"
    assert len(kinds) == len(k8s_objects()), "two objects of the same kind share a name"


def test_kustomization_lists_exactly_the_manifests() -> None:
    config = kustomization()
    assert config.get("kind") == "Kustomization"
    assert config.get("namespace") == K8S_NAMESPACE
    resources = config.get("resources") or []
    for resource in resources:
        assert (K8S_DIR / resource).is_file(), f"kustomization lists {resource}, which does not exist"
    assert len(resources) == len(set(resources)), "a resource is listed twice"
    manifests = {path.relative_to(K8S_DIR).as_posix() for path in k8s_manifest_files()}
    assert manifests == set(resources), f"not listed: {manifests - set(resources)}"
    assert not [r for r in resources if r.startswith("examples/")], "the examples are not to be applied"
    used_images = {
        container["image"].rpartition(":")[0]
        for _, template in pod_templates()
        for container in all_containers(template["spec"])
    }
    for image in config.get("images") or []:
        assert image["name"] in used_images, f"kustomization sets image {image['name']}, which no pod uses"


def test_k8s_pods_have_probes_resources_and_pinned_images() -> None:
    for name, template in pod_templates():
        spec = template["spec"]
        for container in all_containers(spec):
            where = f"{name}/{container['name']}"
            tag = image_tag(container["image"])
            assert tag and tag != "latest", f"{where}: image not pinned"
            resources = container.get("resources") or {}
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(kind) or {}), f"{where}: {kind} cpu/memory missing"
            assert quantity(resources["requests"]["memory"]) <= quantity(resources["limits"]["memory"])
        if not name.startswith("Deployment/"):
            continue
        for container in spec["containers"]:
            port_names = {port.get("name") for port in container.get("ports") or []}
            port_numbers = {port["containerPort"] for port in container.get("ports") or []}
            for probe in ("readinessProbe", "livenessProbe"):
                assert probe in container, f"{name}/{container['name']}: no {probe}"
                port = container[probe]["httpGet"]["port"]
                assert port in port_names | port_numbers, f"{name}: {probe} uses an undeclared port {port}"


def test_k8s_python_services_fit_their_budget_and_migrate_first() -> None:
    for name, port in PYTHON_SERVICES.items():
        deployment = k8s_object("Deployment", name)
        spec = deployment["spec"]["template"]["spec"]
        (container,) = [c for c in spec["containers"] if c["name"] == name]
        assert [p["containerPort"] for p in container["ports"]] == [port]
        assert quantity(container["resources"]["limits"]["memory"]) <= PYTHON_MEMORY_BUDGET
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        env = container_env(container)
        for key in PYTHON_REQUIRED_ENV:
            assert env.get(key), f"{name}: {key} is not set"
        assert env.get("VSM_HOST") == "0.0.0.0" and env.get("VSM_PORT") == str(port)
        assert env.get("VSM_TOPIC_PREFIX", TOPIC_PREFIX) == TOPIC_PREFIX
        assert container.get("args", ["serve"]) == ["serve"]

        migrations = [c for c in spec.get("initContainers") or [] if c.get("args") == ["migrate"]]
        assert migrations, f"{name}: no init container runs `migrate`"
        assert migrations[0]["image"] == container["image"]
        assert container_env(migrations[0]).get("DATABASE_URL") == env["DATABASE_URL"]


def test_k8s_gateway_deployment() -> None:
    deployment = k8s_object("Deployment", "gateway")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert [p["containerPort"] for p in container["ports"]] == [GATEWAY_PORT]
    # The router's fixed paths (src/lib.rs of the crate): /health while it serves, /readiness with a supergraph.
    assert container["readinessProbe"]["httpGet"]["path"] == "/readiness"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["startupProbe"]["httpGet"]["path"] == "/health"
    env = container_env(container)
    assert env.get("VSM_GATEWAY_HOST") == "0.0.0.0" and env.get("VSM_GATEWAY_PORT") == str(GATEWAY_PORT)
    assert env.get("VSM_GATEWAY_SECRET"), "the gateway needs VSM_GATEWAY_SECRET"
    assert env.get("ROUTER_CONFIG_FILE_PATH") == f"{ROUTER_CONFIG_DIR}/router.production.yaml"
    image = image_env(dockerfile_stages(GATEWAY_DOCKERFILE)[-1])
    missing = router_required_env("production") - set(env) - set(image)
    assert not missing, f"the production profile's router needs {missing}"
    # Unset, the production file trusts no issuer (every token refused): the Secret must name one.
    assert env.get("VSM_JWT_ISSUER") and env.get("VSM_JWT_AUDIENCE")
    assert not set(env) & ROUTER_OVERRIDES, "HOST, PORT and the like would override the router's own settings"
    assert not [k for k in env if k.startswith("NODE_")], "no Node left in the gateway"
    assert deployment["spec"]["template"]["spec"].get("enableServiceLinks") is False


def test_k8s_services_select_their_pods() -> None:
    deployments = {d["metadata"]["name"]: d for d in k8s_objects("Deployment")}
    for service in k8s_objects("Service"):
        selector = service["spec"]["selector"]
        matches = [
            d for d in deployments.values() if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(matches) == 1, f"Service {service['metadata']['name']} selects {len(matches)} Deployments"
        deployment = matches[0]
        assert deployment["spec"]["selector"]["matchLabels"] == selector, "Service and Deployment select differently"
        ports = [p for c in deployment["spec"]["template"]["spec"]["containers"] for p in c.get("ports") or []]
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            assert any(target in {p.get("name"), p["containerPort"]} for p in ports), f"no container port {target}"


def test_k8s_pods_meet_the_restricted_pod_security_standard() -> None:
    namespace = k8s_object("Namespace", K8S_NAMESPACE)
    assert namespace["metadata"]["labels"].get("pod-security.kubernetes.io/enforce") == "restricted"
    for name, template in pod_templates():
        spec = template["spec"]
        pod_security = spec.get("securityContext") or {}
        assert pod_security.get("runAsNonRoot") is True, f"{name}: runAsNonRoot"
        assert pod_security.get("runAsUser", 1) != 0, f"{name}: runs as root"
        assert (pod_security.get("seccompProfile") or {}).get("type") == "RuntimeDefault", f"{name}: seccomp"
        for container in all_containers(spec):
            security = container.get("securityContext") or {}
            assert security.get("allowPrivilegeEscalation") is False, (
                f"{name}/{container['name']}: privilege escalation"
            )
            assert security.get("capabilities", {}).get("drop") == ["ALL"], f"{name}/{container['name']}: capabilities"


def test_k8s_kafka_topics_are_strimzi_topics_of_the_cluster() -> None:
    (kafka,) = k8s_objects("Kafka")
    topics = {topic["spec"].get("topicName", topic["metadata"]["name"]): topic for topic in k8s_objects("KafkaTopic")}
    assert {name: topic["spec"]["partitions"] for name, topic in topics.items()} == EXPECTED_TOPICS
    for name, topic in topics.items():
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"], name
        assert topic["spec"]["replicas"] == 3, f"{name}: replication factor"
        assert int(topic["spec"]["config"]["min.insync.replicas"]) == 2, f"{name}: min.insync.replicas"
    assert k8s_object("ConfigMap", "vsm-config")["data"].get("VSM_TOPIC_PREFIX", TOPIC_PREFIX) == TOPIC_PREFIX
    bootstrap = k8s_object("ConfigMap", "vsm-config")["data"]["KAFKA_BOOTSTRAP_SERVERS"]
    (plain,) = [listener for listener in kafka["spec"]["kafka"]["listeners"] if not listener["tls"]]
    assert bootstrap == f"{kafka['metadata']['name']}-kafka-bootstrap:{plain['port']}", bootstrap


def test_k8s_secrets_hold_placeholders_only() -> None:
    secrets = k8s_objects("Secret")
    assert secrets
    for secret in secrets:
        name = secret["metadata"]["name"]
        assert not secret.get("data"), f"{name}: no base64-encoded (real-looking) values in a committed Secret"
        for key, value in (secret.get("stringData") or {}).items():
            placeholder = "CHANGE-ME" in value or (key == "VSM_JWT_AUDIENCE" and value == "vsm")
            assert placeholder, f"{name}.{key} is not a placeholder"
    assert secret_data("vsm-gateway-secret")["VSM_GATEWAY_SECRET"] == "CHANGE-ME"
    assert {"VSM_JWKS_URL", "VSM_JWT_ISSUER", "VSM_JWT_AUDIENCE"} <= set(secret_data("vsm-jwks"))
    config = k8s_object("ConfigMap", "vsm-config")["data"]
    assert not {"DATABASE_URL", "VSM_GATEWAY_SECRET", "VSM_JWKS_URL"} & set(config), "secrets in the ConfigMap"


def test_deploy_readme_explains_both_ways() -> None:
    readme = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    for needed in ("docker compose", "kubectl apply -k deploy/kubernetes", "VSM_GATEWAY_SECRET", "PostgreSQL", "Kafka"):
        assert needed in readme, f"deploy/README.md does not mention {needed!r}"
