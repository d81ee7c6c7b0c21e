"""DataLoader factories: one batched query per relation and request, however many rows ask."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

import asyncpg
from strawberry.dataloader import DataLoader

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def batch_one(
    pool: asyncpg.Pool, fetch: Callable[[asyncpg.Connection, Sequence[K]], Awaitable[dict[K, V]]]
) -> DataLoader[K, V | None]:
    """Loads one value per key (None where missing) with ``fetch(conn, keys) -> {key: value}``."""

    async def load(keys: list[K]) -> list[V | None]:
        async with pool.acquire() as conn:
            found = await fetch(conn, keys)
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def batch_many(
    pool: asyncpg.Pool, fetch: Callable[[asyncpg.Connection, Sequence[K]], Awaitable[dict[K, list[V]]]]
) -> DataLoader[K, list[V]]:
    """Loads a list per key (empty where missing) with ``fetch(conn, keys) -> {key: [values]}``."""

    async def load(keys: list[K]) -> list[list[V]]:
        async with pool.acquire() as conn:
            found = await fetch(conn, keys)
        return [found.get(k, []) for k in keys]

    return DataLoader(load_fn=load)
