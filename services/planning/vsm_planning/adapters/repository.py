"""SQL of the planning service. Batch reads take lists of ids (DataLoaders)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import asyncpg

from ..domain.model import (
    AnalysisSection,
    AnalysisSectionKind,
    Assignment,
    AssignmentState,
    BudgetFrame,
    BudgetLine,
    CycleKind,
    Decision,
    Directive,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    EstablishedBy,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalLevel,
    GoalLink,
    GoalRefusal,
    GoalState,
    KnownGoal,
    KnownOrganization,
    OperationalPlan,
    OrganizationKind,
    Phase,
    PhaseKind,
    PhaseState,
    PlanningCycle,
    PlanState,
)

Ids = Sequence[uuid.UUID]


def _group(rows: Sequence[asyncpg.Record], key: str, value: str) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r[value])
    return out


def _decision(r: asyncpg.Record) -> Decision | None:
    if r["decision_body_id"] is None:
        return None
    return Decision(r["decision_body_id"], r["decision_date"], r["decision_paragraph"], r["decision_diary_number"])


# ---------------------------------------------------------------- projection of the goals service
async def upsert_known_organization(
    conn: asyncpg.Connection, org_id: uuid.UUID, code: str, name: str, kind: str, parent_id: uuid.UUID | None
) -> None:
    await conn.execute(
        """INSERT INTO projected_organizations (id, code, name, kind, parent_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET code = $2, name = $3, kind = $4, parent_id = $5, updated_at = now()""",
        org_id,
        code,
        name,
        kind,
        parent_id,
    )


# Goals only move forward (DRAFT → ADOPTED → RETIRED); a state is never lowered, whatever order
# the events arrive in.
_STATE_RANK = "array_position(ARRAY['DRAFT','ADOPTED','RETIRED'], {})"


async def project_goal_state(
    conn: asyncpg.Connection,
    goal_id: uuid.UUID,
    state: GoalState,
    level: str | None = None,
    *,
    adopted_on: date | None = None,
    retired_on: date | None = None,
) -> None:
    """Raise the goal's state; a goal is adopted and retired once, so the first date learned of each stays."""
    await conn.execute(
        f"""INSERT INTO projected_goals (id, level, state, adopted_on, retired_on) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET
                level = COALESCE(projected_goals.level, EXCLUDED.level),
                state = CASE WHEN {_STATE_RANK.format("EXCLUDED.state")} > {_STATE_RANK.format("projected_goals.state")}
                             THEN EXCLUDED.state ELSE projected_goals.state END,
                adopted_on = COALESCE(projected_goals.adopted_on, EXCLUDED.adopted_on),
                retired_on = COALESCE(projected_goals.retired_on, EXCLUDED.retired_on),
                updated_at = now()""",
        goal_id,
        level,
        state.value,
        adopted_on,
        retired_on,
    )


async def goal_state(conn: asyncpg.Connection, goal_id: uuid.UUID) -> GoalState | None:
    found = await conn.fetchval("SELECT state FROM projected_goals WHERE id = $1", goal_id)
    return GoalState(found) if found else None


async def project_goal_content(
    conn: asyncpg.Connection,
    goal_id: uuid.UUID,
    revision: int,
    *,
    level: str | None,
    title: str,
    valid_from: date | None,
    valid_to: date | None,
    organization_ids: Sequence[uuid.UUID],
) -> bool:
    """Apply a goal's content of ``revision`` unless a newer revision is already applied; True if applied."""
    await conn.execute("INSERT INTO projected_goals (id) VALUES ($1) ON CONFLICT DO NOTHING", goal_id)
    applied = await conn.fetchval(
        """UPDATE projected_goals SET level = COALESCE($3, level), title = $4, valid_from = $5, valid_to = $6,
               content_revision = $2, updated_at = now()
           WHERE id = $1 AND content_revision < $2 RETURNING true""",
        goal_id,
        revision,
        level,
        title,
        valid_from,
        valid_to,
    )
    if applied:
        await conn.execute("DELETE FROM projected_goal_organizations WHERE goal_id = $1", goal_id)
        await conn.executemany(
            "INSERT INTO projected_goal_organizations (goal_id, organization_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            [(goal_id, o) for o in organization_ids],
        )
    return bool(applied)


async def add_goal_links(
    conn: asyncpg.Connection, child_id: uuid.UUID, parent_ids: Ids, effective_from: date | None = None
) -> None:
    """Open a link period from ``effective_from`` unless the link is open, or a period with that start is
    already recorded (a replayed link must not reopen a link that has since ended)."""
    await conn.executemany(
        """INSERT INTO projected_goal_links (child_id, parent_id, effective_from)
           SELECT $1, $2, $3::date WHERE NOT EXISTS (
               SELECT 1 FROM projected_goal_links WHERE child_id = $1 AND parent_id = $2
                 AND (effective_to IS NULL OR effective_from IS NOT DISTINCT FROM $3::date))
           ON CONFLICT (child_id, parent_id) WHERE effective_to IS NULL DO NOTHING""",
        [(child_id, p, effective_from) for p in parent_ids],
    )


async def end_goal_link(
    conn: asyncpg.Connection, child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None
) -> None:
    """End the open period on ``effective_to`` (exclusive); without a date the link never took effect (a
    draft's) and is removed. No open period (a replay): nothing to do."""
    if effective_to is None:
        await conn.execute(
            "DELETE FROM projected_goal_links WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL",
            child_id,
            parent_id,
        )
    else:
        await conn.execute(
            """UPDATE projected_goal_links SET effective_to = $3
               WHERE child_id = $1 AND parent_id = $2 AND effective_to IS NULL""",
            child_id,
            parent_id,
            effective_to,
        )


async def links_of_goals(conn: asyncpg.Connection, child_ids: Ids) -> dict[uuid.UUID, list[GoalLink]]:
    """Per child goal: every period of its links upward, ended and decided for later ones included."""
    rows = await conn.fetch(
        """SELECT child_id, parent_id, effective_from, effective_to FROM projected_goal_links
           WHERE child_id = ANY($1) ORDER BY child_id, parent_id, effective_from NULLS FIRST""",
        list(child_ids),
    )
    out: dict[uuid.UUID, list[GoalLink]] = {}
    for r in rows:
        out.setdefault(r["child_id"], []).append(
            GoalLink(r["child_id"], r["parent_id"], r["effective_from"], r["effective_to"])
        )
    return out


async def known_organizations(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, KnownOrganization]:
    rows = await conn.fetch(
        "SELECT id, code, name, kind, parent_id FROM projected_organizations WHERE id = ANY($1)", list(ids)
    )
    return {
        r["id"]: KnownOrganization(r["id"], r["code"], r["name"], OrganizationKind(r["kind"]), r["parent_id"])
        for r in rows
    }


async def first_organization_of_kind(
    conn: asyncpg.Connection, kinds: Sequence[OrganizationKind]
) -> dict[str, uuid.UUID]:
    rows = await conn.fetch(
        "SELECT DISTINCT ON (kind) kind, id FROM projected_organizations WHERE kind = ANY($1) ORDER BY kind, code",
        [k.value for k in kinds],
    )
    return {r["kind"]: r["id"] for r in rows}


async def known_goals(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, KnownGoal]:
    rows = await conn.fetch(
        """SELECT g.id, g.level, g.state, g.title, g.valid_from, g.valid_to, g.adopted_on, g.retired_on,
                  ARRAY(SELECT organization_id FROM projected_goal_organizations o WHERE o.goal_id = g.id
                        ORDER BY organization_id) AS orgs,
                  ARRAY(SELECT parent_id FROM projected_goal_links l WHERE l.child_id = g.id
                        AND l.effective_to IS NULL ORDER BY parent_id) AS parents
           FROM projected_goals g WHERE g.id = ANY($1)""",
        list(ids),
    )
    return {
        r["id"]: KnownGoal(
            r["id"],
            GoalLevel(r["level"]) if r["level"] else None,
            GoalState(r["state"]),
            r["title"],
            tuple(r["orgs"]),
            tuple(r["parents"]),
            r["valid_from"],
            r["valid_to"],
            r["adopted_on"],
            r["retired_on"],
        )
        for r in rows
    }


# ---------------------------------------------------------------- goal establishment (the sagas' answers)
async def request_goal_establishment(
    conn: asyncpg.Connection, subject_id: uuid.UUID, kind: EstablishedBy, state: GoalEstablishmentState
) -> None:
    """Record that an adoption asked the goals service for its goals (with the adoption, so never late)."""
    await conn.execute(
        """INSERT INTO goal_establishments (subject_id, kind, state, answered_at)
           VALUES ($1, $2, $3, CASE WHEN $3 = 'PENDING' THEN NULL ELSE now() END)
           ON CONFLICT (subject_id) DO NOTHING""",
        subject_id,
        kind.value,
        state.value,
    )


async def record_goal_establishment(
    conn: asyncpg.Connection,
    subject_id: uuid.UUID,
    kind: EstablishedBy,
    state: GoalEstablishmentState,
    refusals: Sequence[GoalRefusal],
) -> None:
    """Store the goals service's answer; a later answer (a replayed adoption) replaces an earlier one."""
    await conn.execute(
        """INSERT INTO goal_establishments (subject_id, kind, state, answered_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (subject_id) DO UPDATE SET state = EXCLUDED.state, answered_at = now()""",
        subject_id,
        kind.value,
        state.value,
    )
    await conn.execute("DELETE FROM goal_refusals WHERE subject_id = $1", subject_id)
    await conn.executemany(
        "INSERT INTO goal_refusals (subject_id, position, goal_id, rule, message) VALUES ($1, $2, $3, $4, $5)",
        [(subject_id, i, r.goal_id, r.rule, r.message) for i, r in enumerate(refusals)],
    )


async def goal_establishments(conn: asyncpg.Connection, subject_ids: Ids) -> dict[uuid.UUID, GoalEstablishment]:
    rows = await conn.fetch(
        "SELECT subject_id, kind, state, answered_at FROM goal_establishments WHERE subject_id = ANY($1)",
        list(subject_ids),
    )
    refused = await conn.fetch(
        """SELECT subject_id, goal_id, rule, message FROM goal_refusals WHERE subject_id = ANY($1)
           ORDER BY subject_id, position""",
        [r["subject_id"] for r in rows if r["state"] == GoalEstablishmentState.REFUSED.value],
    )
    refusals: dict[uuid.UUID, list[GoalRefusal]] = {}
    for r in refused:
        refusals.setdefault(r["subject_id"], []).append(GoalRefusal(r["goal_id"], r["rule"], r["message"]))
    return {
        r["subject_id"]: GoalEstablishment(
            r["subject_id"],
            EstablishedBy(r["kind"]),
            GoalEstablishmentState(r["state"]),
            tuple(refusals.get(r["subject_id"], [])),
            r["answered_at"],
        )
        for r in rows
    }


# ---------------------------------------------------------------- cycles
_CYCLE = "id, kind, start_year, end_year, title"


async def _with_phases(conn: asyncpg.Connection, rows: Sequence[asyncpg.Record]) -> list[PlanningCycle]:
    phase_rows = await conn.fetch(
        "SELECT * FROM cycle_phases WHERE cycle_id = ANY($1) ORDER BY cycle_id, position", [r["id"] for r in rows]
    )
    phases: dict[uuid.UUID, list[Phase]] = {}
    for p in phase_rows:
        phases.setdefault(p["cycle_id"], []).append(
            Phase(
                PhaseKind(p["kind"]),
                PhaseState(p["state"]),
                p["opens_on"],
                p["due_on"],
                p["responsible_id"],
                p["completed_on"],
            )
        )
    return [
        PlanningCycle(
            r["id"], CycleKind(r["kind"]), r["start_year"], r["end_year"], r["title"], tuple(phases.get(r["id"], []))
        )
        for r in rows
    ]


async def insert_cycle(conn: asyncpg.Connection, cycle: PlanningCycle) -> bool:
    """Insert with its phases; False when a cycle of that kind and start year exists."""
    inserted = await conn.fetchval(
        """INSERT INTO planning_cycles (id, kind, start_year, end_year, title) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING RETURNING true""",
        cycle.id,
        cycle.kind.value,
        cycle.start_year,
        cycle.end_year,
        cycle.title,
    )
    if not inserted:
        return False
    await conn.executemany(
        """INSERT INTO cycle_phases (cycle_id, position, kind, state, opens_on, due_on, responsible_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        [
            (cycle.id, i, p.kind.value, p.state.value, p.opens_on, p.due_on, p.responsible_id)
            for i, p in enumerate(cycle.phases)
        ],
    )
    return True


async def save_phase(conn: asyncpg.Connection, cycle_id: uuid.UUID, phase: Phase) -> None:
    await conn.execute(
        """UPDATE cycle_phases SET state = $3, opens_on = $4, due_on = $5, responsible_id = $6, completed_on = $7
           WHERE cycle_id = $1 AND kind = $2""",
        cycle_id,
        phase.kind.value,
        phase.state.value,
        phase.opens_on,
        phase.due_on,
        phase.responsible_id,
        phase.completed_on,
    )


async def save_phases(conn: asyncpg.Connection, cycle_id: uuid.UUID, phases: Sequence[Phase]) -> None:
    # DONE first, so the one-open-phase index never sees two open phases mid-statement.
    for phase in sorted(phases, key=lambda p: p.state is PhaseState.OPEN):
        await save_phase(conn, cycle_id, phase)


async def cycles_by_ids(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, PlanningCycle]:
    rows = await conn.fetch(f"SELECT {_CYCLE} FROM planning_cycles WHERE id = ANY($1)", list(ids))
    return {c.id: c for c in await _with_phases(conn, rows)}


async def lock_cycle(conn: asyncpg.Connection, cycle_id: uuid.UUID, *, share: bool = False) -> PlanningCycle | None:
    """Lock the cycle: exclusively to change its phases, shared to work within its current phase (the
    phase cannot move on under a change it allowed, while changes in one phase run side by side)."""
    mode = "SHARE" if share else "UPDATE"
    rows = await conn.fetch(f"SELECT {_CYCLE} FROM planning_cycles WHERE id = $1 FOR {mode}", cycle_id)
    found = await _with_phases(conn, rows)
    return found[0] if found else None


async def list_cycles(conn: asyncpg.Connection, kind: CycleKind | None) -> list[PlanningCycle]:
    rows = await conn.fetch(
        f"SELECT {_CYCLE} FROM planning_cycles WHERE $1::text IS NULL OR kind = $1 ORDER BY kind, start_year",
        kind.value if kind else None,
    )
    return await _with_phases(conn, rows)


def _section(r: asyncpg.Record) -> AnalysisSection:
    return AnalysisSection(AnalysisSectionKind(r["kind"]), r["text"], r["version"], r["updated_at"])


async def write_section(
    conn: asyncpg.Connection, cycle_id: uuid.UUID, kind: AnalysisSectionKind, text: str
) -> AnalysisSection | None:
    """Store a section's text; None when it already says exactly that (nothing changed)."""
    row = await conn.fetchrow(
        """INSERT INTO analysis_sections (cycle_id, kind, text) VALUES ($1, $2, $3)
           ON CONFLICT (cycle_id, kind) DO UPDATE SET text = $3, version = analysis_sections.version + 1,
               updated_at = now()
           WHERE analysis_sections.text IS DISTINCT FROM $3
           RETURNING kind, text, version, updated_at""",
        cycle_id,
        kind.value,
        text,
    )
    return _section(row) if row else None


async def sections_of_cycles(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, list[AnalysisSection]]:
    rows = await conn.fetch(
        """SELECT cycle_id, kind, text, version, updated_at FROM analysis_sections WHERE cycle_id = ANY($1)
           ORDER BY cycle_id, array_position(ARRAY['EXTERNAL_ANALYSIS','INTERNAL_ANALYSIS','BASE_FACTS'], kind)""",
        list(ids),
    )
    out: dict[uuid.UUID, list[AnalysisSection]] = {}
    for r in rows:
        out.setdefault(r["cycle_id"], []).append(_section(r))
    return out


# ---------------------------------------------------------------- directives
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
        adopted=_decision(r),
    )


async def insert_directive(conn: asyncpg.Connection, d: Directive) -> bool:
    """Insert; False when the cycle already has a directive of this kind (revision 1 only: later
    revisions are made under the lineage's lock)."""
    inserted = await conn.fetchval(
        """INSERT INTO directives (id, lineage_id, cycle_id, kind, budget_year, title, state, revision, supersedes_id,
                                   tax_rate)
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


async def save_directive(conn: asyncpg.Connection, d: Directive) -> None:
    a = d.adopted
    await conn.execute(
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


async def directive_exists_for(conn: asyncpg.Connection, cycle_id: uuid.UUID, kind: DirectiveKind) -> Directive | None:
    row = await conn.fetchrow(
        f"SELECT {_DIRECTIVE} FROM directives d WHERE d.cycle_id = $1 AND d.kind = $2 AND d.revision = 1",
        cycle_id,
        kind.value,
    )
    return _directive(row) if row else None


async def directives_by_ids(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, Directive]:
    rows = await conn.fetch(f"SELECT {_DIRECTIVE} FROM directives d WHERE d.id = ANY($1)", list(ids))
    return {r["id"]: _directive(r) for r in rows}


async def lock_directive(conn: asyncpg.Connection, directive_id: uuid.UUID) -> Directive | None:
    """Lock the directive and every revision of its lineage, so revisions are created one at a time."""
    row = await conn.fetchrow("SELECT lineage_id FROM directives WHERE id = $1", directive_id)
    if row is None:
        return None
    await conn.execute(
        "SELECT id FROM directives WHERE lineage_id = $1 ORDER BY revision FOR UPDATE", row["lineage_id"]
    )
    found = await directives_by_ids(conn, [directive_id])
    return found.get(directive_id)


async def lineage_revision(conn: asyncpg.Connection, lineage_id: uuid.UUID, state: DirectiveState) -> Directive | None:
    row = await conn.fetchrow(
        f"SELECT {_DIRECTIVE} FROM directives d WHERE d.lineage_id = $1 AND d.state = $2", lineage_id, state.value
    )
    return _directive(row) if row else None


async def revisions_of_lineages(conn: asyncpg.Connection, lineage_ids: Ids) -> dict[uuid.UUID, list[Directive]]:
    rows = await conn.fetch(
        f"SELECT {_DIRECTIVE} FROM directives d WHERE d.lineage_id = ANY($1) ORDER BY d.lineage_id, d.revision",
        list(lineage_ids),
    )
    out: dict[uuid.UUID, list[Directive]] = {}
    for r in rows:
        out.setdefault(r["lineage_id"], []).append(_directive(r))
    return out


async def superseding(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, Directive]:
    """The revision that replaced each directive (adopted or draft), if any."""
    rows = await conn.fetch(f"SELECT {_DIRECTIVE} FROM directives d WHERE d.supersedes_id = ANY($1)", list(ids))
    return {r["supersedes_id"]: _directive(r) for r in rows}


async def list_directives(
    conn: asyncpg.Connection, budget_year: int | None, state: DirectiveState | None, kind: DirectiveKind | None
) -> list[Directive]:
    rows = await conn.fetch(
        f"""SELECT {_DIRECTIVE} FROM directives d
            WHERE ($1::int IS NULL OR d.budget_year = $1) AND ($2::text IS NULL OR d.state = $2)
              AND ($3::text IS NULL OR d.kind = $3)
            ORDER BY d.budget_year, d.kind DESC, d.revision""",
        budget_year,
        state.value if state else None,
        kind.value if kind else None,
    )
    return [_directive(r) for r in rows]


async def directives_of_cycles(conn: asyncpg.Connection, cycle_ids: Ids) -> dict[uuid.UUID, list[Directive]]:
    rows = await conn.fetch(
        f"SELECT {_DIRECTIVE} FROM directives d WHERE d.cycle_id = ANY($1) "
        "ORDER BY d.cycle_id, d.kind DESC, d.revision",
        list(cycle_ids),
    )
    out: dict[uuid.UUID, list[Directive]] = {}
    for r in rows:
        out.setdefault(r["cycle_id"], []).append(_directive(r))
    return out


async def directives_of_organizations(
    conn: asyncpg.Connection, org_ids: Ids, budget_year: int | None
) -> dict[uuid.UUID, list[Directive]]:
    rows = await conn.fetch(
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


async def establishing_directive(conn: asyncpg.Connection, goal_ids: Ids) -> dict[uuid.UUID, Directive]:
    """The directive whose adoption established each goal: the first adopted revision that held it.

    Later revisions and later budget years may repeat the goal; the goal was adopted once, by the first.
    """
    # A revision whose goals the goals service refused established none of them (all or nothing).
    rows = await conn.fetch(
        f"""SELECT DISTINCT ON (g.goal_id) g.goal_id, {_DIRECTIVE} FROM directive_goals g
            JOIN directives d ON d.id = g.directive_id
            LEFT JOIN goal_establishments e ON e.subject_id = d.id
            WHERE g.goal_id = ANY($1) AND d.state IN ('ADOPTED', 'SUPERSEDED')
              AND e.state IS DISTINCT FROM 'REFUSED'
            ORDER BY g.goal_id, d.adopted_at, d.decision_date, d.seq""",
        list(goal_ids),
    )
    return {r["goal_id"]: _directive(r) for r in rows}


async def recipients_of(conn: asyncpg.Connection, directive_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await conn.fetch(
        "SELECT directive_id, organization_id FROM directive_recipients WHERE directive_id = ANY($1) "
        "ORDER BY directive_id, position, organization_id",
        list(directive_ids),
    )
    return _group(rows, "directive_id", "organization_id")


async def frames_of(conn: asyncpg.Connection, directive_ids: Ids) -> dict[uuid.UUID, list[BudgetFrame]]:
    rows = await conn.fetch(
        """SELECT f.directive_id, f.organization_id, f.year, f.amount FROM budget_frames f
           LEFT JOIN directive_recipients r ON r.directive_id = f.directive_id AND r.organization_id = f.organization_id
           WHERE f.directive_id = ANY($1) ORDER BY f.directive_id, r.position, f.organization_id, f.year""",
        list(directive_ids),
    )
    out: dict[uuid.UUID, list[BudgetFrame]] = {}
    for r in rows:
        out.setdefault(r["directive_id"], []).append(BudgetFrame(r["organization_id"], r["year"], r["amount"]))
    return out


async def goals_of(conn: asyncpg.Connection, directive_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await conn.fetch(
        "SELECT directive_id, goal_id FROM directive_goals WHERE directive_id = ANY($1) "
        "ORDER BY directive_id, position, goal_id",
        list(directive_ids),
    )
    return _group(rows, "directive_id", "goal_id")


async def assignments_of(conn: asyncpg.Connection, directive_ids: Ids) -> dict[uuid.UUID, list[Assignment]]:
    rows = await conn.fetch(
        """SELECT a.directive_id, a.id, a.title, a.description, a.due_on, a.state,
                  ARRAY(SELECT organization_id FROM assignment_recipients r
                        WHERE r.directive_id = a.directive_id AND r.assignment_id = a.id ORDER BY r.position) AS orgs
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


async def content_of(conn: asyncpg.Connection, directive_id: uuid.UUID) -> DirectiveContent:
    ids = [directive_id]
    return DirectiveContent(
        recipient_ids=tuple((await recipients_of(conn, ids)).get(directive_id, [])),
        frames=tuple((await frames_of(conn, ids)).get(directive_id, [])),
        concrete_goal_ids=tuple((await goals_of(conn, ids)).get(directive_id, [])),
        assignments=tuple((await assignments_of(conn, ids)).get(directive_id, [])),
    )


async def insert_recipients(conn: asyncpg.Connection, directive_id: uuid.UUID, org_ids: Ids) -> None:
    await conn.executemany(
        "INSERT INTO directive_recipients (directive_id, organization_id, position) VALUES ($1, $2, $3)",
        [(directive_id, o, i) for i, o in enumerate(org_ids)],
    )


async def replace_recipients(
    conn: asyncpg.Connection, directive_id: uuid.UUID, recipient_ids: Ids, removed_ids: Ids
) -> None:
    """New recipients in the order given; the removed ones' frames go and they leave every assignment."""
    await conn.execute("DELETE FROM directive_recipients WHERE directive_id = $1", directive_id)
    await insert_recipients(conn, directive_id, recipient_ids)
    await conn.execute(
        "DELETE FROM budget_frames WHERE directive_id = $1 AND organization_id = ANY($2)",
        directive_id,
        list(removed_ids),
    )
    await conn.execute(
        "DELETE FROM assignment_recipients WHERE directive_id = $1 AND organization_id = ANY($2)",
        directive_id,
        list(removed_ids),
    )


async def upsert_frames(conn: asyncpg.Connection, directive_id: uuid.UUID, frames: Sequence[BudgetFrame]) -> None:
    await conn.executemany(
        """INSERT INTO budget_frames (directive_id, organization_id, year, amount) VALUES ($1, $2, $3, $4)
           ON CONFLICT (directive_id, organization_id, year) DO UPDATE SET amount = EXCLUDED.amount""",
        [(directive_id, f.organization_id, f.year, f.amount) for f in frames],
    )


async def add_directive_goals(conn: asyncpg.Connection, directive_id: uuid.UUID, goal_ids: Ids) -> list[uuid.UUID]:
    """Add goals not yet in the directive; returns those added."""
    start = await conn.fetchval(
        "SELECT COALESCE(max(position) + 1, 0) FROM directive_goals WHERE directive_id = $1", directive_id
    )
    added: list[uuid.UUID] = []
    for gid in goal_ids:
        if await conn.fetchval(
            """INSERT INTO directive_goals (directive_id, goal_id, position) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING true""",
            directive_id,
            gid,
            start + len(added),
        ):
            added.append(gid)
    return added


async def insert_assignment(conn: asyncpg.Connection, directive_id: uuid.UUID, a: Assignment) -> None:
    position = await conn.fetchval(
        "SELECT COALESCE(max(position) + 1, 0) FROM assignments WHERE directive_id = $1", directive_id
    )
    await conn.execute(
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
    await conn.executemany(
        "INSERT INTO assignment_recipients (directive_id, assignment_id, organization_id, position) "
        "VALUES ($1, $2, $3, $4)",
        [(directive_id, a.id, o, i) for i, o in enumerate(a.recipient_ids)],
    )


async def copy_content(conn: asyncpg.Connection, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
    """Copy recipients, frames, goals and assignments (with their ids) to a new revision."""
    await conn.execute(
        """INSERT INTO directive_recipients (directive_id, organization_id, position)
           SELECT $2, organization_id, position FROM directive_recipients WHERE directive_id = $1""",
        from_id,
        to_id,
    )
    await conn.execute(
        """INSERT INTO budget_frames (directive_id, organization_id, year, amount)
           SELECT $2, organization_id, year, amount FROM budget_frames WHERE directive_id = $1""",
        from_id,
        to_id,
    )
    await conn.execute(
        """INSERT INTO directive_goals (directive_id, goal_id, position)
           SELECT $2, goal_id, position FROM directive_goals WHERE directive_id = $1""",
        from_id,
        to_id,
    )
    await conn.execute(
        """INSERT INTO assignments (directive_id, id, position, title, description, due_on, state)
           SELECT $2, id, position, title, description, due_on, state FROM assignments WHERE directive_id = $1""",
        from_id,
        to_id,
    )
    await conn.execute(
        """INSERT INTO assignment_recipients (directive_id, assignment_id, organization_id, position)
           SELECT $2, assignment_id, organization_id, position FROM assignment_recipients WHERE directive_id = $1""",
        from_id,
        to_id,
    )


async def directive_in_force_with_assignment(conn: asyncpg.Connection, assignment_id: uuid.UUID) -> Directive | None:
    """The newest revision holding the assignment (adopted, or a draft revision of an adopted one)."""
    row = await conn.fetchrow(
        f"""SELECT {_DIRECTIVE} FROM assignments a JOIN directives d ON d.id = a.directive_id
            WHERE a.id = $1 ORDER BY (d.state = 'ADOPTED') DESC, d.revision DESC LIMIT 1""",
        assignment_id,
    )
    return _directive(row) if row else None


async def set_assignment_state(conn: asyncpg.Connection, assignment_id: uuid.UUID, state: AssignmentState) -> None:
    """Progress is not a decision: it is recorded on the revision in force and on a pending draft alike,
    never on superseded history."""
    await conn.execute(
        """UPDATE assignments a SET state = $2 FROM directives d
           WHERE d.id = a.directive_id AND a.id = $1 AND d.state <> 'SUPERSEDED'""",
        assignment_id,
        state.value,
    )


async def frames_in_force(
    conn: asyncpg.Connection, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], list[tuple[uuid.UUID, BudgetFrame]]]:
    """Per (cycle, organisation): (directive, frame) of the adopted directive of the cycle addressed to it."""
    rows = await conn.fetch(
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
    conn: asyncpg.Connection, org_ids: Ids, year: int
) -> dict[uuid.UUID, list[tuple[uuid.UUID, BudgetFrame]]]:
    """Per organisation: (directive, frame) for ``year`` from every adopted directive, newest budget year first."""
    rows = await conn.fetch(
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


async def has_adopted_directive(conn: asyncpg.Connection, cycle_id: uuid.UUID) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM directives WHERE cycle_id = $1 AND state = 'ADOPTED')", cycle_id
        )
    )


async def tax_rates_of_cycles(conn: asyncpg.Connection, cycle_ids: Ids) -> dict[uuid.UUID, Decimal]:
    rows = await conn.fetch(
        """SELECT cycle_id, tax_rate FROM directives
           WHERE cycle_id = ANY($1) AND state = 'ADOPTED' AND kind = 'PLANNING_DIRECTIVE' AND tax_rate IS NOT NULL""",
        list(cycle_ids),
    )
    return {r["cycle_id"]: r["tax_rate"] for r in rows}


async def receives_adopted_directive(conn: asyncpg.Connection, cycle_id: uuid.UUID, org_id: uuid.UUID) -> bool:
    return bool(
        await conn.fetchval(
            """SELECT EXISTS (SELECT 1 FROM directives d JOIN directive_recipients r ON r.directive_id = d.id
                              WHERE d.cycle_id = $1 AND d.state = 'ADOPTED' AND r.organization_id = $2)""",
            cycle_id,
            org_id,
        )
    )


# ---------------------------------------------------------------- verksamhetsplaner
_PLAN = """p.id, p.cycle_id, p.organization_id, p.years, p.state, p.return_reason,
    p.decision_body_id, p.decision_date, p.decision_paragraph, p.decision_diary_number"""


def _plan(r: asyncpg.Record) -> OperationalPlan:
    return OperationalPlan(
        id=r["id"],
        cycle_id=r["cycle_id"],
        organization_id=r["organization_id"],
        years=tuple(r["years"]),
        state=PlanState(r["state"]),
        adopted=_decision(r),
        return_reason=r["return_reason"],
    )


async def insert_plan(conn: asyncpg.Connection, p: OperationalPlan) -> bool:
    """Insert; False when the organisation already has a plan in the cycle."""
    return bool(
        await conn.fetchval(
            """INSERT INTO operational_plans (id, cycle_id, organization_id, years, state) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT DO NOTHING RETURNING true""",
            p.id,
            p.cycle_id,
            p.organization_id,
            list(p.years),
            p.state.value,
        )
    )


async def save_plan(conn: asyncpg.Connection, p: OperationalPlan) -> None:
    a = p.adopted
    await conn.execute(
        """UPDATE operational_plans SET state = $2, return_reason = $3, decision_body_id = $4, decision_date = $5,
               decision_paragraph = $6, decision_diary_number = $7, updated_at = now()
           WHERE id = $1""",
        p.id,
        p.state.value,
        p.return_reason,
        a.body_id if a else None,
        a.date if a else None,
        a.paragraph if a else None,
        a.diary_number if a else None,
    )


async def plans_by_ids(conn: asyncpg.Connection, ids: Ids) -> dict[uuid.UUID, OperationalPlan]:
    rows = await conn.fetch(f"SELECT {_PLAN} FROM operational_plans p WHERE p.id = ANY($1)", list(ids))
    return {r["id"]: _plan(r) for r in rows}


async def lock_plan(conn: asyncpg.Connection, plan_id: uuid.UUID) -> OperationalPlan | None:
    row = await conn.fetchrow(f"SELECT {_PLAN} FROM operational_plans p WHERE p.id = $1 FOR UPDATE", plan_id)
    return _plan(row) if row else None


async def plan_for(conn: asyncpg.Connection, cycle_id: uuid.UUID, org_id: uuid.UUID) -> OperationalPlan | None:
    row = await conn.fetchrow(
        f"SELECT {_PLAN} FROM operational_plans p WHERE p.cycle_id = $1 AND p.organization_id = $2", cycle_id, org_id
    )
    return _plan(row) if row else None


async def list_plans(
    conn: asyncpg.Connection, cycle_id: uuid.UUID | None, org_id: uuid.UUID | None
) -> list[OperationalPlan]:
    rows = await conn.fetch(
        f"""SELECT {_PLAN} FROM operational_plans p JOIN planning_cycles c ON c.id = p.cycle_id
            WHERE ($1::uuid IS NULL OR p.cycle_id = $1) AND ($2::uuid IS NULL OR p.organization_id = $2)
            ORDER BY c.start_year, p.seq""",
        cycle_id,
        org_id,
    )
    return [_plan(r) for r in rows]


async def plans_of_cycles(conn: asyncpg.Connection, cycle_ids: Ids) -> dict[uuid.UUID, list[OperationalPlan]]:
    rows = await conn.fetch(
        f"SELECT {_PLAN} FROM operational_plans p WHERE p.cycle_id = ANY($1) ORDER BY p.cycle_id, p.seq",
        list(cycle_ids),
    )
    out: dict[uuid.UUID, list[OperationalPlan]] = {}
    for r in rows:
        out.setdefault(r["cycle_id"], []).append(_plan(r))
    return out


async def plans_of_organizations(
    conn: asyncpg.Connection, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], OperationalPlan]:
    """Per (organisation, cycle): its plan."""
    rows = await conn.fetch(
        f"""SELECT {_PLAN} FROM unnest($1::uuid[], $2::uuid[]) AS k(organization_id, cycle_id)
            JOIN operational_plans p ON p.organization_id = k.organization_id AND p.cycle_id = k.cycle_id""",
        [k[0] for k in keys],
        [k[1] for k in keys],
    )
    return {(r["organization_id"], r["cycle_id"]): _plan(r) for r in rows}


async def plans_of_goals(conn: asyncpg.Connection, goal_ids: Ids) -> dict[uuid.UUID, list[OperationalPlan]]:
    rows = await conn.fetch(
        f"""SELECT pg.goal_id, {_PLAN} FROM plan_goals pg
            JOIN operational_plans p ON p.id = pg.plan_id WHERE pg.goal_id = ANY($1) ORDER BY pg.goal_id, p.years[1]""",
        list(goal_ids),
    )
    out: dict[uuid.UUID, list[OperationalPlan]] = {}
    for r in rows:
        out.setdefault(r["goal_id"], []).append(_plan(r))
    return out


async def goal_ids_of_plans(conn: asyncpg.Connection, plan_ids: Ids) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = await conn.fetch(
        "SELECT plan_id, goal_id FROM plan_goals WHERE plan_id = ANY($1) ORDER BY plan_id, position, goal_id",
        list(plan_ids),
    )
    return _group(rows, "plan_id", "goal_id")


async def add_plan_goals(conn: asyncpg.Connection, plan_id: uuid.UUID, goal_ids: Ids) -> list[uuid.UUID]:
    start = await conn.fetchval("SELECT COALESCE(max(position) + 1, 0) FROM plan_goals WHERE plan_id = $1", plan_id)
    added: list[uuid.UUID] = []
    for gid in goal_ids:
        if await conn.fetchval(
            "INSERT INTO plan_goals (plan_id, goal_id, position) VALUES ($1, $2, $3) "
            "ON CONFLICT DO NOTHING RETURNING true",
            plan_id,
            gid,
            start + len(added),
        ):
            added.append(gid)
    return added


async def replace_budget_lines(conn: asyncpg.Connection, plan_id: uuid.UUID, lines: Sequence[BudgetLine]) -> None:
    await conn.execute("DELETE FROM budget_lines WHERE plan_id = $1", plan_id)
    await conn.executemany(
        "INSERT INTO budget_lines (plan_id, position, activity, year, amount) VALUES ($1, $2, $3, $4, $5)",
        [(plan_id, i, ln.activity, ln.year, ln.amount) for i, ln in enumerate(lines)],
    )
    await conn.execute("UPDATE operational_plans SET updated_at = now() WHERE id = $1", plan_id)


async def budget_lines_of(conn: asyncpg.Connection, plan_ids: Ids) -> dict[uuid.UUID, list[BudgetLine]]:
    rows = await conn.fetch(
        "SELECT plan_id, activity, year, amount FROM budget_lines WHERE plan_id = ANY($1) ORDER BY plan_id, position",
        list(plan_ids),
    )
    out: dict[uuid.UUID, list[BudgetLine]] = {}
    for r in rows:
        out.setdefault(r["plan_id"], []).append(BudgetLine(r["activity"], r["year"], r["amount"]))
    return out


# ---------------------------------------------------------------- sammanställning
async def adopted_recipients(conn: asyncpg.Connection, cycle_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn.fetch(
        """SELECT r.organization_id FROM directives d JOIN directive_recipients r ON r.directive_id = d.id
           WHERE d.cycle_id = $1 AND d.state = 'ADOPTED' ORDER BY d.kind DESC, r.position""",
        cycle_id,
    )
    return [r["organization_id"] for r in rows]


async def concrete_goal_recipients(conn: asyncpg.Connection, cycle_id: uuid.UUID) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Each concrete goal of the cycle's adopted directives → the directive recipients it is directed to."""
    rows = await conn.fetch(
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
