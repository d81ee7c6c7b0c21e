"""SQL for organisations (organisationer): KF, KS, nämnder, bolag, förvaltningar, enheter."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import Organization, OrganizationKind
from .rows import grouped


def _org(row: asyncpg.Record) -> Organization:
    return Organization(row["id"], row["code"], row["name"], OrganizationKind(row["kind"]), row["parent_id"])


class SqlOrganizations:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Organization]:
        rows = await self._conn.fetch(
            "SELECT id, code, name, kind, parent_id FROM organizations WHERE id = ANY($1)", list(ids)
        )
        return {r["id"]: _org(r) for r in rows}

    async def by_code(self, code: str) -> Organization | None:
        row = await self._conn.fetchrow(
            "SELECT id, code, name, kind, parent_id FROM organizations WHERE code = $1", code
        )
        return _org(row) if row else None

    async def of_kind(self, kind: OrganizationKind | None) -> list[Organization]:
        rows = await self._conn.fetch(
            "SELECT id, code, name, kind, parent_id FROM organizations WHERE $1::text IS NULL OR kind = $1 "
            "ORDER BY code",
            kind.value if kind else None,
        )
        return [_org(r) for r in rows]

    async def children_of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Organization]]:
        rows = await self._conn.fetch(
            "SELECT id, code, name, kind, parent_id FROM organizations WHERE parent_id = ANY($1) ORDER BY code",
            list(ids),
        )
        return grouped((r["parent_id"], _org(r)) for r in rows)

    async def add(self, org: Organization) -> bool:
        """Insert; False when the code is taken."""
        status = await self._conn.execute(
            "INSERT INTO organizations (id, code, name, kind, parent_id) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (code) DO NOTHING",
            org.id,
            org.code,
            org.name,
            org.kind.value,
            org.parent_id,
        )
        return status.endswith(" 1")
