"""Use cases of organisations (organisationer): registering KF, KS, a nämnd, bolag, förvaltning or enhet."""

from __future__ import annotations

import uuid

from vsm_common import contracts
from vsm_common.errors import Conflict, NotFound
from vsm_common.runtime import Runtime

from ..adapters import repository as repo
from ..domain import events, rules
from ..domain.model import Organization, OrganizationKind


async def register_organization(
    rt: Runtime,
    code: str,
    name: str,
    kind: OrganizationKind,
    parent_id: uuid.UUID | None,
    org_id: uuid.UUID | None = None,
) -> Organization:
    async with rt.unit_of_work() as uow:
        parent = None
        if parent_id is not None:
            parent = (await repo.organizations_by_ids(uow.conn, [parent_id])).get(parent_id)
            if parent is None:
                raise NotFound(f"no organisation {parent_id}", field="input.parentId", rule="organization.exists")
        code, name = rules.check_organization(code, name, kind, parent)
        org = Organization(org_id or uuid.uuid4(), code, name, kind, parent_id)
        if not await repo.insert_organization(uow.conn, org):
            raise Conflict(
                f"an organisation with code {code} exists", field="input.code", rule="organization.code_unique"
            )
        await uow.emit(contracts.goals.ORGANIZATION_REGISTERED, str(org.id), events.organization_registered(org))
    return org
