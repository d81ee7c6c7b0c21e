"""Action state transitions and overdue; assessment rules (pure domain)."""

import uuid
from datetime import date

import pytest

from vsm_common.errors import Conflict, DomainError
from vsm_followup.domain import actions, assessments
from vsm_followup.domain.model import ActionState, AssessmentStatus, PeriodKind, ReportingPeriod

A = ActionState
S = AssessmentStatus


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (A.NOT_STARTED, A.IN_PROGRESS),
        (A.NOT_STARTED, A.DONE),
        (A.NOT_STARTED, A.CANCELLED),
        (A.NOT_STARTED, A.DELAYED),
        (A.IN_PROGRESS, A.DELAYED),
        (A.IN_PROGRESS, A.DONE),
        (A.DELAYED, A.IN_PROGRESS),
        (A.DELAYED, A.CANCELLED),
    ],
)
def test_allowed_transitions(current: ActionState, new: ActionState) -> None:
    assert actions.check_transition(current, new) is True


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (A.DONE, A.IN_PROGRESS),
        (A.DONE, A.CANCELLED),
        (A.CANCELLED, A.NOT_STARTED),
        (A.IN_PROGRESS, A.NOT_STARTED),
        (A.DELAYED, A.NOT_STARTED),
    ],
)
def test_refused_transitions(current: ActionState, new: ActionState) -> None:
    with pytest.raises(Conflict) as info:
        actions.check_transition(current, new)
    assert (info.value.rule, info.value.key) == ("action.transition", "state")


def test_repeating_the_state_is_a_harmless_no_op() -> None:
    for state in A:
        assert actions.check_transition(state, state) is False


def test_overdue() -> None:
    today = date(2026, 11, 26)
    assert actions.is_overdue(A.IN_PROGRESS, date(2026, 10, 31), today)
    assert actions.is_overdue(A.DELAYED, date(2026, 11, 25), today)
    assert not actions.is_overdue(A.NOT_STARTED, today, today)  # due today is not late yet
    assert not actions.is_overdue(A.DONE, date(2026, 1, 1), today)
    assert not actions.is_overdue(A.CANCELLED, date(2026, 1, 1), today)
    assert not actions.is_overdue(A.NOT_STARTED, None, today)


def test_action_title_is_required() -> None:
    assert actions.check_title("  Utöka   studiehandledning ") == "Utöka studiehandledning"
    with pytest.raises(DomainError) as info:
        actions.check_title(" ")
    assert (info.value.key, info.value.rule) == ("title", "title.required")


@pytest.mark.parametrize("status", [S.PARTLY_ACHIEVED, S.NOT_ACHIEVED, S.NOT_ASSESSED])
def test_analysis_is_required_for_anything_but_achieved(status: AssessmentStatus) -> None:
    for empty in (None, "", "   "):
        with pytest.raises(DomainError) as info:
            assessments.check_assessment(status, empty, None)
        assert (info.value.key, info.value.rule) == ("analysis", "assessment.analysis_required")
    assert assessments.check_assessment(status, "  Därför.  ", None) == "Därför."


def test_achieved_needs_no_analysis_unless_it_overrides() -> None:
    assert assessments.check_assessment(S.ACHIEVED, None, None) is None
    assert assessments.check_assessment(S.ACHIEVED, " ", S.ACHIEVED) is None
    with pytest.raises(DomainError) as info:
        assessments.check_assessment(S.ACHIEVED, None, S.NOT_ACHIEVED)
    assert info.value.rule == "assessment.override_reason"
    assert assessments.check_assessment(S.ACHIEVED, "Nytt beslut i nämnden.", S.NOT_ACHIEVED)


def test_analysis_length_is_bounded() -> None:
    with pytest.raises(DomainError) as info:
        assessments.check_assessment(S.NOT_ACHIEVED, "x" * (assessments.ANALYSIS_MAX + 1), None)
    assert info.value.rule == "text.too_long"


def test_a_goal_retired_by_the_periods_end_is_not_assessed_in_it() -> None:
    p = ReportingPeriod(
        uuid.uuid4(), 2026, PeriodKind.INTERIM, "Delår 2026", date(2026, 1, 1), date(2026, 8, 31), False
    )
    assessments.check_goal_in_force(None, p)
    assessments.check_goal_in_force(date(2026, 9, 1), p)
    for retired in (date(2026, 8, 31), date(2026, 3, 1), date(2025, 12, 31)):
        with pytest.raises(Conflict) as info:
            assessments.check_goal_in_force(retired, p)
        assert info.value.rule == "goal.retired"
