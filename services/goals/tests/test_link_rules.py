"""Unit tests of the rules for changing the links of a goal (pure domain, no I/O)."""

import uuid
from datetime import date

import pytest

from vsm_common.contracts import goals, schemas
from vsm_common.errors import TARGET, DomainError
from vsm_goals.domain import rules
from vsm_goals.domain.model import Decision, Goal, GoalLevel, GoalState
from vsm_goals.service import events

KF = uuid.uuid4()
ADOPTED_ON = date(2026, 2, 1)


def goal(state: GoalState) -> Goal:
    adopted = state is not GoalState.DRAFT
    return Goal(
        id=uuid.uuid4(),
        level=GoalLevel.ACTION_PROGRAMME,
        title="Trygghetsprogram",
        state=state,
        adopted=Decision(KF, ADOPTED_ON) if adopted else None,
        retired=Decision(KF, date(2026, 9, 1)) if state is GoalState.RETIRED else None,
        last_decision_on=ADOPTED_ON if adopted else None,
    )


def refused(g: Goal, decision: Decision | None, effective_from: date | None) -> DomainError:
    with pytest.raises(DomainError) as info:
        rules.link_change_effective_on(g, decision, effective_from)
    return info.value


def test_a_draft_changes_its_links_without_a_decision_and_they_wait_for_the_adoption() -> None:
    assert rules.link_change_effective_on(goal(GoalState.DRAFT), None, None) is None


def test_a_draft_refuses_a_decision_or_a_date_it_would_never_use() -> None:
    err = refused(goal(GoalState.DRAFT), Decision(KF, date(2026, 3, 1)), None)
    assert (err.key, err.rule) == ("decision", "goal.draft_link_without_decision")
    err = refused(goal(GoalState.DRAFT), None, date(2026, 3, 1))
    assert (err.key, err.rule) == ("effective_from", "goal.draft_link_without_decision")


def test_a_goal_in_force_needs_a_decision() -> None:
    err = refused(goal(GoalState.ADOPTED), None, None)
    assert (err.key, err.rule) == ("decision", "goal.link_decision_required")
    err = refused(goal(GoalState.ADOPTED), None, date(2027, 1, 1))
    assert (err.key, err.rule) == ("decision", "goal.link_decision_required")


def test_the_change_takes_effect_on_the_decision_date_by_default_or_later_when_asked() -> None:
    adopted = goal(GoalState.ADOPTED)
    decided = Decision(KF, date(2026, 5, 20), "§ 40", "KS 2026/00040")
    assert rules.link_change_effective_on(adopted, decided, None) == date(2026, 5, 20)
    assert rules.link_change_effective_on(adopted, decided, date(2026, 5, 20)) == date(2026, 5, 20)
    assert rules.link_change_effective_on(adopted, decided, date(2027, 1, 1)) == date(2027, 1, 1)


def test_a_change_never_takes_effect_before_it_was_decided() -> None:
    err = refused(goal(GoalState.ADOPTED), Decision(KF, date(2026, 5, 20)), date(2026, 5, 19))
    assert (err.key, err.rule) == ("effective_from", "decision.date_order")


def test_the_decision_follows_the_goals_earlier_decisions() -> None:
    err = refused(goal(GoalState.ADOPTED), Decision(KF, date(2026, 1, 15)), None)
    assert (err.key, err.rule) == ("decision.date", "decision.date_order")


def test_a_retired_goals_links_are_history() -> None:
    err = refused(goal(GoalState.RETIRED), Decision(KF, date(2026, 10, 1)), None)
    assert (err.key, err.rule) == (TARGET, "goal.retired")


def test_a_link_is_made_again_only_once_its_previous_period_has_ended() -> None:
    rules.check_relink(date(2027, 1, 1), None)
    rules.check_relink(date(2027, 1, 1), date(2027, 1, 1))  # the end is exclusive: no day in both
    rules.check_relink(None, None)
    with pytest.raises(DomainError) as info:
        rules.check_relink(date(2026, 12, 31), date(2027, 1, 1))
    assert (info.value.key, info.value.rule) == ("effective_from", "goal.link_overlap")


@pytest.mark.parametrize("when", [date(2027, 1, 1), None])
@pytest.mark.parametrize("decided", [Decision(KF, date(2026, 5, 20), "§ 40", "KS 2026/00040"), None])
def test_the_link_events_match_their_published_schemas(when: date | None, decided: Decision | None) -> None:
    child, parent = uuid.uuid4(), uuid.uuid4()
    linked = events.goal_linked(child, parent, when, decided)
    unlinked = events.goal_unlinked(child, parent, when, decided)
    assert schemas.errors(goals.GOAL_LINKED, linked) == []
    assert schemas.errors(goals.GOAL_UNLINKED, unlinked) == []
    assert linked["effectiveFrom"] == (when.isoformat() if when else None)
    assert unlinked["effectiveTo"] == (when.isoformat() if when else None)
