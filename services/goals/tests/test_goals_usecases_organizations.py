"""Use cases of organisations on the in-memory unit of work: registering one (registrera organisation), and
who the caller is (inloggad användare)."""

from __future__ import annotations

import uuid

import pytest
from goals_fakes import BUN, CENTRUM, KF, municipality

from vsm_common import contracts
from vsm_common.auth import Principal
from vsm_common.errors import Conflict, NotFound
from vsm_goals.domain.model import OrganizationKind
from vsm_goals.service.organizations import Viewer, register_organization, viewer


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


async def test_the_viewer_is_the_tokens_subject_roles_and_the_organisation_its_code_names() -> None:
    uow = municipality()

    committee = await viewer(uow, Principal("dev-committee", frozenset({"committee", "reader"}), "BUN"))
    manager = await viewer(uow, Principal("chef-1", frozenset({"manager"}), "BUF-CENTRUM"))

    assert committee == Viewer("dev-committee", ("committee", "reader"), BUN)
    assert manager.organization == CENTRUM
    assert not uow.published


@pytest.mark.parametrize("code", [None, "", "NOPE", "bun"])
async def test_a_viewer_whose_token_names_no_registered_organisation_has_none(code: str | None) -> None:
    # "bun" is not BUN: the row rules compare the code exactly, so the viewer's organisation must too.
    found = await viewer(municipality(), Principal("emp-7", frozenset({"employee"}), code))

    assert found == Viewer("emp-7", ("employee",), None)
