"""Per-request DataLoaders: every list field costs one query per level, not one per row."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TypeVar

import asyncpg
from strawberry.dataloader import DataLoader

from vsm_common.runtime import Runtime

from .. import employee_goals
from ..adapters import employee_goals as eg_repo
from ..adapters import repository as repo
from ..domain.model import EmployeeGoal, Goal, GoalRevision, Organization, VisionTheme

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


class StructureLoaders:
    """Goals and their links as they stand now (``as_of`` None) or as they stood on a date."""

    def __init__(self, pool: asyncpg.Pool, as_of: date | None) -> None:
        self.as_of = as_of
        self.goal: DataLoader[K, Goal | None] = _by_id(pool, lambda c, ids: repo.goals_by_ids(c, ids, as_of))
        self.parent_ids: DataLoader[K, list[K]] = _many(pool, lambda c, ids: repo.parents_of(c, ids, as_of))
        self.child_ids: DataLoader[K, list[K]] = _many(pool, lambda c, ids: repo.children_of(c, ids, as_of))


class Loaders:
    def __init__(self, runtime: Runtime, reader: employee_goals.Reader) -> None:
        pool = runtime.pool
        self._pool = pool
        self._structures: dict[date | None, StructureLoaders] = {}
        self.organization: DataLoader[K, Organization | None] = _by_id(pool, repo.organizations_by_ids)
        self.theme: DataLoader[K, VisionTheme | None] = _by_id(pool, repo.themes_by_ids)
        self.organization_ids: DataLoader[K, list[K]] = _many(pool, repo.organizations_of_goals)
        self.theme_ids: DataLoader[K, list[K]] = _many(pool, repo.themes_of_goals)
        self.org_children: DataLoader[K, list[Organization]] = _many(pool, repo.children_of_organizations)
        self.revisions: DataLoader[K, list[GoalRevision]] = _many(pool, repo.revisions_of)

        async def load_employee_goals(keys: list[K]) -> list[EmployeeGoal | None]:
            # Federated reads (_entities) of medarbetarmål are logged like any other read.
            async with runtime.unit_of_work() as uow:
                found = await eg_repo.by_ids(uow.conn, keys)
                counts: dict[str, int] = {}
                for g in found.values():
                    counts[g.employee_ref] = counts.get(g.employee_ref, 0) + 1
                await eg_repo.log_access(uow.conn, reader.actor, reader.purpose, "read", counts)
            return [found.get(k) for k in keys]

        self.employee_goal: DataLoader[K, EmployeeGoal | None] = DataLoader(load_fn=load_employee_goals)

    def at(self, as_of: date | None) -> StructureLoaders:
        if as_of not in self._structures:
            self._structures[as_of] = StructureLoaders(self._pool, as_of)
        return self._structures[as_of]
