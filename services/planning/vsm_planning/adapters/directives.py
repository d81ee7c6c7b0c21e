"""Directives (planeringsdirektiv, ägardirektiv): their revisions and the facts read across them."""

from __future__ import annotations

import uuid
from decimal import Decimal

import asyncpg

from ..domain.model import (
    Directive,
    DirectiveKind,
    DirectiveState,
)
from .rows import Ids, decision_of

# Lists put the planeringsdirektiv (PLANNING_DIRECTIVE) before the ägardirektiv: "d.kind DESC".
_DIRECTIVE = """d.id, d.lineage_id, d.cycle_id, d.kind, d.budget_year, d.title, d.state, d.revision, d.supersedes_id,
    d.tax_rate, d.decision_body_id, d.decision_date, d.decision_paragraph, d.decision_diary_number"""


def _directive(r: asyncpg.Record) -> Directive:
    return Directive(
        id=r["id"],
        lineage_id=r["lineage_id"],
        cycle_id=r["cycle_id"],
        kind=DirectiveKind(r["kind"]),
        budget_year=r["budget_year"],
        title=r["title"],
        state=DirectiveState(r["state"]),
        revision=r["revision"],
        supersedes_id=r["supersedes_id"],
        tax_rate=r["tax_rate"],
        adopted=decision_of(r),
    )


class SqlDirectives:
    """Directive revisions; a lineage is locked as a whole, so revisions are made one at a time."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, d: Directive) -> bool:
        """Insert; False when the cycle already has a directive of this kind (revision 1 only: later
        revisions are made under the lineage's lock)."""
        inserted = await self._conn.fetchval(
            """INSERT INTO directives (id, lineage_id, cycle_id, kind, budget_year, title, state, revision,
                                       supersedes_id, tax_rate)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               ON CONFLICT (cycle_id, kind) WHERE revision = 1 DO NOTHING RETURNING true""",
            d.id,
            d.lineage_id,
            d.cycle_id,
            d.kind.value,
            d.budget_year,
            d.title,
            d.state.value,
            d.revision,
            d.supersedes_id,
            d.tax_rate,
        )
        return bool(inserted)

    async def save(self, d: Directive) -> None:
        a = d.adopted
        await self._conn.execute(
            """UPDATE directives SET state = $2, tax_rate = $3, decision_body_id = $4, decision_date = $5,
                   decision_paragraph = $6, decision_diary_number = $7,
                   adopted_at = CASE WHEN $2 = 'ADOPTED' AND adopted_at IS NULL THEN now() ELSE adopted_at END
               WHERE id = $1""",
            d.id,
            d.state.value,
            d.tax_rate,
            a.body_id if a else None,
            a.date if a else None,
            a.paragraph if a else None,
            a.diary_number if a else None,
        )

    async def exists_for(self, cycle_id: uuid.UUID, kind: DirectiveKind) -> Directive | None:
        row = await self._conn.fetchrow(
            f"SELECT {_DIRECTIVE} FROM directives d WHERE d.cycle_id = $1 AND d.kind = $2 AND d.revision = 1",
            cycle_id,
            kind.value,
        )
        return _directive(row) if row else None

    async def by_ids(self, ids: Ids) -> dict[uuid.UUID, Directive]:
        rows = await self._conn.fetch(f"SELECT {_DIRECTIVE} FROM directives d WHERE d.id = ANY($1)", list(ids))
        return {r["id"]: _directive(r) for r in rows}

    async def lock(self, directive_id: uuid.UUID) -> Directive | None:
        """Lock the directive and every revision of its lineage, so revisions are created one at a time."""
        row = await self._conn.fetchrow("SELECT lineage_id FROM directives WHERE id = $1", directive_id)
        if row is None:
            return None
        await self._conn.execute(
            "SELECT id FROM directives WHERE lineage_id = $1 ORDER BY revision FOR UPDATE", row["lineage_id"]
        )
        found = await self.by_ids([directive_id])
        return found.get(directive_id)

    async def lineage_revision(self, lineage_id: uuid.UUID, state: DirectiveState) -> Directive | None:
        row = await self._conn.fetchrow(
            f"SELECT {_DIRECTIVE} FROM directives d WHERE d.lineage_id = $1 AND d.state = $2", lineage_id, state.value
        )
        return _directive(row) if row else None

    async def revisions_of_lineages(self, lineage_ids: Ids) -> dict[uuid.UUID, list[Directive]]:
        rows = await self._conn.fetch(
            f"SELECT {_DIRECTIVE} FROM directives d WHERE d.lineage_id = ANY($1) ORDER BY d.lineage_id, d.revision",
            list(lineage_ids),
        )
        out: dict[uuid.UUID, list[Directive]] = {}
        for r in rows:
            out.setdefault(r["lineage_id"], []).append(_directive(r))
        return out

    async def superseding(self, ids: Ids) -> dict[uuid.UUID, Directive]:
        """The revision that replaced each directive (adopted or draft), if any."""
        rows = await self._conn.fetch(
            f"SELECT {_DIRECTIVE} FROM directives d WHERE d.supersedes_id = ANY($1)", list(ids)
        )
        return {r["supersedes_id"]: _directive(r) for r in rows}

    async def listed(
        self, budget_year: int | None, state: DirectiveState | None, kind: DirectiveKind | None
    ) -> list[Directive]:
        rows = await self._conn.fetch(
            f"""SELECT {_DIRECTIVE} FROM directives d
                WHERE ($1::int IS NULL OR d.budget_year = $1) AND ($2::text IS NULL OR d.state = $2)
                  AND ($3::text IS NULL OR d.kind = $3)
                ORDER BY d.budget_year, d.kind DESC, d.revision""",
            budget_year,
            state.value if state else None,
            kind.value if kind else None,
        )
        return [_directive(r) for r in rows]

    async def of_cycles(self, cycle_ids: Ids) -> dict[uuid.UUID, list[Directive]]:
        rows = await self._conn.fetch(
            f"SELECT {_DIRECTIVE} FROM directives d WHERE d.cycle_id = ANY($1) "
            "ORDER BY d.cycle_id, d.kind DESC, d.revision",
            list(cycle_ids),
        )
        out: dict[uuid.UUID, list[Directive]] = {}
        for r in rows:
            out.setdefault(r["cycle_id"], []).append(_directive(r))
        return out

    async def of_organizations(self, org_ids: Ids, budget_year: int | None) -> dict[uuid.UUID, list[Directive]]:
        rows = await self._conn.fetch(
            f"""SELECT r.organization_id, {_DIRECTIVE} FROM directive_recipients r
                JOIN directives d ON d.id = r.directive_id
                WHERE r.organization_id = ANY($1) AND ($2::int IS NULL OR d.budget_year = $2)
                ORDER BY d.budget_year, d.kind DESC, d.revision""",
            list(org_ids),
            budget_year,
        )
        out: dict[uuid.UUID, list[Directive]] = {}
        for r in rows:
            out.setdefault(r["organization_id"], []).append(_directive(r))
        return out

    async def establishing(self, goal_ids: Ids) -> dict[uuid.UUID, Directive]:
        """The directive whose adoption established each goal: the first adopted revision that held it.

        Later revisions and later budget years may repeat the goal; the goal was adopted once, by the first.
        """
        # A revision whose goals the goals service refused established none of them (all or nothing).
        rows = await self._conn.fetch(
            f"""SELECT DISTINCT ON (g.goal_id) g.goal_id, {_DIRECTIVE} FROM directive_goals g
                JOIN directives d ON d.id = g.directive_id
                LEFT JOIN goal_establishments e ON e.subject_id = d.id
                WHERE g.goal_id = ANY($1) AND d.state IN ('ADOPTED', 'SUPERSEDED')
                  AND e.state IS DISTINCT FROM 'REFUSED'
                ORDER BY g.goal_id, d.adopted_at, d.decision_date, d.seq""",
            list(goal_ids),
        )
        return {r["goal_id"]: _directive(r) for r in rows}

    async def in_force_with_assignment(self, assignment_id: uuid.UUID) -> Directive | None:
        """The newest revision holding the assignment (adopted, or a draft revision of an adopted one)."""
        row = await self._conn.fetchrow(
            f"""SELECT {_DIRECTIVE} FROM assignments a JOIN directives d ON d.id = a.directive_id
                WHERE a.id = $1 ORDER BY (d.state = 'ADOPTED') DESC, d.revision DESC LIMIT 1""",
            assignment_id,
        )
        return _directive(row) if row else None

    async def has_adopted(self, cycle_id: uuid.UUID) -> bool:
        return bool(
            await self._conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM directives WHERE cycle_id = $1 AND state = 'ADOPTED')", cycle_id
            )
        )

    async def tax_rates_of_cycles(self, cycle_ids: Ids) -> dict[uuid.UUID, Decimal]:
        rows = await self._conn.fetch(
            """SELECT cycle_id, tax_rate FROM directives
               WHERE cycle_id = ANY($1) AND state = 'ADOPTED' AND kind = 'PLANNING_DIRECTIVE'
                 AND tax_rate IS NOT NULL""",
            list(cycle_ids),
        )
        return {r["cycle_id"]: r["tax_rate"] for r in rows}

    async def receives_adopted(self, cycle_id: uuid.UUID, org_id: uuid.UUID) -> bool:
        return bool(
            await self._conn.fetchval(
                """SELECT EXISTS (SELECT 1 FROM directives d JOIN directive_recipients r ON r.directive_id = d.id
                                  WHERE d.cycle_id = $1 AND d.state = 'ADOPTED' AND r.organization_id = $2)""",
                cycle_id,
                org_id,
            )
        )
