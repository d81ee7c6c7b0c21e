"""Unit of work: one transaction that holds a state change and the events reporting it."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction

from .contracts.base import EventType, P
from .db import database_unavailable
from .events import CloudEvent
from .outbox import enqueue, enqueue_many


class UnitOfWork:
    """``async with runtime.unit_of_work() as uow:`` - commit on success, roll back on error.

    Events added with :meth:`emit` are outbox rows of the same transaction, so a
    change is never visible without its event nor an event published without its
    change.
    """

    def __init__(self, pool: asyncpg.Pool, topic: str, source: str) -> None:
        self._pool = pool
        self._topic = topic
        self._source = source
        self._conn: PoolConnectionProxy[Any] | None = None
        self._tx: Transaction | None = None
        self.events: list[CloudEvent] = []

    @property
    def conn(self) -> asyncpg.Connection:
        assert self._conn is not None, "unit of work used outside 'async with'"
        return self._conn

    @classmethod
    def joining(cls, conn: asyncpg.Connection, topic: str, source: str) -> UnitOfWork:
        """A unit of work inside a transaction someone else owns (an event handler's inbox
        transaction): its events commit or roll back with that transaction. Not for ``async with``."""
        uow = cls.__new__(cls)
        uow._pool = None
        uow._topic = topic
        uow._source = source
        uow._conn = conn
        uow._tx = None
        uow.events = []
        return uow

    async def __aenter__(self) -> UnitOfWork:
        self._conn = await self._pool.acquire()
        self._tx = self._conn.transaction()
        await self._tx.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._conn is not None and self._tx is not None
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

    async def emit(self, type_: EventType[P], subject: str, data: P) -> CloudEvent:
        """Adds the event ``type_`` about ``subject`` (the aggregate id, also the Kafka key)."""
        event = CloudEvent(type=type_.name, source=self._source, subject=subject, data=dict(data))
        await enqueue(self.conn, self._topic, event)
        self.events.append(event)
        return event

    async def emit_many(self, type_: EventType[P], items: Sequence[tuple[str, P]]) -> None:
        """Adds one event of ``type_`` per ``(subject, data)``, in one round trip (bulk imports)."""
        events = [CloudEvent(type=type_.name, source=self._source, subject=s, data=dict(d)) for s, d in items]
        await enqueue_many(self.conn, self._topic, events)
        self.events.extend(events)
