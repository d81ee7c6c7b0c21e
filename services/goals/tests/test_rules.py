"""Unit tests of the goal-structure rules (pure domain, no I/O)."""

import uuid
from datetime import date

import pytest

from vsm_common.errors import DomainError
from vsm_goals.domain import rules
from vsm_goals.domain.model import GoalLevel, Organization, OrganizationKind

L = GoalLevel


def org(kind: OrganizationKind, code: str = "X") -> Organization:
    return Organization(uuid.uuid4(), code, code, kind)


@pytest.mark.parametrize(
    ("level", "parent", "ok"),
    [
        (L.ACTION_PROGRAMME, L.OVERARCHING, True),
        (L.CONCRETE, L.ACTION_PROGRAMME, True),
        (L.CONCRETE, L.OVERARCHING, True),
        (L.OPERATIONAL, L.CONCRETE, True),
        (L.OVERARCHING, L.OVERARCHING, False),
        (L.OPERATIONAL, L.OVERARCHING, False),  # skipping levels
        (L.OPERATIONAL, L.ACTION_PROGRAMME, False),
        (L.ACTION_PROGRAMME, L.CONCRETE, False),  # downward
        (L.CONCRETE, L.OPERATIONAL, False),
    ],
)
def test_links_go_only_upward(level: GoalLevel, parent: GoalLevel, ok: bool) -> None:
    parents = {uuid.uuid4(): parent}
    if ok:
        rules.check_parent_levels(level, parents)
    else:
        with pytest.raises(DomainError) as info:
            rules.check_parent_levels(level, parents)
        assert info.value.rule == "goal.parent_level"
        assert info.value.key == "parent_ids"


def test_cycle_is_refused() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    with pytest.raises(DomainError, match="cycle"):
        rules.check_no_cycle(a, b, {a})
    with pytest.raises(DomainError, match="cycle"):
        rules.check_no_cycle(a, a, set())
    rules.check_no_cycle(a, b, set())


def test_concrete_goals_go_to_committees_or_companies() -> None:
    rules.check_organizations(L.CONCRETE, [org(OrganizationKind.COMMITTEE), org(OrganizationKind.COMPANY)])
    with pytest.raises(DomainError) as info:
        rules.check_organizations(L.CONCRETE, [org(OrganizationKind.UNIT, "U1")])
    assert info.value.rule == "goal.concrete_recipient_kind"


def test_operational_goal_has_one_owner() -> None:
    rules.check_organizations(L.OPERATIONAL, [org(OrganizationKind.COMMITTEE)])
    with pytest.raises(DomainError) as info:
        rules.check_organizations(L.OPERATIONAL, [org(OrganizationKind.COMMITTEE), org(OrganizationKind.COMPANY)])
    assert info.value.rule == "goal.operational_owner"


def test_overarching_goal_takes_no_organisations() -> None:
    with pytest.raises(DomainError) as info:
        rules.check_organizations(L.OVERARCHING, [org(OrganizationKind.COMMITTEE)])
    assert info.value.rule == "goal.organizations_not_allowed"


def test_title_rules() -> None:
    assert rules.check_title("  Trygghet  ") == "Trygghet"
    with pytest.raises(DomainError) as info:
        rules.check_title("   ")
    assert (info.value.key, info.value.rule) == ("title", "title.required")
    with pytest.raises(DomainError):
        rules.check_title("x" * (rules.TITLE_MAX + 1))


def test_concrete_goal_lives_at_most_three_years() -> None:
    rules.check_validity(L.CONCRETE, date(2027, 1, 1), date(2029, 12, 31))
    with pytest.raises(DomainError) as info:
        rules.check_validity(L.CONCRETE, date(2027, 1, 1), date(2031, 1, 1))
    assert info.value.rule == "goal.concrete_validity"
    with pytest.raises(DomainError) as info:
        rules.check_validity(L.OVERARCHING, date(2027, 1, 1), date(2026, 1, 1))
    assert info.value.rule == "goal.validity_order"


def test_organisation_code_and_hierarchy() -> None:
    council = org(OrganizationKind.COUNCIL, "KF")
    assert rules.check_organization(" bun ", "Barn- och ungdomsnämnden", OrganizationKind.COMMITTEE, council) == (
        "BUN",
        "Barn- och ungdomsnämnden",
    )
    with pytest.raises(DomainError) as info:
        rules.check_organization("B U N", "x", OrganizationKind.COMMITTEE, council)
    assert info.value.rule == "organization.code_format"
    with pytest.raises(DomainError) as info:
        rules.check_organization("E1", "Enhet", OrganizationKind.UNIT, council)
    assert info.value.rule == "organization.parent_kind"


def test_only_overarching_goals_name_themes() -> None:
    rules.check_themes(L.OVERARCHING, [uuid.uuid4()])
    with pytest.raises(DomainError) as info:
        rules.check_themes(L.CONCRETE, [uuid.uuid4()])
    assert info.value.rule == "goal.themes_level"
