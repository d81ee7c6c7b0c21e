"""Unit of work: one transaction that holds a state change and the events reporting it.

:class:`UnitOfWork` implements what use cases and event handlers see (``vsm_common.ports.UnitOfWorkPort``
and a service's own port): the service's repositories (a service's subclass adds them), ``today()`` and
``emit``. :class:`SqlUnitOfWork` is the
PostgreSQL one, whose events are outbox rows of the same transaction; tests use
``vsm_common.testing.MemoryUnitOfWork``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from types import TracebackType
from typing import Any, Self

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction

from .clock import today as clock_today
from .contracts.base import EventType, P
from .db import database_unavailable
from .events import CloudEvent
from .outbox import enqueue, enqueue_many


class UnitOfWork:
    """``async with uow:`` - commit on success, roll back on error; storage-agnostic.

    A change is never visible without its event nor an event published without its change: the
    events added with :meth:`emit` are stored by :meth:`_enqueue` in the same transaction.
    """

    def __init__(self, topic: str, source: str, today: Callable[[], date] = clock_today) -> None:
        self._topic = topic
        self._source = source
        self._today = today
        self.events: list[CloudEvent] = []

    @property
    def topic(self) -> str:
        """The Kafka topic of this service's events."""
        return self._topic

    @property
    def source(self) -> str:
        """The CloudEvents ``source`` of this service's events."""
        return self._source

    def today(self) -> date:
        """The municipality's today (``vsm_common.clock``); a fixed day in tests."""
        return self._today()

    async def emit(self, type_: EventType[P], subject: str, data: P) -> CloudEvent:
        """Adds the event ``type_`` about ``subject`` (the aggregate id, also the Kafka key)."""
        event = CloudEvent(type=type_.name, source=self._source, subject=subject, data=dict(data))
        await self._enqueue([event])
        self.events.append(event)
        return event

    async def emit_many(self, type_: EventType[P], items: Sequence[tuple[str, P]]) -> None:
        """Adds one event of ``type_`` per ``(subject, data)``, in one round trip (bulk imports)."""
        events = [CloudEvent(type=type_.name, source=self._source, subject=s, data=dict(d)) for s, d in items]
        await self._enqueue(events)
        self.events.extend(events)

    async def _enqueue(self, events: Sequence[CloudEvent]) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        raise NotImplementedError

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        raise NotImplementedError


class SqlUnitOfWork(UnitOfWork):
    """``async with runtime.unit_of_work() as uow:`` - one PostgreSQL transaction; events go to the outbox.

    A service's subclass builds its repositories on the transaction's connection in :meth:`_bind`.
    """

    def __init__(self, pool: asyncpg.Pool, topic: str, source: str, today: Callable[[], date] = clock_today) -> None:
        super().__init__(topic, source, today)
        self._pool: asyncpg.Pool | None = pool
        self._conn: PoolConnectionProxy[Any] | asyncpg.Connection | None = None
        self._tx: Transaction | None = None
        self._joined = False

    @property
    def conn(self) -> asyncpg.Connection:
        """The transaction's connection, for the service's repositories (adapters) only."""
        assert self._conn is not None, "unit of work used outside 'async with'"
        return self._conn

    def _bind(self, conn: asyncpg.Connection) -> None:
        """Hook: a service's subclass builds its repositories on ``conn`` here."""

    @classmethod
    def joining(
        cls, conn: asyncpg.Connection, topic: str, source: str, today: Callable[[], date] = clock_today
    ) -> Self:
        """A unit of work inside a transaction someone else owns (an event handler's inbox
        transaction): its events commit or roll back with that transaction, and ``async with`` on
        it neither begins nor ends one."""
        uow = cls.__new__(cls)
        UnitOfWork.__init__(uow, topic, source, today)
        uow._pool = None
        uow._conn = conn
        uow._tx = None
        uow._joined = True
        uow._bind(conn)
        return uow

    async def __aenter__(self) -> Self:
        if self._joined:
            return self
        assert self._pool is not None
        self._conn = await self._pool.acquire()
        self._tx = self._conn.transaction()
        await self._tx.start()
        self._bind(self._conn)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._joined:
            return
        assert self._conn is not None and self._tx is not None and self._pool is not None
        try:
            if exc_type is None:
                await self._tx.commit()
            else:
                try:
                    await self._tx.rollback()
                except Exception as rollback_failed:
                    # The connection died with the transaction (e.g. a database restart): the
                    # server rolled it back, and the caller must see the first error, not this one.
                    if not database_unavailable(rollback_failed):
                        raise
        finally:
            conn, self._conn = self._conn, None
            try:
                await self._pool.release(conn)
            except Exception as release_failed:
                # asyncpg terminated the connection already; what happened to the work (committed
                # or not) is decided above, so a failed release must not change the answer.
                if not database_unavailable(release_failed):
                    raise

    async def _enqueue(self, events: Sequence[CloudEvent]) -> None:
        if len(events) == 1:
            await enqueue(self.conn, self._topic, events[0])
        else:
            await enqueue_many(self.conn, self._topic, list(events))
