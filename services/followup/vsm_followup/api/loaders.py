"""Per-request DataLoaders of the followup subgraph."""

from __future__ import annotations

import uuid

import asyncpg
from strawberry.dataloader import DataLoader

from ..adapters import repository as repo
from ..domain.model import ReportingPeriod


class Loaders:
    def __init__(self, pool: asyncpg.Pool) -> None:
        async def children(keys: list[uuid.UUID]) -> list[list[uuid.UUID]]:
            async with pool.acquire() as conn:
                found = await repo.children_of(conn, keys)
            return [found.get(k, []) for k in keys]

        async def periods(keys: list[uuid.UUID]) -> list[ReportingPeriod | None]:
            async with pool.acquire() as conn:
                found = await repo.periods_by_ids(conn, keys)
            return [found.get(k) for k in keys]

        self.child_ids: DataLoader[uuid.UUID, list[uuid.UUID]] = DataLoader(load_fn=children)
        self.period: DataLoader[uuid.UUID, ReportingPeriod | None] = DataLoader(load_fn=periods)
