"""The asyncpg pool of a service, confined to the service's own schema, with bounded waits.

asyncpg waits 60 s for a connection, for ever for a free pooled connection and for ever for a
statement by default: with the database stopped, overloaded or unreachable a request would
hang instead of failing. Every wait here has a bound, and :func:`database_unavailable` tells
such a failure from an error of the request itself, so the API can answer it with a clear
``SERVICE_UNAVAILABLE`` and background loops can retry it.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from asyncpg.pool import PoolAcquireContext

# Bounds in seconds: opening a connection, waiting for a pooled one, one statement (the longest
# statements, a 10,000-row upsert or a disposal run, take a few seconds).
CONNECT_TIMEOUT_S = 10.0
ACQUIRE_TIMEOUT_S = 15.0
COMMAND_TIMEOUT_S = 60.0

# Exceptions meaning "the database cannot be reached or is going away right now", not "this
# statement is wrong": a refused or reset connection, a server shutting down or starting up,
# a connection lost mid-statement, no connection slot, and the timeouts above.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,  # includes ConnectionDoesNotExistError ("closed in the middle")
    asyncpg.CannotConnectNowError,  # "the database system is starting up / shutting down"
    asyncpg.AdminShutdownError,  # "terminating connection due to administrator command"
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    # "cannot switch to state N; another operation is in progress": the protocol of a connection
    # the server terminated mid-operation; the connection is unusable, the statement was fine.
    asyncpg.InternalClientError,
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is unreachable or going away, rather than refusing a statement.

    The causes count too: when the server terminates a connection in the middle of an operation
    asyncpg may raise an ``InternalClientError`` ("cannot switch to state ...") caused by the
    ``AdminShutdownError`` that says what really happened.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _unavailable(current):
            return True
        if not isinstance(current, asyncpg.InternalClientError | asyncpg.InterfaceError):
            return False  # a statement's own error stays one, whatever it was raised during
        current = current.__cause__ or current.__context__
    return False


def _unavailable(exc: BaseException) -> bool:
    if isinstance(exc, _UNAVAILABLE):
        return True
    # asyncpg raises a bare InterfaceError for a connection closed under it ("connection is
    # closed", "pool is closing"); its DataError subclass is a bad argument, not an outage.
    return isinstance(exc, asyncpg.InterfaceError) and not isinstance(exc, asyncpg.DataError) and "clos" in str(exc)


class BoundedPool(asyncpg.Pool):
    """An asyncpg pool whose ``acquire()`` gives up after ``acquire_timeout`` seconds unless told otherwise.

    Code acquires with ``pool.acquire()`` everywhere; the bound belongs to the pool, not to every
    caller. The timeout covers waiting for a free connection and opening a new one.
    """

    def __init__(self, *args: Any, acquire_timeout: float | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout

    def acquire(self, *, timeout: float | None = None) -> PoolAcquireContext:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


async def create_pool(
    dsn: str,
    schema: str,
    *,
    min_size: int = 2,
    max_size: int = 10,
    connect_timeout: float = CONNECT_TIMEOUT_S,
    acquire_timeout: float | None = ACQUIRE_TIMEOUT_S,
    command_timeout: float | None = COMMAND_TIMEOUT_S,
) -> asyncpg.Pool:
    """Open a pool whose connections see only ``schema`` (plus ``public`` for extensions).

    Each service owns one schema; setting ``search_path`` per connection keeps the
    SQL of the service unqualified and the schemas of other services out of reach
    by accident.

    Nothing waits unboundedly: opening a connection gives up after ``connect_timeout``,
    ``acquire()`` after ``acquire_timeout`` and every statement after ``command_timeout`` seconds
    (asyncpg cancels it on the server; ``None`` turns a bound off). Connections the server closed
    (a restart) are replaced on the next acquire, so the pool recovers without a restart.
    """
    pool = BoundedPool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        loop=None,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
        acquire_timeout=acquire_timeout,
        timeout=connect_timeout,
        command_timeout=command_timeout,
        server_settings={"search_path": f"{schema},public", "application_name": f"vsm-{schema}"},
    )
    await pool
    return pool
