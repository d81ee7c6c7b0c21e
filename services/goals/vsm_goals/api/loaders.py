"""Per-request DataLoaders: every list field costs one query per level, not one per row."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg
from strawberry.dataloader import DataLoader

from vsm_common.loaders import batch_many, batch_one
from vsm_common.runtime import Runtime

from ..adapters import employee_goals as eg_repo
from ..adapters import repository as repo
from ..domain.model import EmployeeGoal, Goal, GoalLink, GoalRevision, Organization, VisionTheme
from ..service import employee_goals

K = uuid.UUID


class StructureLoaders:
    """Goals and their links as they stand now (``as_of`` None) or as they stood on a date."""

    def __init__(self, pool: asyncpg.Pool, as_of: date | None) -> None:
        self.as_of = as_of
        self.goal: DataLoader[K, Goal | None] = batch_one(pool, lambda c, ids: repo.goals_by_ids(c, ids, as_of))
        self.parent_ids: DataLoader[K, list[K]] = batch_many(pool, lambda c, ids: repo.parents_of(c, ids, as_of))
        self.child_ids: DataLoader[K, list[K]] = batch_many(pool, lambda c, ids: repo.children_of(c, ids, as_of))


class Loaders:
    def __init__(self, runtime: Runtime, reader: employee_goals.Reader) -> None:
        pool = runtime.pool
        self._pool = pool
        self._structures: dict[date | None, StructureLoaders] = {}
        self.organization: DataLoader[K, Organization | None] = batch_one(pool, repo.organizations_by_ids)
        self.theme: DataLoader[K, VisionTheme | None] = batch_one(pool, repo.themes_by_ids)
        self.organization_ids: DataLoader[K, list[K]] = batch_many(pool, repo.organizations_of_goals)
        self.theme_ids: DataLoader[K, list[K]] = batch_many(pool, repo.themes_of_goals)
        self.org_children: DataLoader[K, list[Organization]] = batch_many(pool, repo.children_of_organizations)
        self.revisions: DataLoader[K, list[GoalRevision]] = batch_many(pool, repo.revisions_of)
        self.link_history: DataLoader[K, list[GoalLink]] = batch_many(pool, repo.link_history)

        async def load_employee_goals(keys: list[K]) -> list[EmployeeGoal | None]:
            # Federated reads (_entities) of medarbetarmål are logged like any other read.
            async with runtime.unit_of_work() as uow:
                found = await reader.scope.admitted(uow.conn, await eg_repo.by_ids(uow.conn, keys))
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
