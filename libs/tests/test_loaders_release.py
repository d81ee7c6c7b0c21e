"""A request's DataLoaders are emptied once its answer is made (vsm_common.loaders.release)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from datetime import date

from strawberry.dataloader import DataLoader

from vsm_common.loaders import release


class Row:
    """Stands for a loaded row or domain object."""

    def __init__(self, key: int) -> None:
        self.key = key


class Structure:
    def __init__(self) -> None:
        self.goal: DataLoader[int, Row] = DataLoader(load_fn=self._load)

    async def _load(self, keys: list[int]) -> list[Row]:
        return [Row(k) for k in keys]


class Loaders:
    """Like follow-up's: a loader whose batch function reads another loader of the same holder."""

    def __init__(self) -> None:
        self.period: DataLoader[int, Row] = DataLoader(load_fn=self._periods)
        self._structures: dict[date | None, Structure] = {None: Structure()}

        async def fulfilment(keys: list[int]) -> list[Row]:
            await self.period.load_many(keys)
            return [Row(k) for k in keys]

        self.fulfilment: DataLoader[int, Row] = DataLoader(load_fn=fulfilment)

    async def _periods(self, keys: list[int]) -> list[Row]:
        return [Row(k) for k in keys]


def test_what_the_loaders_hold_goes_with_the_request_not_with_the_collector() -> None:
    async def one_request(release_it: bool) -> list[weakref.ref[Row]]:
        loaders = Loaders()
        rows = await loaders.fulfilment.load_many([1, 2, 3])
        rows += await loaders._structures[None].goal.load_many([4, 5])
        refs = [weakref.ref(r) for r in rows]
        if release_it:
            release(loaders)
        del rows, loaders
        return refs

    gc.disable()  # only reference counting: what waits for the collector stays
    try:
        kept = asyncio.run(one_request(release_it=False))
        assert any(r() is not None for r in kept)  # the cycle keeps them, as before the fix
        gc.collect()
        released = asyncio.run(one_request(release_it=True))
        assert [r() for r in released] == [None] * 5
    finally:
        gc.enable()


def test_released_loaders_still_load() -> None:
    async def run() -> tuple[int, int]:
        loaders = Loaders()
        first = await loaders.period.load(7)
        release(loaders)
        again = await loaders.period.load(7)  # a new batch and a fresh cache
        return first.key, again.key

    assert asyncio.run(run()) == (7, 7)
