"""What a directive revision says: recipients (mottagare), budget frames (budgetramar), konkretiserade mål and
särskilda uppdrag; and the sammanställning's reads of adopted directives."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg

from ..domain.model import (
    Assignment,
    AssignmentState,
    BudgetFrame,
    DirectiveContent,
)
from .rows import Ids, group_ids


class SqlDirectiveContent:
    """The content of directive revisions."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def recipients_of(self, directive_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await self._conn.fetch(
            "SELECT directive_id, organization_id FROM directive_recipients WHERE directive_id = ANY($1) "
            "ORDER BY directive_id, position, organization_id",
            list(directive_ids),
        )
        return group_ids(rows, "directive_id", "organization_id")

    async def frames_of(self, directive_ids: Ids) -> dict[uuid.UUID, list[BudgetFrame]]:
        rows = await self._conn.fetch(
            """SELECT f.directive_id, f.organization_id, f.year, f.amount FROM budget_frames f
               LEFT JOIN directive_recipients r
                 ON r.directive_id = f.directive_id AND r.organization_id = f.organization_id
               WHERE f.directive_id = ANY($1) ORDER BY f.directive_id, r.position, f.organization_id, f.year""",
            list(directive_ids),
        )
        out: dict[uuid.UUID, list[BudgetFrame]] = {}
        for r in rows:
            out.setdefault(r["directive_id"], []).append(BudgetFrame(r["organization_id"], r["year"], r["amount"]))
        return out

    async def goals_of(self, directive_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await self._conn.fetch(
            "SELECT directive_id, goal_id FROM directive_goals WHERE directive_id = ANY($1) "
            "ORDER BY directive_id, position, goal_id",
            list(directive_ids),
        )
        return group_ids(rows, "directive_id", "goal_id")

    async def assignments_of(self, directive_ids: Ids) -> dict[uuid.UUID, list[Assignment]]:
        rows = await self._conn.fetch(
            """SELECT a.directive_id, a.id, a.title, a.description, a.due_on, a.state,
                      ARRAY(SELECT organization_id FROM assignment_recipients r
                            WHERE r.directive_id = a.directive_id AND r.assignment_id = a.id
                            ORDER BY r.position) AS orgs
               FROM assignments a WHERE a.directive_id = ANY($1) ORDER BY a.directive_id, a.position""",
            list(directive_ids),
        )
        out: dict[uuid.UUID, list[Assignment]] = {}
        for r in rows:
            out.setdefault(r["directive_id"], []).append(
                Assignment(
                    r["id"], r["title"], r["description"], tuple(r["orgs"]), r["due_on"], AssignmentState(r["state"])
                )
            )
        return out

    async def content_of(self, directive_id: uuid.UUID) -> DirectiveContent:
        ids = [directive_id]
        return DirectiveContent(
            recipient_ids=tuple((await self.recipients_of(ids)).get(directive_id, [])),
            frames=tuple((await self.frames_of(ids)).get(directive_id, [])),
            concrete_goal_ids=tuple((await self.goals_of(ids)).get(directive_id, [])),
            assignments=tuple((await self.assignments_of(ids)).get(directive_id, [])),
        )

    async def insert_recipients(self, directive_id: uuid.UUID, org_ids: Ids) -> None:
        await self._conn.executemany(
            "INSERT INTO directive_recipients (directive_id, organization_id, position) VALUES ($1, $2, $3)",
            [(directive_id, o, i) for i, o in enumerate(org_ids)],
        )

    async def replace_recipients(self, directive_id: uuid.UUID, recipient_ids: Ids, removed_ids: Ids) -> None:
        """New recipients in the order given; the removed ones' frames go and they leave every assignment."""
        await self._conn.execute("DELETE FROM directive_recipients WHERE directive_id = $1", directive_id)
        await self.insert_recipients(directive_id, recipient_ids)
        await self._conn.execute(
            "DELETE FROM budget_frames WHERE directive_id = $1 AND organization_id = ANY($2)",
            directive_id,
            list(removed_ids),
        )
        await self._conn.execute(
            "DELETE FROM assignment_recipients WHERE directive_id = $1 AND organization_id = ANY($2)",
            directive_id,
            list(removed_ids),
        )

    async def upsert_frames(self, directive_id: uuid.UUID, frames: Sequence[BudgetFrame]) -> None:
        await self._conn.executemany(
            """INSERT INTO budget_frames (directive_id, organization_id, year, amount) VALUES ($1, $2, $3, $4)
               ON CONFLICT (directive_id, organization_id, year) DO UPDATE SET amount = EXCLUDED.amount""",
            [(directive_id, f.organization_id, f.year, f.amount) for f in frames],
        )

    async def add_goals(self, directive_id: uuid.UUID, goal_ids: Ids) -> list[uuid.UUID]:
        """Add goals not yet in the directive; returns those added."""
        start = await self._conn.fetchval(
            "SELECT COALESCE(max(position) + 1, 0) FROM directive_goals WHERE directive_id = $1", directive_id
        )
        added: list[uuid.UUID] = []
        for gid in goal_ids:
            if await self._conn.fetchval(
                """INSERT INTO directive_goals (directive_id, goal_id, position) VALUES ($1, $2, $3)
                   ON CONFLICT DO NOTHING RETURNING true""",
                directive_id,
                gid,
                start + len(added),
            ):
                added.append(gid)
        return added

    async def add_assignment(self, directive_id: uuid.UUID, a: Assignment) -> None:
        position = await self._conn.fetchval(
            "SELECT COALESCE(max(position) + 1, 0) FROM assignments WHERE directive_id = $1", directive_id
        )
        await self._conn.execute(
            """INSERT INTO assignments (directive_id, id, position, title, description, due_on, state)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            directive_id,
            a.id,
            position,
            a.title,
            a.description,
            a.due_on,
            a.state.value,
        )
        await self._conn.executemany(
            "INSERT INTO assignment_recipients (directive_id, assignment_id, organization_id, position) "
            "VALUES ($1, $2, $3, $4)",
            [(directive_id, a.id, o, i) for i, o in enumerate(a.recipient_ids)],
        )

    async def copy(self, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
        """Copy recipients, frames, goals and assignments (with their ids) to a new revision."""
        await self._conn.execute(
            """INSERT INTO directive_recipients (directive_id, organization_id, position)
               SELECT $2, organization_id, position FROM directive_recipients WHERE directive_id = $1""",
            from_id,
            to_id,
        )
        await self._conn.execute(
            """INSERT INTO budget_frames (directive_id, organization_id, year, amount)
               SELECT $2, organization_id, year, amount FROM budget_frames WHERE directive_id = $1""",
            from_id,
            to_id,
        )
        await self._conn.execute(
            """INSERT INTO directive_goals (directive_id, goal_id, position)
               SELECT $2, goal_id, position FROM directive_goals WHERE directive_id = $1""",
            from_id,
            to_id,
        )
        await self._conn.execute(
            """INSERT INTO assignments (directive_id, id, position, title, description, due_on, state)
               SELECT $2, id, position, title, description, due_on, state FROM assignments WHERE directive_id = $1""",
            from_id,
            to_id,
        )
        await self._conn.execute(
            """INSERT INTO assignment_recipients (directive_id, assignment_id, organization_id, position)
               SELECT $2, assignment_id, organization_id, position FROM assignment_recipients
               WHERE directive_id = $1""",
            from_id,
            to_id,
        )

    async def set_assignment_state(self, assignment_id: uuid.UUID, state: AssignmentState) -> None:
        """Progress is not a decision: it is recorded on the revision in force and on a pending draft alike,
        never on superseded history."""
        await self._conn.execute(
            """UPDATE assignments a SET state = $2 FROM directives d
               WHERE d.id = a.directive_id AND a.id = $1 AND d.state <> 'SUPERSEDED'""",
            assignment_id,
            state.value,
        )

    async def frames_in_force(
        self, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], list[tuple[uuid.UUID, BudgetFrame]]]:
        """Per (cycle, organisation): (directive, frame) of the adopted directive of the cycle addressed to it."""
        rows = await self._conn.fetch(
            """SELECT d.cycle_id, f.directive_id, f.organization_id, f.year, f.amount
               FROM unnest($1::uuid[], $2::uuid[]) AS k(cycle_id, organization_id)
               JOIN directives d ON d.cycle_id = k.cycle_id AND d.state = 'ADOPTED'
               JOIN budget_frames f ON f.directive_id = d.id AND f.organization_id = k.organization_id
               ORDER BY f.year""",
            [k[0] for k in keys],
            [k[1] for k in keys],
        )
        out: dict[tuple[uuid.UUID, uuid.UUID], list[tuple[uuid.UUID, BudgetFrame]]] = {}
        for r in rows:
            out.setdefault((r["cycle_id"], r["organization_id"]), []).append(
                (r["directive_id"], BudgetFrame(r["organization_id"], r["year"], r["amount"]))
            )
        return out

    async def frames_of_organizations_for_year(
        self, org_ids: Ids, year: int
    ) -> dict[uuid.UUID, list[tuple[uuid.UUID, BudgetFrame]]]:
        """Per organisation: (directive, frame) for ``year`` from every adopted directive, newest budget year first."""
        rows = await self._conn.fetch(
            """SELECT f.directive_id, f.organization_id, f.year, f.amount FROM budget_frames f
               JOIN directives d ON d.id = f.directive_id
               WHERE f.organization_id = ANY($1) AND f.year = $2 AND d.state = 'ADOPTED'
               ORDER BY d.budget_year DESC, d.kind DESC""",
            list(org_ids),
            year,
        )
        out: dict[uuid.UUID, list[tuple[uuid.UUID, BudgetFrame]]] = {}
        for r in rows:
            out.setdefault(r["organization_id"], []).append(
                (r["directive_id"], BudgetFrame(r["organization_id"], r["year"], r["amount"]))
            )
        return out

    async def adopted_recipients(self, cycle_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self._conn.fetch(
            """SELECT r.organization_id FROM directives d JOIN directive_recipients r ON r.directive_id = d.id
               WHERE d.cycle_id = $1 AND d.state = 'ADOPTED' ORDER BY d.kind DESC, r.position""",
            cycle_id,
        )
        return [r["organization_id"] for r in rows]

    async def concrete_goal_recipients(self, cycle_id: uuid.UUID) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Each concrete goal of the cycle's adopted directives → the directive recipients it is directed to."""
        rows = await self._conn.fetch(
            """SELECT g.goal_id, r.organization_id FROM directives d
               JOIN directive_goals g ON g.directive_id = d.id
               JOIN directive_recipients r ON r.directive_id = d.id
               JOIN projected_goal_organizations o ON o.goal_id = g.goal_id AND o.organization_id = r.organization_id
               WHERE d.cycle_id = $1 AND d.state = 'ADOPTED'
               ORDER BY d.kind DESC, g.position, r.position""",
            cycle_id,
        )
        out: dict[uuid.UUID, list[uuid.UUID]] = {}
        for r in rows:
            out.setdefault(r["goal_id"], []).append(r["organization_id"])
        return out
