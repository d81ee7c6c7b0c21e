"""Unit tests of the per-request DataLoaders: the period of a fulfilment comes from the period loader."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import pytest

from vsm_followup import queries
from vsm_followup.api.loaders import Loaders
from vsm_followup.domain.model import Fulfilment, PeriodKind, ReportingPeriod, unassessed
from vsm_followup.settings import FollowupSettings

PERIOD = ReportingPeriod(
    uuid.uuid4(), 2026, PeriodKind.INTERIM, "Delår 2026", date(2026, 1, 1), date(2026, 8, 31), closed=False
)


class FakePool:
    def __init__(self) -> None:
        self.acquired = 0

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[object]:
        self.acquired += 1
        yield object()


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the loaders ask of the database, in order, with the period and tree loads faked."""
    log: list[str] = []

    async def periods_by_ids(conn: Any, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ReportingPeriod]:
        log.append("periods")
        return {PERIOD.id: PERIOD} if PERIOD.id in ids else {}

    async def fulfilments(
        conn: Any, roots: Sequence[uuid.UUID], period: ReportingPeriod | None, settings: Any, as_of: Any = None
    ) -> dict[uuid.UUID, Fulfilment]:
        log.append(f"tree of {len(roots)} in {period.label if period else None}")
        return {r: unassessed(r, period.id if period else None, 0) for r in roots}

    monkeypatch.setattr(queries, "periods_by_ids", periods_by_ids)
    monkeypatch.setattr(queries, "fulfilments", fulfilments)
    return log


def loaders(pool: FakePool) -> Loaders:
    return Loaders(pool, FollowupSettings())  # type: ignore[arg-type]


async def test_a_fulfilment_of_a_period_already_loaded_costs_only_the_tree_load(statements: list[str]) -> None:
    pool = FakePool()
    ls = loaders(pool)
    assert await ls.period.load(PERIOD.id) == PERIOD  # as period_key does for the periodId argument
    goals = [uuid.uuid4() for _ in range(3)]
    found = await ls.fulfilment.load_many([(g, PERIOD.id, None) for g in goals])
    assert [f.goal_id for f in found] == goals
    assert all(f.period_id == PERIOD.id for f in found)
    assert statements == ["periods", "tree of 3 in Delår 2026"]
    assert pool.acquired == 2


async def test_a_fulfilment_loads_its_period_once_when_nothing_asked_for_it_before(statements: list[str]) -> None:
    ls = loaders(FakePool())
    goals = [uuid.uuid4() for _ in range(2)]
    await ls.fulfilment.load_many([(g, PERIOD.id, None) for g in goals])
    await ls.fulfilment.load((uuid.uuid4(), PERIOD.id, None))
    assert statements == ["periods", "tree of 2 in Delår 2026", "tree of 1 in Delår 2026"]


async def test_an_unknown_period_is_not_found_without_a_tree_load(statements: list[str]) -> None:
    ls = loaders(FakePool())
    unknown = uuid.uuid4()
    with pytest.raises(Exception, match=f"no reporting period {unknown}"):
        await ls.fulfilment.load((uuid.uuid4(), unknown, None))
    assert statements == ["periods"]
