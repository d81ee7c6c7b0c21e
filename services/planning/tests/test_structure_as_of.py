"""Unit tests of the goal structure on a date: goals and links in force, what plans serve, and the date a
link change of the old v1 events took effect."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from planning_fixtures import BUN, goal, plan

from vsm_planning.domain import structure
from vsm_planning.domain.model import GoalLevel, GoalLink, GoalState, KnownGoal, PlanState

MAY, JUNE, JULY, AUGUST = date(2027, 5, 1), date(2027, 6, 1), date(2027, 7, 1), date(2027, 8, 1)


def adopted(level: GoalLevel, on: date, retired_on: date | None = None) -> KnownGoal:
    g = goal(level, BUN, state=GoalState.RETIRED if retired_on else GoalState.ADOPTED)
    return replace(g, adopted_on=on, retired_on=retired_on)


def test_a_goal_is_in_force_from_its_adoption_until_its_retirement() -> None:
    g = adopted(GoalLevel.CONCRETE, JUNE, retired_on=AUGUST)
    assert not structure.goal_in_force(g, MAY)
    assert structure.goal_in_force(g, JUNE)
    assert structure.goal_in_force(g, date(2027, 7, 31))
    assert not structure.goal_in_force(g, AUGUST)  # the retirement's date is the first day out of force
    assert not structure.goal_in_force(goal(GoalLevel.CONCRETE, BUN), JULY)  # a draft never is
    assert not structure.goal_in_force(None, JULY)


def test_a_goal_projected_without_dates_counts_as_adopted_always_and_retired_always() -> None:
    assert structure.goal_in_force(goal(GoalLevel.CONCRETE, BUN, state=GoalState.ADOPTED), date(1990, 1, 1))
    assert not structure.goal_in_force(goal(GoalLevel.CONCRETE, BUN, state=GoalState.RETIRED), date(1990, 1, 1))


def test_a_link_is_in_effect_from_inclusive_to_exclusive() -> None:
    child, parent = uuid.uuid4(), uuid.uuid4()
    dated = GoalLink(child, parent, JUNE, AUGUST)
    assert [structure.link_in_effect(dated, d) for d in (MAY, JUNE, JULY, AUGUST)] == [False, True, True, False]
    assert structure.link_in_effect(GoalLink(child, parent), MAY)  # from the child's adoption, not ended


def test_parents_on_a_date_need_the_link_and_both_goals_in_force() -> None:
    k1, k2 = adopted(GoalLevel.CONCRETE, MAY), adopted(GoalLevel.CONCRETE, MAY)
    v = replace(adopted(GoalLevel.OPERATIONAL, JUNE), parent_ids=(k2.id,))
    # v served k1 from its adoption until July; KF's decision linked it to k2 from July.
    links = [GoalLink(v.id, k1.id, None, JULY), GoalLink(v.id, k2.id, JULY, None)]
    goals = {g.id: g for g in (k1, k2, v)}
    assert structure.parents_on(v, links, goals, MAY, in_force_only=True) == []  # v not yet in force
    assert structure.parents_on(v, links, goals, JUNE, in_force_only=True) == [k1.id]
    assert structure.parents_on(v, links, goals, JULY, in_force_only=True) == [k2.id]
    retired_k2 = replace(k2, state=GoalState.RETIRED, retired_on=AUGUST)
    assert structure.parents_on(v, links, {**goals, k2.id: retired_k2}, AUGUST, in_force_only=True) == []
    # Now (today): by the links' own dates only, whatever the goals' states.
    assert structure.parents_on(v, links, goals, MAY, in_force_only=False) == [k1.id]
    assert structure.parents_on(v, links, {**goals, k2.id: retired_k2}, AUGUST, in_force_only=False) == [k2.id]


def test_plans_serve_what_their_goals_serve_today_drafts_included_or_on_a_date_only_in_force() -> None:
    k1, k2 = adopted(GoalLevel.CONCRETE, MAY), adopted(GoalLevel.CONCRETE, MAY)
    v1 = adopted(GoalLevel.OPERATIONAL, JUNE)
    draft = goal(GoalLevel.OPERATIONAL, BUN)
    adopted_plan, draft_plan = plan(BUN, PlanState.ADOPTED), plan(BUN)
    links = {
        v1.id: [GoalLink(v1.id, k1.id, None, JULY), GoalLink(v1.id, k2.id, JULY)],
        draft.id: [GoalLink(draft.id, k1.id)],
    }
    goals = {g.id: g for g in (k1, k2, v1, draft)}
    plans = {adopted_plan.id: [v1.id], draft_plan.id: [draft.id]}
    # Today is in June: the move to K2 decided for July has not happened yet.
    assert structure.served_by_plans(plans, links, goals, None, JUNE) == {
        adopted_plan.id: [k1.id],
        draft_plan.id: [k1.id],
    }
    assert structure.served_by_plans(plans, links, goals, None, AUGUST)[adopted_plan.id] == [k2.id]
    assert structure.served_by_plans(plans, links, goals, JUNE, AUGUST) == {adopted_plan.id: [k1.id], draft_plan.id: []}
    assert structure.served_by_plans(plans, links, goals, JULY, MAY) == {adopted_plan.id: [k2.id], draft_plan.id: []}
    assert structure.goals_on([v1.id, draft.id], goals, JULY) == [v1.id]
    assert structure.goals_on([v1.id, draft.id], goals, None) == [v1.id, draft.id]


def test_a_v1_link_change_took_effect_the_day_it_was_recorded_unless_the_goal_was_a_draft() -> None:
    recorded = date(2026, 11, 20)
    assert structure.link_date_of_legacy_event(GoalState.ADOPTED, recorded) == recorded
    assert structure.link_date_of_legacy_event(GoalState.RETIRED, recorded) == recorded
    assert structure.link_date_of_legacy_event(GoalState.DRAFT, recorded) is None
    assert structure.link_date_of_legacy_event(None, recorded) is None
