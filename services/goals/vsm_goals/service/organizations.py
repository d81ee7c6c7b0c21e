"""Use cases of organisations (organisationer): registering KF, KS, a nämnd, bolag, förvaltning or enhet."""

from __future__ import annotations

import uuid

from vsm_common import contracts
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
