"""Deterministic ids for demo data, so each service's seed can refer to the others' things."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("5f0c1d7e-4b8a-4c1e-9a51-7d0f3b6a2c90")


def demo_id(kind: str, key: str) -> uuid.UUID:
    """The id of demo thing ``key`` of ``kind`` (e.g. ``demo_id("org", "BUN")``), the same everywhere."""
    return uuid.uuid5(_NAMESPACE, f"{kind}:{key}")
