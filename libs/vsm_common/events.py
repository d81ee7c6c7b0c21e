"""The CloudEvents 1.0 envelope (structured JSON mode) of every vsm event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

SPEC_VERSION = "1.0"


class MalformedEvent(ValueError):
    """A record that is not a CloudEvent we can read; it goes to the dead-letter topic."""


@dataclass(frozen=True, slots=True)
class CloudEvent:
    """One event: ``type`` is ``vsm.<service>.<aggregate>.<what happened>.v<N>``.

    ``subject`` is the aggregate id and doubles as the Kafka key, so the events of
    one goal stay in order. ``data`` must never hold personal data.
    """

    type: str
    source: str
    subject: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    dataschema: str | None = None

    def to_json(self) -> bytes:
        doc: dict[str, Any] = {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time.isoformat(),
            "datacontenttype": "application/json",
            "data": self.data,
        }
        if self.dataschema:
            doc["dataschema"] = self.dataschema
        return orjson.dumps(doc)

    @classmethod
    def from_json(cls, raw: bytes | None) -> CloudEvent:
        if raw is None:
            raise MalformedEvent("record has no value")
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise MalformedEvent(f"value is not JSON: {exc}") from exc
        if not isinstance(doc, dict):
            raise MalformedEvent("value is not a JSON object")
        if doc.get("specversion") != SPEC_VERSION:
            raise MalformedEvent(f"specversion must be {SPEC_VERSION!r}")
        for name in ("id", "source", "type", "subject", "time"):
            if not isinstance(doc.get(name), str) or not doc[name]:
                raise MalformedEvent(f"attribute {name!r} is missing or not a string")
        data = doc.get("data")
        if not isinstance(data, dict):
            raise MalformedEvent("attribute 'data' must be a JSON object")
        try:
            time = datetime.fromisoformat(doc["time"])
        except ValueError as exc:
            raise MalformedEvent(f"attribute 'time' is not ISO 8601: {exc}") from exc
        return cls(
            type=doc["type"],
            source=doc["source"],
            subject=doc["subject"],
            data=data,
            id=doc["id"],
            time=time,
            dataschema=doc.get("dataschema"),
        )
