"""Rules of directives (planeringsdirektiv, ägardirektiv): recipients, revisions, budget frames (budgetramar),
konkretiserade mål, särskilda uppdrag and adoption. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from vsm_common.errors import TARGET, Conflict, DomainError, NotFound

from .cycles import DRAFTING_PHASES, REVISION_PHASES, plan_years
from .errors import item
from .model import (
    Assignment,
    BudgetFrame,
    Decision,
    Directive,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalLevel,
    GoalState,
    KnownGoal,
    KnownOrganization,
    OrganizationKind,
    PhaseKind,
)
from .values import check_amount, check_title, check_year

RECIPIENT_KIND: Mapping[DirectiveKind, OrganizationKind] = {
    DirectiveKind.PLANNING_DIRECTIVE: OrganizationKind.COMMITTEE,
    DirectiveKind.OWNER_DIRECTIVE: OrganizationKind.COMPANY,
}


def check_recipients(kind: DirectiveKind, recipients: Sequence[KnownOrganization]) -> None:
    if not recipients:
        raise DomainError(
            "a directive is addressed to at least one nämnd or bolag",
            key="recipient_ids",
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
                key="recipient_ids",
                rule="directive.recipient_kind",
            )


def check_recipient_list(recipient_ids: Sequence[uuid.UUID]) -> tuple[uuid.UUID, ...]:
    """The new recipients of a directive as given: at least one, each once (a list with a recipient twice
    is a mistake in the caller's data, not something to guess the meaning of)."""
    if not recipient_ids:
        raise DomainError(
            "a directive is addressed to at least one nämnd or bolag",
            key="recipient_ids",
            rule="directive.recipients_required",
        )
    seen: set[uuid.UUID] = set()
    for i, oid in enumerate(recipient_ids):
        if oid in seen:
            raise DomainError(
                f"organisation {oid} is given twice",
                key=item("recipient_ids", i),
                rule="directive.recipient_duplicate",
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
                key="recipient_ids",
                rule="directive.recipient_assignment",
            )
    for gid in content.concrete_goal_ids:
        goal = goals.get(gid)
        if goal is not None and not keep & set(goal.organization_ids):
            raise Conflict(
                f"the konkretiserat mål {goal.title or gid!r} of {directive.title} is directed to none of the new "
                "recipients; keep one it is directed to",
                key="recipient_ids",
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


def check_revisable(directive: Directive, pending: Directive | None) -> None:
    """An adopted directive changes through one new revision at a time; a superseded one never changes."""
    if directive.state is DirectiveState.SUPERSEDED:
        raise Conflict(
            f"revision {directive.revision} of {directive.title} is superseded; change the revision in force",
            key=TARGET,
            rule="directive.superseded",
        )
    if directive.state is DirectiveState.ADOPTED and pending is not None:
        raise Conflict(
            f"{directive.title} already has a draft revision {pending.revision} ({pending.id}); change that one",
            key=TARGET,
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
        if f.organization_id not in content.recipient_ids:
            raise DomainError(
                f"organisation {f.organization_id} is not a recipient of {directive.title}",
                key=item("frames", i, "organization_id"),
                rule="directive.frame_recipient",
            )
        if f.year not in years:
            raise DomainError(
                f"a frame of budget year {directive.budget_year} is for {years[0]}–{years[-1]}, not {f.year}",
                key=item("frames", i, "year"),
                rule="directive.frame_year",
            )
        if (f.organization_id, f.year) in seen:
            raise DomainError(
                f"two frames for the same organisation and year {f.year}",
                key=item("frames", i),
                rule="directive.frame_duplicate",
            )
        seen.add((f.organization_id, f.year))
        out.append(BudgetFrame(f.organization_id, f.year, check_amount(f.amount, item("frames", i, "amount"))))
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
            key=TARGET,
            rule="directive.tax_rate_kind",
        )


def check_concrete_goals(content: DirectiveContent, goals: Sequence[KnownGoal]) -> None:
    """Concrete goals directed to a recipient, at ``goal_ids``: those given to addConcreteGoals, or (at adoption)
    the directive's own, which adoptDirective has always answered at goalIds too."""
    for goal in goals:
        if goal.level is not GoalLevel.CONCRETE:
            raise DomainError(
                f"a directive establishes konkretiserade mål (CONCRETE); goal {goal.id} is {goal.level}",
                key="goal_ids",
                rule="directive.goal_level",
            )
        if goal.state is GoalState.RETIRED:
            raise DomainError(f"goal {goal.id} is retired", key="goal_ids", rule="directive.goal_retired")
        if not set(goal.organization_ids) & set(content.recipient_ids):
            raise DomainError(
                f"goal {goal.id} is not directed to any recipient of this directive",
                key="goal_ids",
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
            key="recipient_ids",
            rule="assignment.recipients_required",
        )
    for oid in recipients:
        if oid not in content.recipient_ids:
            raise DomainError(
                f"organisation {oid} is not a recipient of the directive",
                key="recipient_ids",
                rule="assignment.recipient",
            )
    if due_on is not None:
        check_year(due_on.year, "due_on")
    return title, recipients


def check_complete(
    directive: Directive, content: DirectiveContent, codes: Mapping[uuid.UUID, str] | None = None
) -> None:
    """A directive can be adopted only with a frame for every recipient and each of its three years."""
    if not content.recipient_ids:
        raise DomainError(
            "a directive without recipients cannot be adopted", key=TARGET, rule="directive.recipients_required"
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
            "budget frames are missing for: " + ", ".join(missing), key=TARGET, rule="directive.frames_incomplete"
        )


def check_council_decision(decision: Decision, body: KnownOrganization | None) -> None:
    if body is None:
        raise NotFound(
            f"organisation {decision.body_id} is not known to planning",
            key="decision.body_id",
            rule="organization.exists",
        )
    if body.kind is not OrganizationKind.COUNCIL:
        raise DomainError(
            f"a directive is adopted by kommunfullmäktige (COUNCIL); {body.code} is {body.kind}",
            key="decision.body_id",
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
            key=TARGET,
            rule="directive.already_adopted",
        )
    if directive.state is DirectiveState.SUPERSEDED:
        raise Conflict(f"revision {directive.revision} is superseded", key=TARGET, rule="directive.superseded")
    if superseded is not None and superseded.adopted is not None and decision.date < superseded.adopted.date:
        raise DomainError(
            f"the decision of revision {directive.revision} cannot predate the decision "
            f"({superseded.adopted.date}) of the revision it replaces",
            key="decision.date",
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
            key=TARGET,
            rule="directive.goals_pending",
        )


def initial_goal_establishment(goal_count: int) -> GoalEstablishmentState:
    """At adoption: PENDING until the goals service answers; with no goals there is nothing to wait for."""
    return GoalEstablishmentState.PENDING if goal_count else GoalEstablishmentState.ESTABLISHED


def check_assignment_directive(directive: Directive) -> None:
    if directive.state is not DirectiveState.ADOPTED:
        raise Conflict(
            "only an assignment of the adopted directive in force can progress",
            key=TARGET,
            rule="assignment.not_in_force",
        )
