"""What the planning adapters share about rows: id lists, grouping, and a decision (beslut) read from its columns."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import Decision

Ids = Sequence[uuid.UUID]


def group_ids(rows: Sequence[asyncpg.Record], key: str, value: str) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r[value])
    return out


def decision_of(r: asyncpg.Record) -> Decision | None:
    if r["decision_body_id"] is None:
        return None
    return Decision(r["decision_body_id"], r["decision_date"], r["decision_paragraph"], r["decision_diary_number"])
