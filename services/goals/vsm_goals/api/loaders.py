"""Per-request DataLoaders: every list field costs one query per level, not one per row."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import asyncpg
from strawberry.dataloader import DataLoader

from vsm_common.loaders import batch_many, batch_one

from .. import queries
from ..domain.model import EmployeeGoal, Goal, GoalLink, GoalRevision, Organization, VisionTheme
from ..ports import GoalsUnitOfWork
from ..service import employee_goals

K = uuid.UUID


class StructureLoaders:
    """Goals and their links as they stand now (``as_of`` None) or as they stood on a date."""

    def __init__(self, pool: asyncpg.Pool, as_of: date | None) -> None:
        self.as_of = as_of
        self.goal: DataLoader[K, Goal | None] = batch_one(pool, lambda c, ids: queries.goals_by_ids(c, ids, as_of))
        self.parent_ids: DataLoader[K, list[K]] = batch_many(pool, lambda c, ids: queries.parents_of(c, ids, as_of))
        self.child_ids: DataLoader[K, list[K]] = batch_many(pool, lambda c, ids: queries.children_of(c, ids, as_of))


class Loaders:
    def __init__(
        self, pool: asyncpg.Pool, unit_of_work: Callable[[], GoalsUnitOfWork], reader: employee_goals.Reader
    ) -> None:
        self._pool = pool
        self._structures: dict[date | None, StructureLoaders] = {}
        self.organization: DataLoader[K, Organization | None] = batch_one(pool, queries.organizations_by_ids)
        self.theme: DataLoader[K, VisionTheme | None] = batch_one(pool, queries.themes_by_ids)
        self.organization_ids: DataLoader[K, list[K]] = batch_many(pool, queries.organizations_of_goals)
        self.theme_ids: DataLoader[K, list[K]] = batch_many(pool, queries.themes_of_goals)
        self.org_children: DataLoader[K, list[Organization]] = batch_many(pool, queries.children_of_organizations)
        self.revisions: DataLoader[K, list[GoalRevision]] = batch_many(pool, queries.revisions_of)
        self.link_history: DataLoader[K, list[GoalLink]] = batch_many(pool, queries.link_history)

        async def load_employee_goals(keys: list[K]) -> list[EmployeeGoal | None]:
            # Federated reads (_entities) of medarbetarmål are logged like any other read: a use case.
            found = await employee_goals.read_by_ids(unit_of_work(), reader, keys)
            return [found.get(k) for k in keys]

        self.employee_goal: DataLoader[K, EmployeeGoal | None] = DataLoader(load_fn=load_employee_goals)

    def at(self, as_of: date | None) -> StructureLoaders:
        if as_of not in self._structures:
            self._structures[as_of] = StructureLoaders(self._pool, as_of)
        return self._structures[as_of]
