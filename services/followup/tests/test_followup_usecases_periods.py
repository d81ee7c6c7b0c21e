"""Use cases of reporting periods on the in-memory unit of work: define a year's, close one."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from followup_fakes import NOW, FakeFollowupUnitOfWork

from vsm_common.contracts import followup
from vsm_common.errors import DomainError, NotFound
from vsm_followup.domain.errors import TARGET
from vsm_followup.domain.model import Assessment, AssessmentStatus, PeriodKind, ReportingPeriod
from vsm_followup.service import periods as period_cases


def t1(year: int = 2027, closed: bool = False) -> ReportingPeriod:
    return ReportingPeriod(
        uuid.uuid4(), year, PeriodKind.TERTIAL, f"T1 {year}", date(year, 1, 1), date(year, 4, 30), closed
    )


async def test_define_periods_adds_the_missing_ones_and_tells_of_those_only() -> None:
    uow = FakeFollowupUnitOfWork()
    first = await period_cases.define_periods(uow, 2027, [PeriodKind.TERTIAL, PeriodKind.ANNUAL])

    assert [p.label for p in first] == ["T1 2027", "T2 2027", "Helår 2027"]
    assert uow.committed
    assert [e.type for e in uow.published] == [followup.PERIOD_DEFINED.name] * 3
    assert {e.data["label"] for e in uow.published} == {p.label for p in first}

    again = FakeFollowupUnitOfWork()
    again.periods = uow.periods
    assert await period_cases.define_periods(again, 2027, [PeriodKind.TERTIAL, PeriodKind.ANNUAL]) == first
    assert again.committed and again.published == []


async def test_define_periods_refuses_no_kind_and_writes_nothing() -> None:
    uow = FakeFollowupUnitOfWork()
    with pytest.raises(DomainError) as refused:
        await period_cases.define_periods(uow, 2027, [])
    assert refused.value.rule == "period.kinds_required"
    assert uow.periods.rows == {} and uow.published == []


async def test_close_period_freezes_its_assessments_once() -> None:
    uow = FakeFollowupUnitOfWork()
    period = t1()
    uow.periods.given(period)
    uow.assessments.given(
        Assessment(uuid.uuid4(), period.id, AssessmentStatus.ACHIEVED, None, None, None, NOW),
        Assessment(uuid.uuid4(), period.id, AssessmentStatus.NOT_ACHIEVED, None, "x", None, NOW),
    )

    closed = await period_cases.close_period(uow, period.id)

    assert closed.closed and uow.periods.rows[period.id].closed
    assert uow.committed
    [event] = uow.published
    assert event.type == followup.PERIOD_CLOSED.name
    assert (event.subject, event.data["frozenAssessments"]) == (str(period.id), 2)

    # Closing it again changes nothing and tells no one.
    assert (await period_cases.close_period(uow, period.id)).closed
    assert len(uow.published) == 1


async def test_close_period_refuses_an_unknown_period() -> None:
    uow = FakeFollowupUnitOfWork()
    with pytest.raises(NotFound) as refused:
        await period_cases.close_period(uow, uuid.uuid4())
    assert (refused.value.key, refused.value.rule) == (TARGET, "period.exists")
    assert uow.rolled_back and uow.published == []
