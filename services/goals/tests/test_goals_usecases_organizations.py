"""Use case of organisations on the in-memory unit of work: registering one (registrera organisation)."""

from __future__ import annotations

import uuid

import pytest
from goals_fakes import BUN, KF, municipality

from vsm_common import contracts
from vsm_common.errors import Conflict, NotFound
from vsm_goals.domain.model import OrganizationKind
from vsm_goals.service.organizations import register_organization


async def test_a_registered_organisation_is_stored_and_announced() -> None:
    uow = municipality()

    org = await register_organization(uow, " kfn ", "Kultur- och fritidsnämnden", OrganizationKind.COMMITTEE, KF.id)

    assert org.code == "KFN"
    assert await uow.organizations.by_code("KFN") == org
    assert uow.committed
    [event] = uow.published
    assert event.type == contracts.goals.ORGANIZATION_REGISTERED.name
    assert event.subject == str(org.id)
    assert event.data["code"] == "KFN" and event.data["parentId"] == str(KF.id)


async def test_a_taken_code_is_refused_and_nothing_is_announced() -> None:
    uow = municipality()

    with pytest.raises(Conflict) as refused:
        await register_organization(uow, "BUN", "En annan nämnd", OrganizationKind.COMMITTEE, KF.id)

    assert refused.value.rule == "organization.code_unique"
    assert refused.value.key == "code"
    assert uow.rolled_back and not uow.published
    assert (await uow.organizations.by_code("BUN")) == BUN


async def test_an_unknown_parent_is_refused() -> None:
    uow = municipality()

    with pytest.raises(NotFound) as refused:
        await register_organization(uow, "X", "X", OrganizationKind.COMMITTEE, uuid.uuid4())

    assert refused.value.rule == "organization.exists"
    assert not uow.published
