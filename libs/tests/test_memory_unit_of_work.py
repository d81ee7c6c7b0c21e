"""The in-memory unit of work that use-case unit tests build their fakes on."""

from __future__ import annotations

import uuid

import pytest

from vsm_common.contracts import goals
from vsm_common.testing import FIXED_TODAY, MemoryUnitOfWork


def organization(code: str) -> goals.OrganizationRegistered:
    return goals.OrganizationRegistered(
        organizationId=str(uuid.uuid4()),
        code=code,
        name="Barn- och utbildningsnämnden",
        kind="COMMITTEE",
        parentId=None,
    )


async def test_events_are_published_only_when_the_unit_commits() -> None:
    uow = MemoryUnitOfWork()
    with pytest.raises(RuntimeError):
        async with uow:
            await uow.emit(goals.ORGANIZATION_REGISTERED, "a", organization("BUN"))
            raise RuntimeError("the use case failed")
    assert (uow.committed, uow.rolled_back, uow.published) == (False, True, [])
    async with uow:
        async with uow:  # a nested unit (a use case inside a handler's) does not decide
            await uow.emit(goals.ORGANIZATION_REGISTERED, "b", organization("SBN"))
        assert not uow.committed
    assert uow.committed and [e.subject for e in uow.published] == ["b"]
    assert uow.today() == FIXED_TODAY


async def test_a_payload_against_its_json_schema_fails_the_test() -> None:
    uow = MemoryUnitOfWork()
    bad = organization("BUN")
    bad["organizationId"] = "not-a-uuid"
    with pytest.raises(AssertionError, match="does not match its JSON Schema"):
        async with uow:
            await uow.emit(goals.ORGANIZATION_REGISTERED, "a", bad)
