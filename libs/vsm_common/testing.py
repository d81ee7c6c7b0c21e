"""Test support for use-case unit tests: a unit of work in memory (imported by tests only).

In the style of cosmicpython's ``FakeUnitOfWork``: a service's fake unit of work subclasses
:class:`MemoryUnitOfWork` and adds its in-memory repositories; a test calls a use case with it and
asserts on the repositories, on :attr:`MemoryUnitOfWork.committed` and on the events emitted.
Every emitted payload is checked against the event's JSON Schema, so each use-case test is a
contract test too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .auth import AuthSettings, TokenVerifier
from .contracts import by_name, schemas
from .events import CloudEvent
from .uow import UnitOfWork

# A fixed day far from the dates tests write, so "today" never hides a date rule.
FIXED_TODAY = date(2026, 6, 15)

# The identity provider of the token-handling tests: a key pair of their own and a verifier trusting it.
TEST_ISSUER, TEST_AUDIENCE, TEST_KID = "https://idp.example/", "vsm", "k1"


def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def trusting_verifier(key: rsa.RSAPrivateKey, directory: Path, **settings: Any) -> TokenVerifier:
    """A verifier of TEST_ISSUER's tokens for TEST_AUDIENCE signed with ``key`` (its JWKS written to
    ``directory``); ``settings`` are further AuthSettings fields, e.g. ``max_token_bytes``."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    path = directory / "jwks.json"
    path.write_text(json.dumps({"keys": [{**jwk, "kid": TEST_KID, "use": "sig", "alg": "RS256"}]}))
    return TokenVerifier(AuthSettings(str(path), None, TEST_ISSUER, TEST_AUDIENCE, **settings))


class MemoryUnitOfWork(UnitOfWork):
    """A unit of work without storage: events are kept in :attr:`events` and checked against their
    JSON Schema; :attr:`committed` and :attr:`rolled_back` say how the last ``async with`` ended.

    Events of a unit that rolled back stay in :attr:`events` (a test can see what was attempted)
    but :attr:`published` holds only the committed ones, as the outbox would.
    """

    def __init__(self, topic: str = "vsm.test.events", source: str = "/vsm/test", today: date = FIXED_TODAY) -> None:
        super().__init__(topic, source, lambda: today)
        self.committed = False
        self.rolled_back = False
        self.published: list[CloudEvent] = []
        self._pending: list[CloudEvent] = []
        self._depth = 0

    async def _enqueue(self, events: Sequence[CloudEvent]) -> None:
        for event in events:
            event_type = by_name(event.type)
            assert event_type is not None, f"{event.type} is not in vsm_common.contracts"
            problems = schemas.errors(event_type, event.data)
            assert not problems, f"{event.type} does not match its JSON Schema: {problems}"
        self._pending.extend(events)

    async def __aenter__(self) -> Self:
        # Use cases nest units (a handler's use case inside the inbox transaction): only the
        # outermost decides.
        self._depth += 1
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        if self._depth:
            return
        if exc_type is None:
            self.committed, self.rolled_back = True, False
            self.published.extend(self._pending)
        else:
            self.committed, self.rolled_back = False, True
        self._pending = []
