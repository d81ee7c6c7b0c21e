"""Use cases of organisations (organisationer): registering KF, KS, a nämnd, bolag, förvaltning or enhet, and
who the caller is (inloggad användare) with the organisation its token speaks for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from vsm_common import contracts
from vsm_common.auth import Principal
from vsm_common.errors import Conflict, NotFound

from ..domain import rules
from ..domain.model import Organization, OrganizationKind
from ..ports import GoalsUnitOfWork
from . import events


async def register_organization(
    uow: GoalsUnitOfWork,
    code: str,
    name: str,
    kind: OrganizationKind,
    parent_id: uuid.UUID | None,
    org_id: uuid.UUID | None = None,
) -> Organization:
    async with uow:
        parent = None
        if parent_id is not None:
            parent = (await uow.organizations.by_ids([parent_id])).get(parent_id)
            if parent is None:
                raise NotFound(f"no organisation {parent_id}", key="parent_id", rule="organization.exists")
        code, name = rules.check_organization(code, name, kind, parent)
        org = Organization(org_id or uuid.uuid4(), code, name, kind, parent_id)
        if not await uow.organizations.add(org):
            raise Conflict(f"an organisation with code {code} exists", key="code", rule="organization.code_unique")
        await uow.emit(contracts.goals.ORGANIZATION_REGISTERED, str(org.id), events.organization_registered(org))
    return org


@dataclass(frozen=True, slots=True)
class Viewer:
    """The caller (inloggad användare): the token's subject and roles, and the organisation its ``vsm_org`` names."""

    subject: str
    roles: tuple[str, ...]
    organization: Organization | None


async def viewer(uow: GoalsUnitOfWork, principal: Principal) -> Viewer:
    """Who the verified caller is. The organisation is looked up by the exact code the row rules compare
    (``vsm_common.access.RowScope``), so it is the one the services treat as the caller's own; a code no
    organisation has, or none, is no organisation (null), not an error: the token is valid all the same."""
    organization = None
    if principal.organization:
        async with uow:
            organization = await uow.organizations.by_code(principal.organization)
    return Viewer(principal.subject, tuple(sorted(principal.roles)), organization)
