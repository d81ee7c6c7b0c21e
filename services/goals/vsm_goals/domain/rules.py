"""Rules of the goal structure, each raising a DomainError that names rule and domain key (``domain/errors.py``;
``api/errors.py`` says which GraphQL path a key is in each mutation)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import date

from vsm_common.errors import TARGET, DomainError

from .errors import Key
from .model import (
    Decision,
    EstablishedBy,
    Goal,
    GoalLevel,
    GoalRefusal,
    GoalState,
    Organization,
    OrganizationKind,
)

TITLE_MAX = 300
CODE_MAX = 20

# A goal serves goals of the level(s) above it, never below and never skipping
# down (seed: övergripande mål → handlingsprogram → konkretiserade mål → verksamhetsmål).
ALLOWED_PARENT_LEVELS: Mapping[GoalLevel, frozenset[GoalLevel]] = {
    GoalLevel.OVERARCHING: frozenset(),
    GoalLevel.ACTION_PROGRAMME: frozenset({GoalLevel.OVERARCHING}),
    GoalLevel.CONCRETE: frozenset({GoalLevel.ACTION_PROGRAMME, GoalLevel.OVERARCHING}),
    GoalLevel.OPERATIONAL: frozenset({GoalLevel.CONCRETE}),
}

RECIPIENT_KINDS = frozenset({OrganizationKind.COMMITTEE, OrganizationKind.COMPANY})

# Which kinds may sit under which parent kind in the organisation tree.
ALLOWED_ORG_PARENTS: Mapping[OrganizationKind, frozenset[OrganizationKind | None]] = {
    OrganizationKind.COUNCIL: frozenset({None}),
    OrganizationKind.EXECUTIVE_BOARD: frozenset({OrganizationKind.COUNCIL, None}),
    OrganizationKind.COMMITTEE: frozenset({OrganizationKind.COUNCIL, None}),
    OrganizationKind.COMPANY: frozenset(
        {OrganizationKind.COUNCIL, OrganizationKind.EXECUTIVE_BOARD, OrganizationKind.COMPANY, None}
    ),
    OrganizationKind.ADMINISTRATION: frozenset({OrganizationKind.EXECUTIVE_BOARD, OrganizationKind.COMMITTEE, None}),
    OrganizationKind.UNIT: frozenset(
        {OrganizationKind.ADMINISTRATION, OrganizationKind.UNIT, OrganizationKind.COMPANY}
    ),
}


def check_title(title: str) -> str:
    cleaned = title.strip()
    if not cleaned:
        raise DomainError("title must not be empty", key="title", rule="title.required")
    if len(cleaned) > TITLE_MAX:
        raise DomainError(f"title must be at most {TITLE_MAX} characters", key="title", rule="title.max_length")
    return cleaned


def check_organization(code: str, name: str, kind: OrganizationKind, parent: Organization | None) -> tuple[str, str]:
    code = code.strip().upper()
    if not code:
        raise DomainError("code must not be empty", key="code", rule="organization.code_required")
    if len(code) > CODE_MAX or not all(c.isalnum() or c in "-_" for c in code):
        raise DomainError(
            f"code must be 1-{CODE_MAX} letters, digits, '-' or '_'",
            key="code",
            rule="organization.code_format",
        )
    name = name.strip()
    if not name:
        raise DomainError("name must not be empty", key="name", rule="organization.name_required")
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_ORG_PARENTS[kind]:
        raise DomainError(
            f"an organisation of kind {kind} cannot sit under {parent_kind or 'no parent'}",
            key="parent_id",
            rule="organization.parent_kind",
        )
    return code, name


def check_parent_levels(level: GoalLevel, parent_levels: Mapping[uuid.UUID, GoalLevel]) -> None:
    allowed = ALLOWED_PARENT_LEVELS[level]
    for parent_id, parent_level in parent_levels.items():
        if parent_level not in allowed:
            wanted = " or ".join(sorted(allowed)) or "no goal"
            raise DomainError(
                f"a {level} goal may serve {wanted}, not the {parent_level} goal {parent_id}",
                key="parent_ids",
                rule="goal.parent_level",
            )


def check_no_cycle(child_id: uuid.UUID, parent_id: uuid.UUID, ancestors_of_parent: Collection[uuid.UUID]) -> None:
    if parent_id == child_id or child_id in ancestors_of_parent:
        raise DomainError("linking these goals would create a cycle", key="parent_id", rule="goal.no_cycle")


def check_organizations(level: GoalLevel, organizations: Sequence[Organization]) -> None:
    if level is GoalLevel.CONCRETE:
        for org in organizations:
            if org.kind not in RECIPIENT_KINDS:
                raise DomainError(
                    f"a CONCRETE goal is directed to nämnder or bolag; {org.code} is {org.kind}",
                    key="organization_ids",
                    rule="goal.concrete_recipient_kind",
                )
    elif level is GoalLevel.OPERATIONAL:
        if len(organizations) > 1:
            raise DomainError(
                "an OPERATIONAL goal is owned by exactly one nämnd or bolag",
                key="organization_ids",
                rule="goal.operational_owner",
            )
        for org in organizations:
            if org.kind not in RECIPIENT_KINDS:
                raise DomainError(
                    f"an OPERATIONAL goal is owned by a nämnd or bolag; {org.code} is {org.kind}",
                    key="organization_ids",
                    rule="goal.operational_owner",
                )
    elif organizations:
        raise DomainError(
            f"a {level} goal belongs to the whole municipality and takes no organisations",
            key="organization_ids",
            rule="goal.organizations_not_allowed",
        )


# A CONCRETE goal lives 1-3 years (seed: "har en varaktighet på 1-3 år"), counted inclusively.
CONCRETE_MIN_DAYS = 365
CONCRETE_MAX_DAYS = 3 * 366


def check_validity(level: GoalLevel, valid_from: date | None, valid_to: date | None) -> None:
    _check_validity(level, valid_from, valid_to, "valid_to")


def _check_validity(level: GoalLevel, valid_from: date | None, valid_to: date | None, key: Key) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError("validTo must not be before validFrom", key=key, rule="goal.validity_order")
    if level is GoalLevel.CONCRETE and valid_from and valid_to:
        days = (valid_to - valid_from).days + 1
        if not CONCRETE_MIN_DAYS <= days <= CONCRETE_MAX_DAYS:
            raise DomainError(
                f"a CONCRETE goal is valid for 1-3 years; {valid_from} to {valid_to} is {days} days",
                key=key,
                rule="goal.concrete_validity",
            )


def check_themes(level: GoalLevel, theme_ids: Sequence[uuid.UUID]) -> None:
    if theme_ids and level is not GoalLevel.OVERARCHING:
        raise DomainError(
            "only OVERARCHING goals name the vision themes they serve", key="theme_ids", rule="goal.themes_level"
        )


# ---------------------------------------------------------------- decisions (beslut)
COUNCIL_LEVELS = frozenset({GoalLevel.OVERARCHING, GoalLevel.ACTION_PROGRAMME, GoalLevel.CONCRETE})


def check_decision_body(goal: Goal, body: Organization) -> None:
    """KF adopts, revises and retires OVERARCHING, ACTION_PROGRAMME and CONCRETE goals; the owning
    nämnd or bolag its OPERATIONAL goals (seed: "nämnder och bolag fastställer ... verksamhetsmål")."""
    if goal.level in COUNCIL_LEVELS:
        if body.kind is not OrganizationKind.COUNCIL:
            raise DomainError(
                f"a {goal.level} goal is decided by kommunfullmäktige (COUNCIL), not by {body.code}",
                key="decision.body_id",
                rule="decision.body_for_level",
            )
    elif body.id not in goal.organization_ids:
        raise DomainError(
            f"an OPERATIONAL goal is decided by the nämnd or bolag that owns it, not by {body.code}",
            key="decision.body_id",
            rule="decision.body_for_level",
        )


def check_decision_order(goal: Goal, decided_on: date) -> None:
    """A goal's decisions follow each other in time; history is judged by decision dates."""
    previous = goal.retired.date if goal.retired else goal.last_decision_on
    if previous is not None and decided_on < previous:
        raise DomainError(
            f"the decision date {decided_on} is before the goal's previous decision ({previous})",
            key="decision.date",
            rule="decision.date_order",
        )


def check_adoptable(goal: Goal, parents: Sequence[Goal], organizations: Sequence[Organization]) -> None:
    """Adoption needs the links and recipients of the goal's level, and parents in force."""
    if goal.state is not GoalState.DRAFT:
        raise DomainError(f"the goal is {goal.state}; only a DRAFT can be adopted", key=TARGET, rule="goal.state")
    required_parent = {
        GoalLevel.ACTION_PROGRAMME: "an ACTION_PROGRAMME goal serves at least one OVERARCHING goal",
        GoalLevel.CONCRETE: "a CONCRETE goal serves at least one ACTION_PROGRAMME or OVERARCHING goal",
        GoalLevel.OPERATIONAL: "an OPERATIONAL goal serves at least one CONCRETE goal",
    }.get(goal.level)
    if required_parent and not parents:
        raise DomainError(f"cannot adopt: {required_parent}", key="parent_ids", rule="goal.adoption_needs_parent")
    for parent in parents:
        if parent.state is not GoalState.ADOPTED:
            raise DomainError(
                f"cannot adopt: the goal it serves ({parent.title}) is {parent.state}, not in force",
                key="parent_ids",
                rule="goal.parent_in_force",
            )
    if goal.level is GoalLevel.CONCRETE:
        if not organizations:
            raise DomainError(
                "cannot adopt: a CONCRETE goal is directed to one or more nämnder or bolag",
                key="organization_ids",
                rule="goal.concrete_recipients",
            )
        if goal.valid_from is None or goal.valid_to is None:
            raise DomainError(
                "cannot adopt: a CONCRETE goal needs validFrom and validTo (1-3 years)",
                key="valid_to",
                rule="goal.concrete_validity",
            )
        # The stored goal's dates: answered as goal.validTo, as before the keys (not an adoptGoal argument).
        _check_validity(goal.level, goal.valid_from, goal.valid_to, "goal.valid_to")
    if goal.level is GoalLevel.OPERATIONAL and len(organizations) != 1:
        raise DomainError(
            "cannot adopt: an OPERATIONAL goal is owned by exactly one nämnd or bolag",
            key="organization_ids",
            rule="goal.operational_owner",
        )
    check_organizations(goal.level, organizations)


def check_revisable(goal: Goal, has_decision: bool) -> None:
    if goal.state is GoalState.RETIRED:
        raise DomainError("a retired goal cannot be revised", key=TARGET, rule="goal.retired")
    if goal.state is GoalState.ADOPTED and not has_decision:
        raise DomainError(
            "an adopted goal is never edited in place: a revision needs its own decision",
            key="decision",
            rule="goal.revision_needs_decision",
        )


def check_retirable(goal: Goal) -> None:
    if goal.state is not GoalState.ADOPTED:
        raise DomainError(
            f"the goal is {goal.state}; only an adopted goal can be retired", key=TARGET, rule="goal.state"
        )


def link_change_effective_on(goal: Goal, decision: Decision | None, effective_from: date | None) -> date | None:
    """The day a link made or removed on ``goal`` takes effect; None for a draft, whose links take
    effect with its adoption.

    The structure in force is only trustworthy if every change to it can be traced to a beslut, so
    on a goal in force a link change needs its decision and takes effect on a day of its own (by
    default the decision's), never before it was decided. A draft's links are part of the proposal
    the adoption decides on: a decision or date given for them would never be the one that counts,
    so they are refused rather than silently dropped (as ``reviseGoal`` does for drafts).
    """
    if goal.state is GoalState.RETIRED:
        raise DomainError(
            "a retired goal is no longer in force: its links are history", key=TARGET, rule="goal.retired"
        )
    if goal.state is GoalState.DRAFT:
        if decision is not None or effective_from is not None:
            raise DomainError(
                "a draft's links change without a decision: they take effect with its adoption",
                key="decision" if decision is not None else "effective_from",
                rule="goal.draft_link_without_decision",
            )
        return None
    if decision is None:
        raise DomainError(
            "the goal is in force: a change to its links needs a decision (beslut)",
            key="decision",
            rule="goal.link_decision_required",
        )
    check_decision_order(goal, decision.date)
    if effective_from is None:
        return decision.date
    if effective_from < decision.date:
        raise DomainError(
            f"a link change cannot take effect ({effective_from}) before it was decided ({decision.date})",
            key="effective_from",
            rule="decision.date_order",
        )
    return effective_from


def check_relink(effective_from: date | None, previous_end: date | None) -> None:
    """Two periods of the same link never overlap: a link ended on a day can be made again from that day."""
    if effective_from is not None and previous_end is not None and effective_from < previous_end:
        raise DomainError(
            f"these goals stay linked until {previous_end}; a new link can take effect from then",
            key="effective_from",
            rule="goal.link_overlap",
        )


# ---------------------------------------------------------------- the planning sagas
# What each kind of adoption establishes (seed: KF's planeringsdirektiv carries its konkretiserade mål,
# a nämnd's or bolag's verksamhetsplan its verksamhetsmål).
ESTABLISHED_LEVEL: Mapping[EstablishedBy, GoalLevel] = {
    EstablishedBy.DIRECTIVE: GoalLevel.CONCRETE,
    EstablishedBy.OPERATIONAL_PLAN: GoalLevel.OPERATIONAL,
}


def establishment_refusals(
    by: EstablishedBy,
    goal_ids: Sequence[uuid.UUID],
    goals: Mapping[uuid.UUID, Goal],
    parents: Mapping[uuid.UUID, Goal],
    organizations: Mapping[uuid.UUID, Organization],
    decided_on: date,
    body: Organization | None,
) -> list[GoalRefusal]:
    """Why the goals of an adopted directive or plan cannot all be established: one refusal per goal
    that breaks a rule, in the order given; empty when every goal can be.

    A goal already ADOPTED is established already (a repeated or replayed adoption, or a later revision
    of the directive that holds it again) and is not refused. A DRAFT must pass the same rules as a
    direct adoption with the directive's or plan's decision. ``goals`` lacks the ids the goals service
    does not know: planning learns goal ids only from this service's committed events, so an unknown id
    never arrives later (it was never created here, or the data was restored) and is refused, not waited for.
    """
    level = ESTABLISHED_LEVEL[by]
    refusals: list[GoalRefusal] = []
    for goal_id in goal_ids:
        goal = goals.get(goal_id)
        try:
            if goal is None:
                raise DomainError(f"the goals service has no goal {goal_id}", key="goal_ids", rule="goal.exists")
            if goal.level is not level:
                raise DomainError(
                    f"an adopted {by} establishes {level} goals; this goal is {goal.level}",
                    key="goal_ids",
                    rule="establishment.goal_level",
                )
            if goal.state is GoalState.ADOPTED:
                continue
            check_adoptable(
                goal,
                [parents[p] for p in goal.parent_ids if p in parents],
                [organizations[o] for o in goal.organization_ids if o in organizations],
            )
            if body is None:
                raise DomainError(
                    "the deciding body is not an organisation known to the goals service",
                    key="decision.body_id",
                    rule="organization.exists",
                )
            check_decision_body(goal, body)
            check_decision_order(goal, decided_on)
        except DomainError as refused:
            refusals.append(GoalRefusal(goal_id, refused.rule, refused.text()))
    return refusals
