"""Row helpers the goals adapters share."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

import asyncpg

from ..domain.model import Decision

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def decision_of(row: asyncpg.Record, prefix: str) -> Decision | None:
    """The decision (beslut) joined into ``row`` as ``<prefix>_body``, ``_date``, ``_par`` and ``_dn``;
    None without one."""
    if row[f"{prefix}_body"] is None:
        return None
    return Decision(row[f"{prefix}_body"], row[f"{prefix}_date"], row[f"{prefix}_par"], row[f"{prefix}_dn"])


def grouped(pairs: Iterable[tuple[K, V]]) -> dict[K, list[V]]:
    """``(key, value)`` pairs as lists by key, in the order given (batch reads for DataLoaders)."""
    out: dict[K, list[V]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out
