"""Per-request DataLoaders: every list field costs one query per level, not one per row."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import asyncpg
from strawberry.dataloader import DataLoader

from ..adapters import repository as repo
from ..domain.model import Goal, Organization, VisionTheme

K = uuid.UUID
V = TypeVar("V")


def _by_id(
    pool: asyncpg.Pool, fetch: Callable[[asyncpg.Connection, Sequence[K]], Awaitable[dict[K, V]]]
) -> DataLoader[K, V | None]:
    async def load(keys: list[K]) -> list[V | None]:
        async with pool.acquire() as conn:
            found = await fetch(conn, keys)
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def _many(
    pool: asyncpg.Pool, fetch: Callable[[asyncpg.Connection, Sequence[K]], Awaitable[dict[K, list[V]]]]
) -> DataLoader[K, list[V]]:
    async def load(keys: list[K]) -> list[list[V]]:
        async with pool.acquire() as conn:
            found = await fetch(conn, keys)
        return [found.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.goal: DataLoader[K, Goal | None] = _by_id(pool, repo.goals_by_ids)
        self.organization: DataLoader[K, Organization | None] = _by_id(pool, repo.organizations_by_ids)
        self.theme: DataLoader[K, VisionTheme | None] = _by_id(pool, repo.themes_by_ids)
        self.parent_ids: DataLoader[K, list[K]] = _many(pool, repo.parents_of)
        self.child_ids: DataLoader[K, list[K]] = _many(pool, repo.children_of)
        self.organization_ids: DataLoader[K, list[K]] = _many(pool, repo.organizations_of_goals)
        self.theme_ids: DataLoader[K, list[K]] = _many(pool, repo.themes_of_goals)
        self.org_children: DataLoader[K, list[Organization]] = _many(pool, repo.children_of_organizations)
