"""Which consumer failures are retried and for how long (vsm_common.failures)."""

from __future__ import annotations

import asyncpg
from aiokafka.errors import KafkaConnectionError, RecordTooLargeError

from vsm_common.db import database_unavailable
from vsm_common.errors import DomainError, NotFound
from vsm_common.events import MalformedEvent
from vsm_common.failures import FailureKind, NotYetApplicable, RetryPolicy, classify


def test_infrastructure_away_is_retried_without_limit() -> None:
    policy = RetryPolicy()
    away = (ConnectionRefusedError(), asyncpg.CannotConnectNowError("up"), KafkaConnectionError(), TimeoutError())
    for exc in away:
        failure = classify(exc)
        assert failure.kind is FailureKind.UNAVAILABLE, exc
        assert not policy.gives_up(failure, 10_000)


def test_the_consumers_and_the_api_agree_on_what_a_database_outage_is() -> None:
    # A connection closed under a handler is an outage; a bad argument (DataError, an InterfaceError
    # too) is the event's own fault and must be dead-lettered, not retried for ever.
    closed = asyncpg.InterfaceError("connection is closed")
    assert classify(closed).kind is FailureKind.UNAVAILABLE
    assert database_unavailable(closed)
    bad_argument = asyncpg.DataError("invalid input for query argument $1: 'x' (expected uuid)")
    assert classify(bad_argument).kind is FailureKind.PERMANENT
    assert not database_unavailable(bad_argument)
    lost = asyncpg.InternalClientError("cannot switch to state 15; another operation (2) is in progress")
    assert classify(lost).kind is FailureKind.UNAVAILABLE and database_unavailable(lost)


def test_contention_is_retried_a_bounded_number_of_times() -> None:
    policy = RetryPolicy(contention_attempts=5)
    for exc in (NotYetApplicable("goal 1 not projected yet"), asyncpg.DeadlockDetectedError("deadlock detected")):
        failure = classify(exc)
        assert failure.kind is FailureKind.CONTENTION and failure.transient
        assert not policy.gives_up(failure, 4)
        assert policy.gives_up(failure, 5)
    assert classify(NotYetApplicable("x")).reason == "not_yet_applicable"


def test_the_events_own_faults_are_permanent_with_the_rule() -> None:
    refused = classify(NotFound("no goal 7", field="goalIds", rule="goal.exists"))
    assert (refused.kind, refused.reason, refused.rule) == (FailureKind.PERMANENT, "refused", "goal.exists")
    assert classify(MalformedEvent("not JSON")).reason == "malformed"
    assert classify(KeyError("goalId")).reason == "handler_failed"
    assert classify(RecordTooLargeError()).kind is FailureKind.PERMANENT
    assert classify(DomainError("x", rule="r")).kind is FailureKind.PERMANENT
    assert RetryPolicy().gives_up(refused, 1)


def test_backoff_doubles_up_to_its_cap() -> None:
    policy = RetryPolicy(first_delay_s=0.1, max_delay_s=1.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5, 9)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
