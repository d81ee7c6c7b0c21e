"""Assessing a goal (bedöm måluppfyllelse) on the in-memory unit of work."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from followup_fakes import NOW, FakeFollowupUnitOfWork

from vsm_common.access import RowScope
from vsm_common.contracts import followup
from vsm_common.errors import Conflict, Forbidden
from vsm_followup.domain.model import (
    Assessment,
    AssessmentStatus,
    Direction,
    FulfilmentBasis,
    Indicator,
    IndicatorSource,
    Measurement,
    PeriodKind,
    ProjectedGoal,
    ProjectedOrganization,
    ReportingPeriod,
)
from vsm_followup.service import assessments as assessment_cases
from vsm_followup.settings import FollowupSettings

S = AssessmentStatus
SETTINGS = FollowupSettings()
SN = ProjectedOrganization(uuid.uuid4(), "SN", "Socialnämnden", "COMMITTEE")
BUN = ProjectedOrganization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", "COMMITTEE")


def delar(closed: bool = False) -> ReportingPeriod:
    return ReportingPeriod(
        uuid.uuid4(), 2027, PeriodKind.INTERIM, "Delår 2027", date(2027, 1, 1), date(2027, 8, 31), closed
    )


def arranged(period: ReportingPeriod) -> tuple[FakeFollowupUnitOfWork, ProjectedGoal]:
    """SN's concrete goal with one own indicator at 70 of a target of 80 (partly achieved) and a
    verksamhetsmål under it that SN assessed as achieved."""
    uow = FakeFollowupUnitOfWork()
    goal = ProjectedGoal(uuid.uuid4(), "CONCRETE", "ADOPTED", "Tryggare hemtjänst", organization_ids=(SN.id,))
    leaf = ProjectedGoal(uuid.uuid4(), "OPERATIONAL", "ADOPTED", "Fast omsorgskontakt", organization_ids=(SN.id,))
    ind = Indicator(uuid.uuid4(), "Trygga brukare", "%", Direction.HIGHER_IS_BETTER, IndicatorSource.OWN)
    uow.organizations.given(SN, BUN)
    uow.goals.given(goal, leaf)
    uow.goals.link(leaf.id, goal.id)
    uow.periods.given(period)
    uow.assessments.given(Assessment(leaf.id, period.id, S.ACHIEVED, None, None, SN.id, NOW))
    uow.indicators.given(ind)
    uow.indicators.goal_links.add((ind.id, goal.id))
    uow.indicators.targets[(ind.id, 2027)] = 80.0
    uow.indicators.measurements[(ind.id, 2027, period.id, None, "T")] = Measurement(ind.id, 2027, 70.0, period.id)
    return uow, goal


async def test_assess_goal_records_the_assessment_with_what_the_indicators_suggest() -> None:
    period = delar()
    uow, goal = arranged(period)

    result = await assessment_cases.assess_goal(
        uow,
        SETTINGS,
        goal.id,
        period.id,
        S.PARTLY_ACHIEVED,
        "Fler vikarier än planerat.",
        scope=RowScope.of_organization("SN"),
    )

    saved = uow.assessments.rows[(goal.id, period.id)]
    assert (saved.status, saved.suggested_status, saved.assessed_by) == (S.PARTLY_ACHIEVED, S.PARTLY_ACHIEVED, SN.id)
    assert (result.status, result.basis, result.rolled_up_status) == (
        S.PARTLY_ACHIEVED,
        FulfilmentBasis.OVERRIDDEN,
        S.ACHIEVED,
    )
    assert uow.committed
    [event] = uow.published
    assert event.type == followup.ASSESSMENT_RECORDED.name
    assert {
        k: event.data[k] for k in ("goalId", "status", "previousStatus", "rolledUpStatus", "basis", "hasAnalysis")
    } == {
        "goalId": str(goal.id),
        "status": "PARTLY_ACHIEVED",
        "previousStatus": None,
        "rolledUpStatus": "ACHIEVED",
        "basis": "OVERRIDDEN",
        "hasAnalysis": True,
    }


async def test_assess_goal_refuses_a_closed_period() -> None:
    period = delar(closed=True)
    uow, goal = arranged(period)
    with pytest.raises(Conflict) as refused:
        await assessment_cases.assess_goal(uow, SETTINGS, goal.id, period.id, S.ACHIEVED, None, scope=RowScope.all())
    assert refused.value.rule == "period.closed"
    assert (goal.id, period.id) not in uow.assessments.rows
    assert uow.rolled_back and uow.published == []


async def test_assess_goal_refuses_a_committee_that_neither_owns_nor_receives_the_goal() -> None:
    period = delar()
    uow, goal = arranged(period)
    with pytest.raises(Forbidden) as refused:
        await assessment_cases.assess_goal(
            uow, SETTINGS, goal.id, period.id, S.ACHIEVED, None, scope=RowScope.of_organization("BUN")
        )
    assert (refused.value.key, refused.value.rule) == ("goal_id", "access.own_organization")
    assert (goal.id, period.id) not in uow.assessments.rows and uow.published == []


async def test_assess_goal_refuses_a_committee_naming_another_assessor() -> None:
    period = delar()
    uow, goal = arranged(period)
    with pytest.raises(Forbidden) as refused:
        await assessment_cases.assess_goal(
            uow, SETTINGS, goal.id, period.id, S.ACHIEVED, None, BUN.id, scope=RowScope.of_organization("SN")
        )
    assert (refused.value.key, refused.value.rule) == ("assessed_by", "access.own_organization")
    assert (goal.id, period.id) not in uow.assessments.rows and uow.published == []
