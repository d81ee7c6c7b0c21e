"""The published JSON Schema of each event type, read from the source tree.

For tests and tools that check payloads against the contract; services never read schemas at run
time (their images hold no ``services/*/events/``), which is why the contract modules do not import this.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from .base import EventType

# libs/vsm_common/contracts/schemas.py -> the repository root
ROOT = Path(__file__).resolve().parents[3]


def schema_files() -> list[Path]:
    """Every published schema file of every service."""
    return sorted(ROOT.glob("services/*/events/*.schema.json"))


@cache
def schema(event_type: EventType[Any]) -> dict[str, Any]:
    """The schema of ``event_type``'s ``data``; one that is not itself a valid JSON Schema raises."""
    doc: dict[str, Any] = json.loads((ROOT / event_type.schema_file).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(doc)
    return doc


def errors(event_type: EventType[Any], data: object) -> list[str]:
    """What is wrong with ``data`` as the ``data`` of ``event_type`` (formats such as uuid and date included)."""
    validator = Draft202012Validator(schema(event_type), format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(data)]
