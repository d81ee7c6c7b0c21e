"""Row helpers shared by the followup adapters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg


def group(rows: Sequence[asyncpg.Record], key: str, value: str) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r[value])
    return out
