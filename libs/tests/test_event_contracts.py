"""The event contracts as code (vsm_common.contracts) and the published JSON Schemas say the same thing,
and no event type is named anywhere but in the contracts."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from vsm_common import contracts
from vsm_common.contracts import EventType, followup, goals, planning, schemas

ROOT = schemas.ROOT
TYPE_NAME = re.compile(r"vsm\.(goals|planning|followup)\.[a-z_]+\.[a-z_]+\.v\d+")


def test_every_schema_file_has_exactly_one_event_type_and_every_event_type_a_schema_file() -> None:
    files = [p.relative_to(ROOT).as_posix() for p in schemas.schema_files()]
    assert sorted(t.schema_file for t in contracts.ALL) == files
    assert len({t.name for t in contracts.ALL}) == len(contracts.ALL)


@pytest.mark.parametrize("module", [goals, planning, followup], ids=lambda m: m.__name__)
def test_every_constant_of_a_service_is_in_its_registry_once(module: Any) -> None:
    constants = [v for k, v in vars(module).items() if k.isupper() and isinstance(v, EventType)]
    assert sorted(t.name for t in constants) == sorted(t.name for t in module.ALL)
    service = module.__name__.rsplit(".", 1)[-1]
    assert all(t.service == service for t in module.ALL)


@pytest.mark.parametrize("event_type", contracts.ALL, ids=str)
def test_the_payload_type_has_the_schemas_properties_and_required_keys(event_type: EventType[Any]) -> None:
    doc = schemas.schema(event_type)
    assert doc["title"] == event_type.name and doc["$id"].removesuffix(".schema.json").endswith(event_type.name)
    assert doc["type"] == "object" and doc["additionalProperties"] is False
    payload: Any = event_type.payload
    assert set(typing.get_type_hints(payload)) == set(doc["properties"])
    assert set(payload.__required_keys__) == set(doc.get("required", []))


@pytest.mark.parametrize("event_type", contracts.ALL, ids=str)
def test_by_name_finds_each_type(event_type: EventType[Any]) -> None:
    assert contracts.by_name(event_type.name) is event_type
    assert str(event_type) == event_type.name


def test_by_name_knows_no_other_type() -> None:
    assert contracts.by_name("vsm.goals.goal.linked.v3") is None


def test_the_superseded_link_types_are_still_contracts() -> None:
    assert goals.GOAL_LINKED.name == "vsm.goals.goal.linked.v2"
    assert goals.GOAL_LINKED_V1.name == "vsm.goals.goal.linked.v1"
    assert goals.GOAL_UNLINKED_V1.name == "vsm.goals.goal.unlinked.v1"


def production_files() -> list[Path]:
    roots = [ROOT / "libs", *sorted((ROOT / "services").glob("*/vsm_*"))]
    contracts_dir = ROOT / "libs" / "vsm_common" / "contracts"
    return sorted(
        p
        for root in roots
        for p in root.rglob("*.py")
        if "tests" not in p.relative_to(ROOT).parts and not p.is_relative_to(contracts_dir)
    )


def type_names_written(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and TYPE_NAME.fullmatch(node.value)
    ]


def test_no_event_type_name_is_written_outside_the_contracts() -> None:
    files = production_files()
    assert any(p.parent.name == "service" for p in files)  # the scan reads the use cases, not nothing
    written = [hit for p in files for hit in type_names_written(p)]
    assert written == [], "use the constants of vsm_common.contracts instead:\n" + "\n".join(written)


def test_the_contracts_import_nothing_that_does_io() -> None:
    # A fresh interpreter, since this one has loaded the drivers for other tests.
    code = (
        "import sys; import vsm_common.contracts; "
        "print(sorted(m for m in ('asyncpg', 'aiokafka', 'strawberry', 'fastapi', 'httpx') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "libs")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"
