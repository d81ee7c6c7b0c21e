"""Build the deploy validation tools and convert their schemas into a cache outside the clone.

``python -m deploy_check.install`` (``make deploy-tools``, a step of ``make test``) prints what it does;
each part is skipped when the cache already has it, so a second run takes a moment. The tests call
:func:`ensure` too, which then finds everything in place. Sources, all pinned in :mod:`deploy_check.pins`:

- promtool, kubeconform and kustomize: ``go install module@version`` (the Go module proxy, checksums
  verified by the go command);
- Kubernetes' schemas: the kubernetes-validate wheel (``pip download``, SHA-256 checked here);
- CloudNativePG, its Barman Cloud plugin and the Prometheus Operator: the CRD files their Go modules
  ship (``go mod download``);
- Strimzi: ``io.strimzi:api`` and ``io.strimzi:crd-generator`` (Maven), run as Strimzi's build runs them.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from deploy_check import pins, schemas

HERE = Path(__file__).resolve().parent
STRIMZI_POM = HERE / "strimzi" / "pom.xml"
COMPLETE = ".complete"


class InstallError(RuntimeError):
    """A tool or schema could not be built; the message says which and why."""


@dataclass(frozen=True)
class Tools:
    """Where the built tools and the converted schemas are."""

    promtool: Path
    kubeconform: Path
    kustomize: Path
    schemas: Path
    kubernetes_versions: tuple[str, ...]

    def schema_locations(self) -> list[str]:
        """kubeconform ``-schema-location`` templates for the local schemas, and nothing else."""
        kubernetes = (
            "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}"
        )
        crds = "{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}"
        return [f"{self.schemas / 'kubernetes'}/{kubernetes}.json", f"{self.schemas / 'crds'}/{crds}.json"]


def cache_root() -> Path:
    if os.environ.get("VSM_TOOLS_CACHE"):
        return Path(os.environ["VSM_TOOLS_CACHE"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "vsm" / "deploy-tools"


def say(message: str) -> None:
    print(f"==> deploy tools: {message}", file=sys.stderr, flush=True)


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None, capture: bool = False) -> str:
    """Run a command; its own output goes to stderr (progress) unless captured."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE if capture else sys.stderr,
        stderr=subprocess.PIPE if capture else None,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or "").strip()[-2000:] if capture else "see the output above"
        raise InstallError(f"{' '.join(command)} failed with exit code {result.returncode}: {detail}")
    return result.stdout or ""


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """One installer at a time per cache (two test sessions may start together)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def go_binary() -> str:
    go = shutil.which("go")
    if go is None:
        raise InstallError("the go command is not on PATH (Go is needed to build promtool, kubeconform, kustomize)")
    return go


# ------------------------------------------------------------------------------------ Go tools


def ensure_go_tool(root: Path, tool: pins.GoTool) -> Path:
    target = root / "go" / tool.key / tool.name
    if target.is_file() and os.access(target, os.X_OK):
        return target
    say(f"building {tool.name} {tool.version} (go install {tool.package}; first time only, can take minutes)")
    started = time.monotonic()
    staging = Path(tempfile.mkdtemp(prefix=f".{tool.name}-", dir=root))
    try:
        command = [go_binary(), "install", "-trimpath"]
        if tool.tags:
            command.append("-tags=" + ",".join(tool.tags))
        if tool.ldflags:
            command.append("-ldflags=" + tool.ldflags)
        command.append(f"{tool.package}@{tool.version}")
        # GOFLAGS from the environment (e.g. -mod=vendor) must not leak into a build outside any module.
        run(command, cwd=staging, env={"GOBIN": str(staging), "GOFLAGS": "-buildvcs=false"})
        target.parent.mkdir(parents=True, exist_ok=True)
        (staging / tool.name).replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    say(f"{tool.name} {tool.version} built in {time.monotonic() - started:.0f} s: {target}")
    return target


def go_module_dir(root: Path, module: str, version: str) -> Path:
    out = run(
        [go_binary(), "mod", "download", "-json", f"{module}@{version}"],
        cwd=root,
        env={"GOFLAGS": "-buildvcs=false"},
        capture=True,
    )
    info = json.loads(out)
    if info.get("Error"):
        raise InstallError(f"go mod download {module}@{version}: {info['Error']}")
    return Path(info["Dir"])


# ------------------------------------------------------------------------------------ schemas


def schema_key() -> str:
    """Changes whenever a pin or the conversion changes, so the schemas are converted anew."""
    digest = hashlib.sha256()
    for part in (
        repr((pins.KUBERNETES, pins.GO_MODULE_CRDS, pins.STRIMZI)),
        (HERE / "schemas.py").read_text(encoding="utf-8"),
        STRIMZI_POM.read_text(encoding="utf-8"),
    ):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True), encoding="utf-8")


def kubernetes_wheel(root: Path) -> Path:
    spec = pins.KUBERNETES
    wheel = root / "downloads" / f"{spec.package}-{spec.version}.whl"
    if not wheel.is_file():
        say(f"downloading {spec.package} {spec.version} (pip download; Kubernetes' JSON schemas)")
        wheel.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=wheel.parent) as tmp:
            pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
            pip += ["--disable-pip-version-check", "--progress-bar", "off", "-d", tmp]
            run([*pip, f"{spec.package}=={spec.version}"], cwd=root)
            (found,) = Path(tmp).glob("*.whl")
            found.replace(wheel)
    actual = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if actual != spec.sha256:
        wheel.unlink()
        raise InstallError(f"{wheel.name}: SHA-256 {actual}, expected {spec.sha256} (pins.KUBERNETES)")
    return wheel


def convert_kubernetes(root: Path, out: Path) -> Path:
    """Kubernetes' schemas per release into ``out/kubernetes``; returns the newest release's source folder."""
    wheel = kubernetes_wheel(root)
    extracted = out / ".kubernetes-validate"
    newest = extracted
    with zipfile.ZipFile(wheel) as archive:
        for version in pins.KUBERNETES.kubernetes_versions:
            prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
            members = [name for name in archive.namelist() if name.startswith(prefix) and name.endswith(".json")]
            if not members:
                raise InstallError(f"{wheel.name} has no schemas for Kubernetes {version}")
            archive.extractall(extracted, members)
            folder = extracted / prefix
            target = out / "kubernetes" / f"v{version}-standalone-strict"
            count = 0
            for name, schema in schemas.kubernetes_kind_files(folder):
                write_json(target / name, schema)
                count += 1
            say(f"Kubernetes {version}: {count} resource schemas")
            newest = folder
    return newest


def convert_crd_file(path: Path, out: Path, metadata: schemas.Schema) -> list[str]:
    written = []
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if not document or document.get("kind") != "CustomResourceDefinition":
            continue
        for name, schema in schemas.crd_schemas(document, metadata):
            write_json(out / "crds" / name, schema)
            written.append(name)
    if not written:
        raise InstallError(f"{path}: no CustomResourceDefinition with a schema")
    return written


def java_at_least(minimum: int) -> str:
    """A java command of at least version ``minimum`` (the default one, JAVA_HOME's or one under /usr/lib/jvm)."""
    candidates = [os.environ.get("JAVA_HOME", "") + "/bin/java", shutil.which("java") or ""]
    candidates += sorted(str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java"))
    seen = []
    for candidate in candidates:
        if not candidate or not os.access(candidate, os.X_OK) or candidate in seen:
            continue
        seen.append(candidate)
        probe = subprocess.run([candidate, "-version"], capture_output=True, text=True, check=False)
        match = re.search(r'version "(\d+)', probe.stderr + probe.stdout)
        if match and int(match.group(1)) >= minimum:
            return candidate
    raise InstallError(f"Strimzi's CRD generator needs Java {minimum} or newer; found none among {seen}")


def generate_strimzi_crds(root: Path, out: Path) -> list[Path]:
    spec = pins.STRIMZI
    libs = root / "maven" / f"strimzi-{spec.version}"
    if not (libs / COMPLETE).is_file():
        say(f"resolving io.strimzi:api and io.strimzi:crd-generator {spec.version} with Maven")
        shutil.rmtree(libs, ignore_errors=True)
        maven = ["mvn", "-B", "-q", "-Dstyle.color=never", "-f", str(STRIMZI_POM), f"-Dstrimzi.version={spec.version}"]
        maven += ["dependency:copy-dependencies", "-DincludeScope=runtime", f"-DoutputDirectory={libs}"]
        run(maven, cwd=root, capture=True)  # quiet, and its error in the exception when it fails
        (libs / COMPLETE).touch()
    java = java_at_least(spec.minimum_java)
    say(f"generating Strimzi {spec.version} CRDs (io.strimzi.crdgenerator.CrdGenerator, {java})")
    target = out / ".strimzi"
    target.mkdir(parents=True, exist_ok=True)
    files = [target / f"{cls.rsplit('.', 1)[1]}.yaml" for cls in spec.classes]
    run(
        [java, "-cp", str(libs / "*"), "io.strimzi.crdgenerator.CrdGenerator", *spec.arguments]
        + [f"{cls}={file}" for cls, file in zip(spec.classes, files, strict=True)],
        cwd=root,
        capture=True,
    )
    return files


def ensure_schemas(root: Path) -> Path:
    out = root / "schemas" / schema_key()
    if (out / COMPLETE).is_file():
        return out
    say(f"converting schemas into {out}")
    staging = Path(tempfile.mkdtemp(prefix=".schemas-", dir=root))
    try:
        newest = convert_kubernetes(root, staging)
        metadata = schemas.object_meta(newest)
        for spec in pins.GO_MODULE_CRDS:
            say(f"CRDs of {spec.module} {spec.version} (go mod download)")
            folder = go_module_dir(root, spec.module, spec.version) / spec.directory
            for name in spec.files:
                say(f"  {name}: {', '.join(convert_crd_file(folder / name, staging, metadata))}")
        for path in generate_strimzi_crds(root, staging):
            say(f"  {path.name}: {', '.join(convert_crd_file(path, staging, metadata))}")
        for hidden in (".kubernetes-validate", ".strimzi"):
            shutil.rmtree(staging / hidden, ignore_errors=True)
        (staging / COMPLETE).touch()
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(out, ignore_errors=True)
        staging.replace(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def ensure(root: Path | None = None) -> Tools:
    """Everything the deploy tests need, built or converted where missing; quick when all is there."""
    root = root or cache_root()
    with locked(root):
        built = {tool.name: ensure_go_tool(root, tool) for tool in pins.GO_TOOLS}
        return Tools(
            promtool=built[pins.PROMTOOL.name],
            kubeconform=built[pins.KUBECONFORM.name],
            kustomize=built[pins.KUSTOMIZE.name],
            schemas=ensure_schemas(root),
            kubernetes_versions=pins.KUBERNETES.kubernetes_versions,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", type=Path, help="cache folder (default: $VSM_TOOLS_CACHE, ~/.cache/vsm/deploy-tools)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        tools = ensure(args.cache)
    except InstallError as exc:
        print(f"deploy tools: {exc}", file=sys.stderr)
        return 1
    say(
        f"ready in {time.monotonic() - started:.0f} s: promtool {pins.PROMTOOL.version}, "
        f"kubeconform {pins.KUBECONFORM.version}, kustomize {pins.KUSTOMIZE.version}, schemas {tools.schemas}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
