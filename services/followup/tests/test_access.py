"""Whose goals a committee follows up: the pure row-level checks of service/access.py."""

from __future__ import annotations

import uuid

import pytest

from vsm_common.access import RowScope
from vsm_common.errors import Forbidden
from vsm_followup.domain.model import ProjectedOrganization
from vsm_followup.service import access

SN = ProjectedOrganization(uuid.uuid4(), "SN", "Socialnämnden", "COMMITTEE")
BUN = ProjectedOrganization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", "COMMITTEE")


def test_a_committee_acts_for_its_own_organisation_among_the_goals() -> None:
    assert access.acting_organization(RowScope.of_organization("BUN"), [SN, BUN], "goal_id") == BUN.id


def test_a_caller_reaching_every_goal_acts_for_none_of_its_organisations() -> None:
    assert access.acting_organization(RowScope.all(), [SN], "goal_id") is None


def test_a_committee_is_refused_a_goal_neither_owned_by_nor_addressed_to_it() -> None:
    with pytest.raises(Forbidden) as refused:
        access.acting_organization(RowScope.of_organization("BUN"), [SN], "goal_id")
    assert (refused.value.key, refused.value.rule) == ("goal_id", "access.own_organization")
    assert refused.value.text("goalId") == (
        "goalId: the goal is neither owned by nor addressed to BUN, the organisation of this token"
    )


def test_a_committee_assesses_in_its_own_name_only() -> None:
    scope = RowScope.of_organization("SN")
    access.require_own_assessor(scope, [SN, BUN], SN.id, "assessed_by")
    for other in (BUN.id, uuid.uuid4()):  # another of the goal's organisations, or one the goal does not name
        with pytest.raises(Forbidden) as refused:
            access.require_own_assessor(scope, [SN, BUN], other, "assessed_by")
        assert (refused.value.rule, refused.value.text("assessedById")) == (
            "access.own_organization",
            "assessedById: a committee token for SN assesses in its own name only",
        )


def test_a_caller_reaching_every_goal_names_any_assessor() -> None:
    access.require_own_assessor(RowScope.all(), [SN], uuid.uuid4(), "assessed_by")
