"""Which failures of an event handler are worth retrying, and which are the event's own fault.

A consumer retries a transient failure in place (the partition waits, so order is kept) and
dead-letters only a permanent one. Two kinds of transient failure differ in how long they are
worth waiting for:

- the infrastructure is away (the database or the broker): retried for as long as it takes,
  with a bounded delay, because every following event would fail the same way;
- the event came too early or collided (a referenced row not yet projected, a serialization
  failure, a deadlock): retried a bounded number of times, then dead-lettered as
  ``retries_exhausted`` so that one stuck event cannot hold a partition for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import asyncpg
from aiokafka.errors import KafkaError

from .db import database_unavailable
from .errors import DomainError
from .events import MalformedEvent


class NotYetApplicable(Exception):
    """A handler cannot apply the event yet (e.g. a row it refers to has not been projected).

    Raise it to have the consumer retry the event after a backoff instead of dead-lettering it.
    """


class FailureKind(StrEnum):
    UNAVAILABLE = "unavailable"  # database or broker away: retry without limit
    CONTENTION = "contention"  # too early or collided: retry a bounded number of times
    PERMANENT = "permanent"  # the event itself cannot be applied: dead-letter now


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    reason: str  # stable id for the dead-letter header and logs
    detail: str  # what happened, without event data (no personal data)
    rule: str | None = None  # the domain rule that refused, when there is one

    @property
    def transient(self) -> bool:
        return self.kind is not FailureKind.PERMANENT


_CONTENTION: tuple[type[BaseException], ...] = (
    NotYetApplicable,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
    asyncpg.LockNotAvailableError,
    asyncpg.QueryCanceledError,  # statement or lock timeout
)


def classify(exc: BaseException) -> Failure:
    """What kind of failure ``exc`` is; anything not known to be transient is permanent."""
    name = type(exc).__name__
    if isinstance(exc, _CONTENTION):
        reason = "not_yet_applicable" if isinstance(exc, NotYetApplicable) else name
        return Failure(FailureKind.CONTENTION, reason, str(exc))
    if isinstance(exc, KafkaError):
        kind = FailureKind.UNAVAILABLE if exc.retriable or _is_connection_error(exc) else FailureKind.PERMANENT
        return Failure(kind, name, str(exc))
    # One answer to "is the database away?" for the API and the consumers (vsm_common.db): an
    # InterfaceError about a bad argument must not be retried for ever as an outage.
    if database_unavailable(exc):
        return Failure(FailureKind.UNAVAILABLE, name, str(exc))
    if isinstance(exc, MalformedEvent):
        return Failure(FailureKind.PERMANENT, "malformed", str(exc))
    if isinstance(exc, DomainError):
        return Failure(FailureKind.PERMANENT, "refused", exc.message, exc.rule)
    return Failure(FailureKind.PERMANENT, "handler_failed", f"{name}: {exc}")


def _is_connection_error(exc: KafkaError) -> bool:
    from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError

    return isinstance(exc, KafkaConnectionError | KafkaTimeoutError | NodeNotReadyError)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with a cap; contention gives up after ``contention_attempts``."""

    first_delay_s: float = 0.1
    max_delay_s: float = 5.0
    contention_attempts: int = 12  # about 30 s in all with the defaults

    def delay(self, attempt: int) -> float:
        """The wait before retry number ``attempt`` (1 for the first retry)."""
        return min(self.first_delay_s * 2 ** (attempt - 1), self.max_delay_s)

    def gives_up(self, failure: Failure, attempt: int) -> bool:
        if failure.kind is FailureKind.PERMANENT:
            return True
        return failure.kind is FailureKind.CONTENTION and attempt >= self.contention_attempts
