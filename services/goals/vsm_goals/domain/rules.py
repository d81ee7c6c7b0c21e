"""Rules of the goal structure, each raising a DomainError that names field and rule."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import date

from vsm_common.errors import DomainError

from .model import GoalLevel, Organization, OrganizationKind

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


def check_title(title: str, field: str = "input.title") -> str:
    cleaned = title.strip()
    if not cleaned:
        raise DomainError("title must not be empty", field=field, rule="title.required")
    if len(cleaned) > TITLE_MAX:
        raise DomainError(f"title must be at most {TITLE_MAX} characters", field=field, rule="title.max_length")
    return cleaned


def check_organization(code: str, name: str, kind: OrganizationKind, parent: Organization | None) -> tuple[str, str]:
    code = code.strip().upper()
    if not code:
        raise DomainError("code must not be empty", field="input.code", rule="organization.code_required")
    if len(code) > CODE_MAX or not all(c.isalnum() or c in "-_" for c in code):
        raise DomainError(
            f"code must be 1-{CODE_MAX} letters, digits, '-' or '_'",
            field="input.code",
            rule="organization.code_format",
        )
    name = name.strip()
    if not name:
        raise DomainError("name must not be empty", field="input.name", rule="organization.name_required")
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_ORG_PARENTS[kind]:
        raise DomainError(
            f"an organisation of kind {kind} cannot sit under {parent_kind or 'no parent'}",
            field="input.parentId",
            rule="organization.parent_kind",
        )
    return code, name


def check_parent_levels(level: GoalLevel, parent_levels: Mapping[uuid.UUID, GoalLevel], field: str) -> None:
    allowed = ALLOWED_PARENT_LEVELS[level]
    for parent_id, parent_level in parent_levels.items():
        if parent_level not in allowed:
            wanted = " or ".join(sorted(allowed)) or "no goal"
            raise DomainError(
                f"a {level} goal may serve {wanted}, not the {parent_level} goal {parent_id}",
                field=field,
                rule="goal.parent_level",
            )


def check_no_cycle(child_id: uuid.UUID, parent_id: uuid.UUID, ancestors_of_parent: Collection[uuid.UUID]) -> None:
    if parent_id == child_id or child_id in ancestors_of_parent:
        raise DomainError("linking these goals would create a cycle", field="parentId", rule="goal.no_cycle")


def check_organizations(
    level: GoalLevel, organizations: Sequence[Organization], field: str = "input.organizationIds"
) -> None:
    if level is GoalLevel.CONCRETE:
        for org in organizations:
            if org.kind not in RECIPIENT_KINDS:
                raise DomainError(
                    f"a CONCRETE goal is directed to nämnder or bolag; {org.code} is {org.kind}",
                    field=field,
                    rule="goal.concrete_recipient_kind",
                )
    elif level is GoalLevel.OPERATIONAL:
        if len(organizations) > 1:
            raise DomainError(
                "an OPERATIONAL goal is owned by exactly one nämnd or bolag", field=field, rule="goal.operational_owner"
            )
        for org in organizations:
            if org.kind not in RECIPIENT_KINDS:
                raise DomainError(
                    f"an OPERATIONAL goal is owned by a nämnd or bolag; {org.code} is {org.kind}",
                    field=field,
                    rule="goal.operational_owner",
                )
    elif organizations:
        raise DomainError(
            f"a {level} goal belongs to the whole municipality and takes no organisations",
            field=field,
            rule="goal.organizations_not_allowed",
        )


def check_validity(level: GoalLevel, valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError("validTo must not be before validFrom", field="input.validTo", rule="goal.validity_order")
    if level is GoalLevel.CONCRETE and valid_from and valid_to:
        years = (valid_to - valid_from).days / 365.25
        if years > 3.01:
            raise DomainError(
                "a CONCRETE goal is valid for 1-3 years", field="input.validTo", rule="goal.concrete_validity"
            )


def check_themes(level: GoalLevel, theme_ids: Sequence[uuid.UUID]) -> None:
    if theme_ids and level is not GoalLevel.OVERARCHING:
        raise DomainError(
            "only OVERARCHING goals name the vision themes they serve", field="input.themeIds", rule="goal.themes_level"
        )


def check_valid_on(d: date | None) -> None:
    if d is not None and not (1900 <= d.year <= 2200):
        raise DomainError("date out of range", field="input.validFrom", rule="date.range")
