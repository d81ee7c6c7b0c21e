"""Per-request context of the followup subgraph."""

from __future__ import annotations

import asyncio
from typing import cast

from fastapi import Request
from strawberry.fastapi import BaseContext

from vsm_common.auth import Principal, principal_of
from vsm_common.runtime import Runtime

from .. import queries
from ..domain.model import ReportingPeriod
from ..ports import FollowupUnitOfWork
from ..settings import FollowupSettings, get_settings
from .loaders import Loaders


class FollowupContext(BaseContext):
    def __init__(self, runtime: Runtime, settings: FollowupSettings, principal: Principal) -> None:
        super().__init__()
        self.runtime = runtime
        self.principal = principal
        self.settings = settings
        self.loaders = Loaders(runtime.pool, settings)
        self._default_period: asyncio.Task[ReportingPeriod | None] | None = None
        self._labelled: dict[str, asyncio.Task[ReportingPeriod | None]] = {}

    def uow(self) -> FollowupUnitOfWork:
        """A unit of work for one use case (``wiring.py`` makes the runtime's a ``SqlFollowupUnitOfWork``)."""
        return cast(FollowupUnitOfWork, self.runtime.unit_of_work())

    def default_period(self) -> asyncio.Task[ReportingPeriod | None]:
        """The latest open period, looked up once per request however many goals ask for it at once."""
        if self._default_period is None:
            self._default_period = asyncio.ensure_future(self._latest_open_period())
        return self._default_period

    async def _latest_open_period(self) -> ReportingPeriod | None:
        async with self.runtime.pool.acquire() as conn:
            found = await queries.latest_open_period(conn)
        if found is not None:
            self.loaders.period.prime(found.id, found)  # the fulfilment loader then needs no statement for it
        return found

    def period_labelled(self, label: str) -> asyncio.Task[ReportingPeriod | None]:
        """The period with this label, looked up once per request however many goals ask for it at once."""
        key = label.strip().lower()
        if key not in self._labelled:
            self._labelled[key] = asyncio.ensure_future(self._period_labelled(label))
        return self._labelled[key]

    async def _period_labelled(self, label: str) -> ReportingPeriod | None:
        async with self.runtime.pool.acquire() as conn:
            found = await queries.period_by_label(conn, label)
        if found is not None:
            self.loaders.period.prime(found.id, found)
        return found


async def make_context(runtime: Runtime, request: Request) -> FollowupContext:
    return FollowupContext(runtime, get_settings(), principal_of(request))
