"""The domain's import contract (pyproject.toml) names every shared module but errors.

import-linter's ``forbidden`` contract lists what may not be imported, so a module added to
``vsm_common`` later would be open to the domain unless the list grows with it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _shared_modules() -> set[str]:
    package = ROOT / "libs" / "vsm_common"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    return {f"vsm_common.{m}" for m in modules}


def _domain_contract() -> dict[str, list[str]]:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    (contract,) = [c for c in contracts if "vsm_goals.domain" in c.get("source_modules", [])]
    return contract


def test_the_domain_may_import_only_the_error_module_of_the_shared_library() -> None:
    contract = _domain_contract()
    assert set(contract["source_modules"]) == {"vsm_goals.domain", "vsm_planning.domain", "vsm_followup.domain"}
    forbidden = {m for m in contract["forbidden_modules"] if m.startswith("vsm_common.")}
    assert _shared_modules() - forbidden == {"vsm_common.errors"}


def test_the_domain_may_import_no_other_layer_of_its_service() -> None:
    forbidden = set(_domain_contract()["forbidden_modules"])
    for service in ("vsm_goals", "vsm_planning", "vsm_followup"):
        package = ROOT / "services" / service.removeprefix("vsm_") / service
        layers = {p.stem for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
        layers |= {p.name for p in package.iterdir() if (p / "__init__.py").exists() and p.name != "domain"}
        missing = {f"{service}.{layer}" for layer in layers} - forbidden
        assert not missing, f"the domain contract leaves {sorted(missing)} open"
