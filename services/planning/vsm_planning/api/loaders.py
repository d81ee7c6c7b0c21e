"""Per-request DataLoaders of the planning subgraph."""

from __future__ import annotations

import uuid
from itertools import groupby

import asyncpg
from strawberry.dataloader import DataLoader

from ..adapters import repository as repo
from ..domain.model import Directive, OperationalPlan

OrgYear = tuple[uuid.UUID, int | None]


class Loaders:
    def __init__(self, pool: asyncpg.Pool) -> None:
        async def org_directives(keys: list[OrgYear]) -> list[list[Directive]]:
            found: dict[OrgYear, list[Directive]] = {}
            async with pool.acquire() as conn:
                # One query per distinct budget year asked for in this request (usually one).
                for year, group in groupby(sorted(keys, key=lambda k: k[1] or 0), key=lambda k: k[1]):
                    by_org = await repo.directives_of_organizations(conn, [k[0] for k in group], year)
                    for org_id, directives in by_org.items():
                        found[(org_id, year)] = directives
            return [found.get(k, []) for k in keys]

        async def established(keys: list[uuid.UUID]) -> list[Directive | None]:
            async with pool.acquire() as conn:
                found = await repo.establishing_directive(conn, keys)
            return [found.get(k) for k in keys]

        async def plans(keys: list[uuid.UUID]) -> list[list[OperationalPlan]]:
            async with pool.acquire() as conn:
                found = await repo.plans_of_goals(conn, keys)
            return [found.get(k, []) for k in keys]

        self.org_directives: DataLoader[OrgYear, list[Directive]] = DataLoader(load_fn=org_directives)
        self.established_by: DataLoader[uuid.UUID, Directive | None] = DataLoader(load_fn=established)
        self.goal_plans: DataLoader[uuid.UUID, list[OperationalPlan]] = DataLoader(load_fn=plans)
