"""Organisations (organisationer): KF, KS, nämnder, bolag, förvaltningar and enheter."""

from __future__ import annotations

import uuid

import strawberry

from vsm_common import descriptions, scopes

from ..domain import model
from .common import GInfo
from .enums import OrganizationKind


@strawberry.federation.type(requires_scopes=scopes.ALL, keys=["id"], description=descriptions.ORGANIZATION)
class Organization:
    id: strawberry.ID = strawberry.field(description="Id of the organisation.")
    code: str = strawberry.field(description='Stable, unique code, e.g. "KF", "KS", "BUN".')
    name: str = strawberry.field(description="Name (namn).")
    kind: OrganizationKind = strawberry.field(description="Kind of organisation (organisationstyp).")
    parent_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, org: model.Organization) -> Organization:
        return cls(id=strawberry.ID(str(org.id)), code=org.code, name=org.name, kind=org.kind, parent_id=org.parent_id)

    @strawberry.field(description="The organisation above this one (överordnad organisation).")
    async def parent(self, info: GInfo) -> Organization | None:
        if self.parent_id is None:
            return None
        org = await info.context.loaders.organization.load(self.parent_id)
        return Organization.from_domain(org) if org else None

    @strawberry.field(description="The organisations directly under this one (underordnade organisationer).")
    async def children(self, info: GInfo) -> list[Organization]:
        orgs = await info.context.loaders.org_children.load(uuid.UUID(self.id))
        return [Organization.from_domain(o) for o in orgs]

    @classmethod
    async def resolve_reference(cls, info: GInfo, id: strawberry.ID) -> Organization | None:
        try:
            key = uuid.UUID(id)
        except ValueError:
            return None
        org = await info.context.loaders.organization.load(key)
        return Organization.from_domain(org) if org else None


@strawberry.input(description="A new organisation.")
class OrganizationInput:
    code: str = strawberry.field(description="Unique code, e.g. BUN.")
    name: str = strawberry.field(description="Name (namn).")
    kind: OrganizationKind = strawberry.field(description="Kind of organisation (organisationstyp).")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The organisation above this one (överordnad organisation)."
    )
