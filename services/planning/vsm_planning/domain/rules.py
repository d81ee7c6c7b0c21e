"""Rules of the planning model, each raising a DomainError that names field and rule. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from vsm_common.errors import Conflict, DomainError, NotFound

from .errors import PhaseNotAllowed, UnbalancedBudget
from .model import (
    Assignment,
    BudgetFrame,
    BudgetLine,
    Compilation,
    CycleKind,
    Decision,
    Directive,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalLevel,
    GoalLink,
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
    UncoveredGoal,
    YearBalance,
)

YEAR_MIN, YEAR_MAX = 2000, 2200
TITLE_MAX = 300
ACTIVITY_MAX = 200
TEXT_MAX = 100_000
CENT = Decimal("0.01")
# numeric(16,2) in the database: up to 99 999 999 999 999.99 SEK.
AMOUNT_LIMIT = Decimal("100000000000000")

# ---------------------------------------------------------------- cycles and phases
PHASES: Mapping[CycleKind, tuple[PhaseKind, ...]] = {
    CycleKind.MANDATE_PERIOD: (PhaseKind.STRATEGIC_ANALYSIS, PhaseKind.GOAL_REVIEW),
    CycleKind.ANNUAL: (
        PhaseKind.CONDITIONS_ANALYSIS,
        PhaseKind.DIRECTIVE,
        PhaseKind.TAX_RATE,
        PhaseKind.OPERATIONAL_PLANNING,
        PhaseKind.COMPILATION,
        PhaseKind.FOLLOW_UP,
    ),
}

CYCLE_LENGTH: Mapping[CycleKind, int] = {CycleKind.MANDATE_PERIOD: 4, CycleKind.ANNUAL: 1}

# What the phases allow. A directive is drafted and first adopted in the DIRECTIVE phase; once adopted,
# KF may change it (a new revision) for the rest of the cycle, e.g. a tilläggsbudget during the year.
ANALYSIS_PHASES = frozenset({PhaseKind.STRATEGIC_ANALYSIS, PhaseKind.CONDITIONS_ANALYSIS})
DRAFTING_PHASES = frozenset({PhaseKind.DIRECTIVE})
REVISION_PHASES = frozenset(
    {
        PhaseKind.DIRECTIVE,
        PhaseKind.TAX_RATE,
        PhaseKind.OPERATIONAL_PLANNING,
        PhaseKind.COMPILATION,
        PhaseKind.FOLLOW_UP,
    }
)
TAX_RATE_PHASES = frozenset({PhaseKind.DIRECTIVE, PhaseKind.TAX_RATE})
PLAN_PHASES = frozenset({PhaseKind.OPERATIONAL_PLANNING})


@dataclass(frozen=True, slots=True)
class PhaseSchedule:
    """Default dates of a phase, relative to the cycle's first year, and who is responsible."""

    opens: tuple[int, int, int]  # (year offset, month, day)
    due: tuple[int, int, int]
    responsible: OrganizationKind


# The annual part of budget year Y is planned during Y-1 and followed up until the annual report
# (årsredovisning) in the spring of Y+1; the long-term part starts when the newly elected KF takes office
# (the election is in September before the mandate period) and ends with the review of the övergripande mål.
DEFAULT_SCHEDULE: Mapping[PhaseKind, PhaseSchedule] = {
    PhaseKind.STRATEGIC_ANALYSIS: PhaseSchedule((-1, 11, 1), (0, 3, 31), OrganizationKind.EXECUTIVE_BOARD),
    PhaseKind.GOAL_REVIEW: PhaseSchedule((0, 4, 1), (0, 11, 30), OrganizationKind.COUNCIL),
    PhaseKind.CONDITIONS_ANALYSIS: PhaseSchedule((-1, 1, 15), (-1, 3, 31), OrganizationKind.EXECUTIVE_BOARD),
    PhaseKind.DIRECTIVE: PhaseSchedule((-1, 4, 1), (-1, 6, 30), OrganizationKind.COUNCIL),
    PhaseKind.TAX_RATE: PhaseSchedule((-1, 7, 1), (-1, 11, 30), OrganizationKind.COUNCIL),
    PhaseKind.OPERATIONAL_PLANNING: PhaseSchedule((-1, 12, 1), (0, 1, 31), OrganizationKind.EXECUTIVE_BOARD),
    PhaseKind.COMPILATION: PhaseSchedule((0, 2, 1), (0, 3, 31), OrganizationKind.EXECUTIVE_BOARD),
    PhaseKind.FOLLOW_UP: PhaseSchedule((0, 4, 1), (1, 4, 30), OrganizationKind.EXECUTIVE_BOARD),
}


def check_year(year: int, field: str) -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(f"{field} must be between {YEAR_MIN} and {YEAR_MAX}", field=field, rule="year.range")
    return year


def cycle_span(kind: CycleKind, start_year: int) -> tuple[int, int]:
    check_year(start_year, "startYear")
    return start_year, start_year + CYCLE_LENGTH[kind] - 1


def cycle_title(kind: CycleKind, start_year: int, end_year: int) -> str:
    if kind is CycleKind.MANDATE_PERIOD:
        return f"Mandatperiod {start_year}–{end_year}"
    return f"Budgetår {start_year}"


def check_no_overlap(kind: CycleKind, start_year: int, end_year: int, existing: Iterable[PlanningCycle]) -> None:
    """Cycles of one kind never overlap: one mandate period at a time, one annual cycle per budget year."""
    for other in existing:
        if other.kind is kind and other.start_year <= end_year and start_year <= other.end_year:
            raise Conflict(
                f"{other.title} already covers {max(start_year, other.start_year)}",
                field="startYear",
                rule="cycle.overlap",
            )


def _on(start_year: int, offset: tuple[int, int, int]) -> date:
    return date(start_year + offset[0], offset[1], offset[2])


def default_phases(
    kind: CycleKind, start_year: int, responsible: Mapping[OrganizationKind, uuid.UUID]
) -> tuple[Phase, ...]:
    """The phases of a new cycle: the first one open, dated by the default schedule."""
    phases = []
    for i, pk in enumerate(PHASES[kind]):
        s = DEFAULT_SCHEDULE[pk]
        phases.append(
            Phase(
                kind=pk,
                state=PhaseState.OPEN if i == 0 else PhaseState.NOT_STARTED,
                opens_on=_on(start_year, s.opens),
                due_on=_on(start_year, s.due),
                responsible_id=responsible.get(s.responsible),
            )
        )
    return tuple(phases)


@dataclass(frozen=True, slots=True)
class PhaseFacts:
    """What the gates between phases look at."""

    has_adopted_directive: bool = False
    tax_rate: Decimal | None = None


def check_can_leave(cycle: PlanningCycle, phase: Phase, facts: PhaseFacts) -> None:
    """The gates: KF must have adopted a directive before the directive phase ends, and a tax rate before
    the tax-rate phase ends, because everything after them (plans, frames, compilation) rests on them."""
    if phase.kind is PhaseKind.DIRECTIVE and not facts.has_adopted_directive:
        raise Conflict(
            f"phase DIRECTIVE of {cycle.title} cannot end before KF has adopted a directive",
            field="cycleId",
            rule="phase.directive_not_adopted",
        )
    if phase.kind is PhaseKind.TAX_RATE and facts.tax_rate is None:
        raise Conflict(
            f"phase TAX_RATE of {cycle.title} cannot end before KF has decided the tax rate "
            "in an adopted planeringsdirektiv",
            field="cycleId",
            rule="phase.tax_rate_missing",
        )


def advance(cycle: PlanningCycle, facts: PhaseFacts, today: date) -> tuple[Phase, Phase | None, tuple[Phase, ...]]:
    """Close the open phase and open the next one, strictly in order.

    Returns (the phase completed, the phase opened or None when the cycle is complete, all phases).
    """
    current = cycle.current_phase
    if current is None:
        raise Conflict(f"{cycle.title} has completed all its phases", field="cycleId", rule="cycle.completed")
    check_can_leave(cycle, current, facts)
    index = cycle.phases.index(current)
    phases = list(cycle.phases)
    phases[index] = replace(current, state=PhaseState.DONE, completed_on=today)
    opened = None
    if index + 1 < len(phases):
        opened = replace(phases[index + 1], state=PhaseState.OPEN)
        phases[index + 1] = opened
    return phases[index], opened, tuple(phases)


def began_on(cycle: PlanningCycle) -> date | None:
    return min((p.opens_on for p in cycle.phases if p.opens_on), default=None)


def current_cycle(cycles: Sequence[PlanningCycle], today: date) -> PlanningCycle | None:
    """The cycle being worked on: the newest one that has begun by ``today`` (budget year 2027 from
    January 2026, when its analysis of planning conditions starts); before any has begun, the next one."""
    begun = [c for c in cycles if (b := began_on(c)) is not None and b <= today]
    if begun:
        return max(begun, key=lambda c: c.start_year)
    return min(cycles, key=lambda c: c.start_year, default=None)


def require_phase(cycle: PlanningCycle, operation: str, allowed: Collection[PhaseKind], field: str | None) -> Phase:
    """Refuse ``operation`` unless the cycle's current phase allows it; the error names the phase."""
    current = cycle.current_phase
    wanted = " or ".join(p.value for p in PHASES[cycle.kind] if p in allowed)
    if current is None:
        raise PhaseNotAllowed(
            f"{operation} is not allowed: {cycle.title} has completed all its phases"
            + (f" (allowed in {wanted})" if wanted else ""),
            field=field,
            phase="COMPLETED",
        )
    if current.kind not in allowed:
        hint = f"; it is allowed in {wanted}" if wanted else f"; a {cycle.kind} cycle never allows it"
        raise PhaseNotAllowed(
            f"{operation} is not allowed in phase {current.kind} of {cycle.title}{hint}",
            field=field,
            phase=current.kind.value,
        )
    return current


def require_kind(cycle: PlanningCycle, kind: CycleKind, what: str, field: str) -> None:
    if cycle.kind is not kind:
        raise DomainError(
            f"{what} belongs to a {kind} cycle; {cycle.title} is {cycle.kind}", field=field, rule="cycle.kind"
        )


def schedule_window(cycle: PlanningCycle) -> tuple[date, date]:
    """Where a cycle's phases may be dated: an annual cycle is planned the year before its budget year and
    followed up the year after; the long-term part starts after the election, the year before the mandate."""
    before = 2 if cycle.kind is CycleKind.ANNUAL else 1
    return date(cycle.start_year - before, 1, 1), date(cycle.end_year + 1, 12, 31)


def check_schedule(cycle: PlanningCycle, kind: PhaseKind, opens_on: date | None, due_on: date | None) -> Phase:
    phase = cycle.phase(kind)
    if phase is None:
        raise DomainError(f"a {cycle.kind} cycle has no phase {kind}", field="phase", rule="phase.kind")
    if phase.state is PhaseState.DONE:
        raise Conflict(
            f"phase {kind} of {cycle.title} is done; its dates are history", field="phase", rule="phase.done"
        )
    first, last = schedule_window(cycle)
    for d, f in ((opens_on, "opensOn"), (due_on, "dueOn")):
        if d is not None and not first <= d <= last:
            raise DomainError(
                f"{f} of a phase of {cycle.title} must lie between {first} and {last}",
                field=f,
                rule="phase.dates_range",
            )
    if opens_on and due_on and due_on < opens_on:
        raise DomainError("dueOn must not be before opensOn", field="dueOn", rule="phase.dates_order")
    return phase


def check_analysis_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise DomainError("an analysis section needs text", field="text", rule="analysis.text_required")
    if len(cleaned) > TEXT_MAX:
        raise DomainError(f"text must be at most {TEXT_MAX} characters", field="text", rule="analysis.text_length")
    return cleaned


# ---------------------------------------------------------------- values
def check_title(title: str, field: str = "input.title") -> str:
    cleaned = title.strip()
    if not cleaned:
        raise DomainError("title must not be empty", field=field, rule="title.required")
    if len(cleaned) > TITLE_MAX:
        raise DomainError(f"title must be at most {TITLE_MAX} characters", field=field, rule="title.max_length")
    return cleaned


def optional_text(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip()
    return cleaned or None


def check_amount(value: Decimal, field: str, *, allow_negative: bool = False) -> Decimal:
    """An exact amount in SEK with at most two decimals (öre)."""
    try:
        if not value.is_finite():
            raise InvalidOperation
        cents = value.quantize(CENT)
    except InvalidOperation:
        raise DomainError("amount must be a finite decimal number", field=field, rule="amount.format") from None
    if cents != value:
        raise DomainError("amount has more than two decimals (öre)", field=field, rule="amount.precision")
    if abs(cents) >= AMOUNT_LIMIT:
        raise DomainError("amount is too large", field=field, rule="amount.range")
    if cents < 0 and not allow_negative:
        raise DomainError("amount must not be negative", field=field, rule="amount.negative")
    return cents


def check_tax_rate(rate: Decimal, field: str = "rate") -> Decimal:
    """Skattesats in kronor per 100 kr of taxable income, e.g. 20.38."""
    try:
        if not rate.is_finite():
            raise InvalidOperation
        exact = rate.quantize(CENT)
    except InvalidOperation:
        raise DomainError("rate must be a finite decimal number", field=field, rule="tax_rate.format") from None
    if exact != rate:
        raise DomainError("a tax rate has at most two decimals, e.g. 20.38", field=field, rule="tax_rate.precision")
    if not Decimal("0") < exact < Decimal("100"):
        raise DomainError(
            "a tax rate is kronor per 100 kr of taxable income: more than 0 and less than 100",
            field=field,
            rule="tax_rate.range",
        )
    return exact


def check_decision(decision: Decision, field: str = "decision") -> Decision:
    check_year(decision.date.year, f"{field}.date")
    return Decision(
        body_id=decision.body_id,
        date=decision.date,
        paragraph=optional_text(decision.paragraph),
        diary_number=optional_text(decision.diary_number),
    )


def known_organizations(
    ids: Sequence[uuid.UUID], known: Mapping[uuid.UUID, KnownOrganization], field: str
) -> list[KnownOrganization]:
    """The organisations, or NotFound naming the first one planning has not learned of (yet)."""
    out = []
    for oid in ids:
        org = known.get(oid)
        if org is None:
            raise NotFound(
                f"organisation {oid} is not known to planning: the goals service has not registered it, "
                "or its event has not reached planning yet",
                field=field,
                rule="organization.exists",
            )
        out.append(org)
    return out


def known_goals(ids: Sequence[uuid.UUID], known: Mapping[uuid.UUID, KnownGoal], field: str) -> list[KnownGoal]:
    out = []
    for gid in ids:
        goal = known.get(gid)
        if goal is None or goal.level is None:
            raise NotFound(
                f"goal {gid} is not known to planning: the goals service has not created it, "
                "or its event has not reached planning yet",
                field=field,
                rule="goal.exists",
            )
        out.append(goal)
    return out


# ---------------------------------------------------------------- directives
RECIPIENT_KIND: Mapping[DirectiveKind, OrganizationKind] = {
    DirectiveKind.PLANNING_DIRECTIVE: OrganizationKind.COMMITTEE,
    DirectiveKind.OWNER_DIRECTIVE: OrganizationKind.COMPANY,
}


def check_recipients(
    kind: DirectiveKind, recipients: Sequence[KnownOrganization], field: str = "input.recipientIds"
) -> None:
    if not recipients:
        raise DomainError(
            "a directive is addressed to at least one nämnd or bolag",
            field=field,
            rule="directive.recipients_required",
        )
    wanted = RECIPIENT_KIND[kind]
    for org in recipients:
        if org.kind is not wanted:
            what = (
                "planeringsdirektiv goes to nämnder"
                if wanted is OrganizationKind.COMMITTEE
                else "ägardirektiv goes to bolag"
            )
            raise DomainError(
                f"a {what} ({wanted}); {org.code} is {org.kind}",
                field=field,
                rule="directive.recipient_kind",
            )


def check_recipient_list(recipient_ids: Sequence[uuid.UUID], field: str = "recipientIds") -> tuple[uuid.UUID, ...]:
    """The new recipients of a directive as given: at least one, each once (a list with a recipient twice
    is a mistake in the caller's data, not something to guess the meaning of)."""
    if not recipient_ids:
        raise DomainError(
            "a directive is addressed to at least one nämnd or bolag",
            field=field,
            rule="directive.recipients_required",
        )
    seen: set[uuid.UUID] = set()
    for i, oid in enumerate(recipient_ids):
        if oid in seen:
            raise DomainError(
                f"organisation {oid} is given twice", field=f"{field}.{i}", rule="directive.recipient_duplicate"
            )
        seen.add(oid)
    return tuple(recipient_ids)


@dataclass(frozen=True, slots=True)
class RecipientChange:
    """What setting new recipients does to a directive revision's content."""

    recipient_ids: tuple[uuid.UUID, ...]
    removed_ids: tuple[uuid.UUID, ...]  # their frames are dropped and they are taken off every assignment
    frames: tuple[BudgetFrame, ...]  # the frames that remain
    assignments: tuple[Assignment, ...]  # with the removed recipients taken off


def change_recipients(
    directive: Directive,
    content: DirectiveContent,
    recipient_ids: Sequence[uuid.UUID],
    goals: Mapping[uuid.UUID, KnownGoal],
    field: str = "recipientIds",
) -> RecipientChange:
    """The revision's content with ``recipient_ids`` as its recipients.

    A frame is KF's amount for one recipient, so a removed recipient's frames go with it (an added one
    needs frames of its own before adoption: directive.frames_incomplete). A särskilt uppdrag or a
    konkretiserat mål is something KF decided for its recipients; one that would be left with none of
    the new recipients is refused rather than silently emptied, naming it.
    """
    keep = set(recipient_ids)
    removed = tuple(o for o in content.recipient_ids if o not in keep)
    for a in content.assignments:
        if not keep & set(a.recipient_ids):
            raise Conflict(
                f"the särskilt uppdrag {a.title!r} ({a.id}) is given only to recipients this change removes; "
                "keep one of them",
                field=field,
                rule="directive.recipient_assignment",
            )
    for gid in content.concrete_goal_ids:
        goal = goals.get(gid)
        if goal is not None and not keep & set(goal.organization_ids):
            raise Conflict(
                f"the konkretiserat mål {goal.title or gid!r} of {directive.title} is directed to none of the new "
                "recipients; keep one it is directed to",
                field=field,
                rule="directive.goal_recipient",
            )
    return RecipientChange(
        recipient_ids=tuple(recipient_ids),
        removed_ids=removed,
        frames=tuple(f for f in content.frames if f.organization_id in keep),
        assignments=tuple(
            replace(a, recipient_ids=tuple(o for o in a.recipient_ids if o in keep)) for a in content.assignments
        ),
    )


def change_phases(directive: Directive) -> frozenset[PhaseKind]:
    """Where a change to this directive may be made: a first draft only in the directive phase, a change
    of an adopted directive (a new revision) for the rest of the cycle."""
    if directive.state is DirectiveState.ADOPTED or directive.revision > 1:
        return REVISION_PHASES
    return DRAFTING_PHASES


def check_revisable(directive: Directive, pending: Directive | None, field: str = "directiveId") -> None:
    """An adopted directive changes through one new revision at a time; a superseded one never changes."""
    if directive.state is DirectiveState.SUPERSEDED:
        raise Conflict(
            f"revision {directive.revision} of {directive.title} is superseded; change the revision in force",
            field=field,
            rule="directive.superseded",
        )
    if directive.state is DirectiveState.ADOPTED and pending is not None:
        raise Conflict(
            f"{directive.title} already has a draft revision {pending.revision} ({pending.id}); change that one",
            field=field,
            rule="directive.revision_pending",
        )


def next_revision(directive: Directive, new_id: uuid.UUID) -> Directive:
    """The draft that changing an adopted directive creates; it supersedes the adopted one when adopted."""
    return replace(
        directive,
        id=new_id,
        state=DirectiveState.DRAFT,
        revision=directive.revision + 1,
        supersedes_id=directive.id,
        adopted=None,
    )


def plan_years(budget_year: int) -> tuple[int, int, int]:
    """The budget year and the two plan years (planår)."""
    return budget_year, budget_year + 1, budget_year + 2


@dataclass(frozen=True, slots=True)
class FrameInput:
    organization_id: uuid.UUID
    year: int
    amount: Decimal


def check_frames(directive: Directive, content: DirectiveContent, frames: Sequence[FrameInput]) -> list[BudgetFrame]:
    years = plan_years(directive.budget_year)
    seen: set[tuple[uuid.UUID, int]] = set()
    out = []
    for i, f in enumerate(frames):
        field = f"frames.{i}"
        if f.organization_id not in content.recipient_ids:
            raise DomainError(
                f"organisation {f.organization_id} is not a recipient of {directive.title}",
                field=f"{field}.organizationId",
                rule="directive.frame_recipient",
            )
        if f.year not in years:
            raise DomainError(
                f"a frame of budget year {directive.budget_year} is for {years[0]}–{years[-1]}, not {f.year}",
                field=f"{field}.year",
                rule="directive.frame_year",
            )
        if (f.organization_id, f.year) in seen:
            raise DomainError(
                f"two frames for the same organisation and year {f.year}",
                field=field,
                rule="directive.frame_duplicate",
            )
        seen.add((f.organization_id, f.year))
        out.append(BudgetFrame(f.organization_id, f.year, check_amount(f.amount, f"{field}.amount")))
    return out


def merge_frames(existing: Sequence[BudgetFrame], changes: Sequence[BudgetFrame]) -> tuple[BudgetFrame, ...]:
    """Frames after setting ``changes``: each (organisation, year) given replaces the one stored."""
    merged = {(f.organization_id, f.year): f for f in existing}
    merged.update({(f.organization_id, f.year): f for f in changes})
    return tuple(merged[k] for k in sorted(merged, key=lambda k: (str(k[0]), k[1])))


def check_tax_rate_kind(directive: Directive) -> None:
    if directive.kind is not DirectiveKind.PLANNING_DIRECTIVE:
        raise DomainError(
            "the tax rate (skattesats) is decided with the planeringsdirektiv, not with an ägardirektiv",
            field="directiveId",
            rule="directive.tax_rate_kind",
        )


def check_concrete_goals(content: DirectiveContent, goals: Sequence[KnownGoal]) -> None:
    for goal in goals:
        if goal.level is not GoalLevel.CONCRETE:
            raise DomainError(
                f"a directive establishes konkretiserade mål (CONCRETE); goal {goal.id} is {goal.level}",
                field="goalIds",
                rule="directive.goal_level",
            )
        if goal.state is GoalState.RETIRED:
            raise DomainError(f"goal {goal.id} is retired", field="goalIds", rule="directive.goal_retired")
        if not set(goal.organization_ids) & set(content.recipient_ids):
            raise DomainError(
                f"goal {goal.id} is not directed to any recipient of this directive",
                field="goalIds",
                rule="directive.goal_recipient",
            )


def check_assignment(
    content: DirectiveContent, title: str, recipient_ids: Sequence[uuid.UUID], due_on: date | None
) -> tuple[str, tuple[uuid.UUID, ...]]:
    title = check_title(title)
    recipients = tuple(dict.fromkeys(recipient_ids))
    if not recipients:
        raise DomainError(
            "a särskilt uppdrag goes to at least one nämnd or bolag",
            field="input.recipientIds",
            rule="assignment.recipients_required",
        )
    for oid in recipients:
        if oid not in content.recipient_ids:
            raise DomainError(
                f"organisation {oid} is not a recipient of the directive",
                field="input.recipientIds",
                rule="assignment.recipient",
            )
    if due_on is not None:
        check_year(due_on.year, "input.dueOn")
    return title, recipients


def check_complete(
    directive: Directive, content: DirectiveContent, codes: Mapping[uuid.UUID, str] | None = None
) -> None:
    """A directive can be adopted only with a frame for every recipient and each of its three years."""
    if not content.recipient_ids:
        raise DomainError(
            "a directive without recipients cannot be adopted", field="id", rule="directive.recipients_required"
        )
    have = {(f.organization_id, f.year) for f in content.frames}
    missing = [
        f"{(codes or {}).get(oid, str(oid))} {year}"
        for oid in content.recipient_ids
        for year in plan_years(directive.budget_year)
        if (oid, year) not in have
    ]
    if missing:
        raise DomainError(
            "budget frames are missing for: " + ", ".join(missing), field="id", rule="directive.frames_incomplete"
        )


def check_council_decision(decision: Decision, body: KnownOrganization | None) -> None:
    if body is None:
        raise NotFound(
            f"organisation {decision.body_id} is not known to planning",
            field="decision.bodyId",
            rule="organization.exists",
        )
    if body.kind is not OrganizationKind.COUNCIL:
        raise DomainError(
            f"a directive is adopted by kommunfullmäktige (COUNCIL); {body.code} is {body.kind}",
            field="decision.bodyId",
            rule="directive.decision_body",
        )


def check_adoption(directive: Directive, decision: Decision, superseded: Directive | None) -> bool:
    """Whether adopting is a change (True) or a repeat of the same adoption (False, nothing to do)."""
    if directive.state is DirectiveState.ADOPTED:
        if directive.adopted == decision:
            return False
        raise Conflict(
            f"revision {directive.revision} of {directive.title} is already adopted by another decision; "
            "a change is a new revision",
            field="id",
            rule="directive.already_adopted",
        )
    if directive.state is DirectiveState.SUPERSEDED:
        raise Conflict(f"revision {directive.revision} is superseded", field="id", rule="directive.superseded")
    if superseded is not None and superseded.adopted is not None and decision.date < superseded.adopted.date:
        raise DomainError(
            f"the decision of revision {directive.revision} cannot predate the decision "
            f"({superseded.adopted.date}) of the revision it replaces",
            field="decision.date",
            rule="directive.decision_order",
        )
    return True


def check_superseded_goals_answered(superseded: Directive, establishment: GoalEstablishment | None) -> None:
    """A revision is adopted only once the goals service has answered for the revision it replaces.

    Each revision's directive.adopted has its own Kafka key (the revision id), so two of them may reach
    the goals service in either order; if the later one came first, its decision would adopt the goals
    the earlier one established (KF's November revision instead of the June directive). Waiting for the
    answer (ESTABLISHED or REFUSED, in practice a second) orders them. A revision adopted before planning
    recorded answers has none, and is not waited for.
    """
    if establishment is not None and establishment.state is GoalEstablishmentState.PENDING:
        raise Conflict(
            f"revision {superseded.revision} of {superseded.title} is adopted, but the goals service has not yet "
            "answered whether its goals are established (goalEstablishment PENDING); adopt this revision "
            "once it has",
            field="id",
            rule="directive.goals_pending",
        )


def initial_goal_establishment(goal_count: int) -> GoalEstablishmentState:
    """At adoption: PENDING until the goals service answers; with no goals there is nothing to wait for."""
    return GoalEstablishmentState.PENDING if goal_count else GoalEstablishmentState.ESTABLISHED


def check_assignment_directive(directive: Directive) -> None:
    if directive.state is not DirectiveState.ADOPTED:
        raise Conflict(
            "only an assignment of the adopted directive in force can progress",
            field="id",
            rule="assignment.not_in_force",
        )


def check_goals_adoptable(goals: Sequence[KnownGoal], parents: Mapping[uuid.UUID, KnownGoal], field: str) -> None:
    """Adopting a directive or plan makes the goals service adopt its goals. What that service would refuse
    is refused here, so an adopted directive never leaves goals behind that cannot be adopted (a dead
    letter): a goal in force serves goals in force, and a konkretiserat mål has its period of validity."""
    for goal in goals:
        if goal.state is not GoalState.DRAFT:
            continue  # already adopted: the goals service leaves it as it is
        name = goal.title or str(goal.id)
        if goal.level is GoalLevel.CONCRETE and (goal.valid_from is None or goal.valid_to is None):
            raise DomainError(
                f"the konkretiserat mål {name!r} has no validFrom/validTo (1-3 years), so it cannot be adopted",
                field=field,
                rule="goal.not_adoptable",
            )
        if not goal.parent_ids:
            raise DomainError(
                f"the goal {name!r} serves no goal above it, so it cannot be adopted",
                field=field,
                rule="goal.not_adoptable",
            )
        for pid in goal.parent_ids:
            parent = parents.get(pid)
            if parent is None or parent.state is not GoalState.ADOPTED:
                what = f"{parent.title!r} is {parent.state}" if parent else f"{pid} is not known to planning"
                raise DomainError(
                    f"the goal {name!r} cannot be adopted before the goal it serves: {what}",
                    field=field,
                    rule="goal.parent_not_adopted",
                )


# ---------------------------------------------------------------- verksamhetsplaner
PLAN_OWNER_KINDS = frozenset({OrganizationKind.COMMITTEE, OrganizationKind.COMPANY})
EDITABLE_PLAN_STATES = frozenset({PlanState.DRAFT, PlanState.RETURNED})


def check_plan_organization(org: KnownOrganization, receives_directive: bool) -> None:
    if org.kind not in PLAN_OWNER_KINDS:
        raise DomainError(
            f"a verksamhetsplan belongs to a nämnd or bolag; {org.code} is {org.kind}",
            field="organizationId",
            rule="plan.organization_kind",
        )
    if not receives_directive:
        raise DomainError(
            f"{org.code} has no adopted directive in this cycle, so it has no frames to plan against",
            field="organizationId",
            rule="plan.no_directive",
        )


def check_plan_editable(plan: OperationalPlan, field: str = "planId") -> None:
    if plan.state not in EDITABLE_PLAN_STATES:
        raise Conflict(
            f"a {plan.state} verksamhetsplan cannot be changed; only DRAFT or RETURNED plans can",
            field=field,
            rule="plan.not_editable",
        )


def check_plan_goals(
    organization_id: uuid.UUID, goals: Sequence[KnownGoal], parents: Mapping[uuid.UUID, KnownGoal]
) -> None:
    """Verksamhetsmål: OPERATIONAL goals of the plan's own organisation that serve a CONCRETE goal directed to it."""
    for goal in goals:
        if goal.level is not GoalLevel.OPERATIONAL:
            raise DomainError(
                f"a verksamhetsplan holds verksamhetsmål (OPERATIONAL); goal {goal.id} is {goal.level}",
                field="goalIds",
                rule="plan.goal_level",
            )
        if goal.state is GoalState.RETIRED:
            raise DomainError(f"goal {goal.id} is retired", field="goalIds", rule="plan.goal_retired")
        if organization_id not in goal.organization_ids:
            raise DomainError(
                f"goal {goal.id} is owned by another organisation than the plan's",
                field="goalIds",
                rule="plan.goal_owner",
            )
        served = [parents[p] for p in goal.parent_ids if p in parents]
        if not any(
            p.level is GoalLevel.CONCRETE and organization_id in p.organization_ids and p.state is not GoalState.RETIRED
            for p in served
        ):
            raise DomainError(
                f"goal {goal.id} serves no konkretiserat mål (CONCRETE) directed to the plan's organisation",
                field="goalIds",
                rule="plan.goal_serves",
            )


@dataclass(frozen=True, slots=True)
class LineInput:
    activity: str
    year: int
    amount: Decimal


def check_budget_lines(lines: Sequence[LineInput], years: Sequence[int]) -> list[BudgetLine]:
    """The internbudget: per activity and year; an activity may be net income (negative), e.g. fee-funded."""
    out = []
    seen: set[tuple[str, int]] = set()
    for i, line in enumerate(lines):
        field = f"lines.{i}"
        activity = line.activity.strip()
        if not activity:
            raise DomainError("activity must not be empty", field=f"{field}.activity", rule="plan.activity_required")
        if len(activity) > ACTIVITY_MAX:
            raise DomainError(
                f"activity must be at most {ACTIVITY_MAX} characters",
                field=f"{field}.activity",
                rule="plan.activity_length",
            )
        if line.year not in years:
            raise DomainError(
                f"the plan covers {years[0]}–{years[-1]}, not {line.year}",
                field=f"{field}.year",
                rule="plan.budget_year",
            )
        if (activity.casefold(), line.year) in seen:
            raise DomainError(
                f"activity {activity!r} appears twice for {line.year}", field=field, rule="plan.budget_line_duplicate"
            )
        seen.add((activity.casefold(), line.year))
        out.append(BudgetLine(activity, line.year, check_amount(line.amount, f"{field}.amount", allow_negative=True)))
    return out


def balance(
    years: Sequence[int], lines: Sequence[BudgetLine], frames: Sequence[BudgetFrame]
) -> tuple[YearBalance, ...]:
    by_year = {f.year: f.amount for f in frames}
    return tuple(
        YearBalance(year, by_year.get(year), sum((ln.amount for ln in lines if ln.year == year), Decimal("0.00")))
        for year in years
    )


def check_balanced(balances: Sequence[YearBalance], field: str = "id") -> None:
    off = [b for b in balances if not b.balanced]
    if not off:
        return
    parts = []
    for b in off:
        if b.frame is None:
            parts.append(f"{b.year}: no frame (internbudget {b.internal_budget})")
        else:
            parts.append(f"{b.year}: {b.difference:+} (internbudget {b.internal_budget}, frame {b.frame})")
    raise UnbalancedBudget(
        "the internbudget does not add up to the frame; difference per year: " + "; ".join(parts),
        field=field,
        balances=tuple(balances),
    )


def check_submit(plan: OperationalPlan, goal_count: int, balances: Sequence[YearBalance]) -> None:
    if plan.state not in EDITABLE_PLAN_STATES:
        raise Conflict(f"a {plan.state} plan cannot be submitted", field="id", rule="plan.transition")
    if goal_count == 0:
        raise DomainError("a verksamhetsplan needs at least one verksamhetsmål", field="id", rule="plan.goals_required")
    check_balanced(balances)


def check_return(plan: OperationalPlan, reason: str) -> str:
    if plan.state is not PlanState.SUBMITTED:
        raise Conflict(
            f"only a SUBMITTED plan can be returned; this one is {plan.state}", field="id", rule="plan.transition"
        )
    cleaned = reason.strip()
    if not cleaned:
        raise DomainError("returning a plan needs a reason (motivering)", field="reason", rule="plan.return_reason")
    if len(cleaned) > TEXT_MAX:
        raise DomainError("reason is too long", field="reason", rule="plan.return_reason")
    return cleaned


def check_plan_adoption(plan: OperationalPlan, decision: Decision, balances: Sequence[YearBalance]) -> bool:
    """Whether adopting is a change (True) or a repeat of the same adoption (False)."""
    if plan.state is PlanState.ADOPTED:
        if plan.adopted == decision:
            return False
        raise Conflict("the plan is already adopted by another decision", field="id", rule="plan.already_adopted")
    if plan.state is not PlanState.SUBMITTED:
        raise Conflict(
            f"only a SUBMITTED plan can be adopted; this one is {plan.state}", field="id", rule="plan.transition"
        )
    if decision.body_id != plan.organization_id:
        raise DomainError(
            "a verksamhetsplan is adopted by its own nämnd or bolag (its own decision)",
            field="decision.bodyId",
            rule="plan.decision_body",
        )
    # Frames may have changed (a revised directive) since the plan was submitted.
    check_balanced(balances)
    return True


# ---------------------------------------------------------------- sammanställning
def compile_cycle(
    cycle_id: uuid.UUID,
    plans: Sequence[OperationalPlan],
    recipients: Sequence[uuid.UUID],
    goal_recipients: Mapping[uuid.UUID, Sequence[uuid.UUID]],
    served_by_plan: Mapping[uuid.UUID, Collection[uuid.UUID]],
    as_of: date | None = None,
) -> Compilation:
    """All plans; the recipients of the cycle's directives without a plan; and each concrete goal of the
    directives with the recipients whose plan holds no verksamhetsmål serving it.

    ``goal_recipients``: concrete goal → the directive recipients it is directed to, in order.
    ``served_by_plan``: plan id → the concrete goals its verksamhetsmål serve.
    ``as_of``: the date whose structure both were taken from (None: as it stands now), for the answer.
    """
    plan_of = {p.organization_id: p for p in plans}
    missing = tuple(oid for oid in dict.fromkeys(recipients) if oid not in plan_of)
    uncovered = []
    for goal_id, orgs in goal_recipients.items():
        lacking = tuple(
            oid for oid in orgs if oid not in plan_of or goal_id not in served_by_plan.get(plan_of[oid].id, ())
        )
        if lacking:
            uncovered.append(UncoveredGoal(goal_id, lacking))
    return Compilation(cycle_id, tuple(p.id for p in plans), missing, tuple(uncovered), as_of)


# ---------------------------------------------------------------- the goal structure on a date
def goal_in_force(goal: KnownGoal | None, on: date) -> bool:
    """Whether the goal was in force on ``on``: adopted by a decision dated on or before it and not
    retired by then. An adoption or retirement whose date planning never learned (projected before
    the dates were) counts as on every date, so such a goal is in force always or never."""
    if goal is None or goal.state is GoalState.DRAFT:
        return False
    if goal.adopted_on is not None and goal.adopted_on > on:
        return False
    if goal.state is GoalState.RETIRED:
        return goal.retired_on is not None and on < goal.retired_on
    return True


def link_in_effect(link: GoalLink, on: date) -> bool:
    """Whether the link's own period holds ``on`` (from inclusive, to exclusive); a link without a start
    takes effect with its child's adoption, which ``goal_in_force`` of the child decides."""
    started = link.effective_from is None or link.effective_from <= on
    return started and (link.effective_to is None or on < link.effective_to)


def parents_on(
    child: KnownGoal | None,
    links: Iterable[GoalLink],
    goals: Mapping[uuid.UUID, KnownGoal],
    on: date,
    *,
    in_force_only: bool,
) -> list[uuid.UUID]:
    """The goals ``child`` serves on ``on``: by the links whose own period holds the day. ``in_force_only``
    (a date asked for): only between goals both in force then. Otherwise (now): whatever the goals' states,
    so a draft verksamhetsmål serves what its plan proposes."""
    if in_force_only and not goal_in_force(child, on):
        return []
    return list(
        dict.fromkeys(
            ln.parent_id
            for ln in links
            if link_in_effect(ln, on) and (not in_force_only or goal_in_force(goals.get(ln.parent_id), on))
        )
    )


def served_by_plans(
    plan_goal_ids: Mapping[uuid.UUID, Sequence[uuid.UUID]],
    links: Mapping[uuid.UUID, Sequence[GoalLink]],
    goals: Mapping[uuid.UUID, KnownGoal],
    as_of: date | None,
    today: date,
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Per plan: the goals its verksamhetsmål serve (``parents_on`` each), in the order of the plan; on
    ``as_of`` by the structure in force then, without it as the structure stands ``today``."""
    on = as_of or today
    return {
        plan_id: list(
            dict.fromkeys(
                p
                for gid in goal_ids
                for p in parents_on(goals.get(gid), links.get(gid, ()), goals, on, in_force_only=as_of is not None)
            )
        )
        for plan_id, goal_ids in plan_goal_ids.items()
    }


def goals_on(
    goal_ids: Sequence[uuid.UUID], goals: Mapping[uuid.UUID, KnownGoal], as_of: date | None
) -> list[uuid.UUID]:
    """``goal_ids`` as they stand now, or only those in force on ``as_of``."""
    if as_of is None:
        return list(goal_ids)
    return [g for g in goal_ids if goal_in_force(goals.get(g), as_of)]


def link_date_of_legacy_event(child_state: GoalState | None, recorded_on: date) -> date | None:
    """The date a goal.linked.v1 or goal.unlinked.v1 took effect, by the meaning those events had: a change
    to a goal in force took effect the day it was recorded; a draft's links take effect with its adoption
    (linked: None) or never did (unlinked: None, the link is removed)."""
    if child_state is None or child_state is GoalState.DRAFT:
        return None
    return recorded_on
