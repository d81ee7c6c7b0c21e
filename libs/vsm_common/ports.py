"""The unit of work as use cases and event handlers see it (port), whatever stores it.

A service's own port (``vsm_<service>/ports.py``) adds its repositories to this; ``vsm_common.uow``
implements it on PostgreSQL and ``vsm_common.testing.MemoryUnitOfWork`` in memory. Pure: no I/O here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import TracebackType
from typing import Protocol, Self

from .contracts.base import EventType, P


class UnitOfWorkPort(Protocol):
    """One transaction: commit on success, roll back on error; the day; the events it publishes."""

    def today(self) -> date:
        """The municipality's today (one clock for every service)."""
        ...

    async def emit(self, type_: EventType[P], subject: str, data: P) -> object:
        """Adds the event ``type_`` about ``subject`` (the aggregate id), published only if the work commits."""
        ...

    async def emit_many(self, type_: EventType[P], items: Sequence[tuple[str, P]]) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
