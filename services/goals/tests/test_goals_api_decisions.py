"""A goal's decisions as the API gives them: the adoption (antagandebeslut) and the retirement (avvecklingsbeslut)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from goals_fakes import KF, KF_2023, goal

from vsm_goals.api.goals import Goal
from vsm_goals.domain.model import Decision, GoalLevel, GoalState

KF_2025 = Decision(KF.id, date(2025, 6, 1), "§ 64", "KS 2025/00118")


def test_a_retired_goal_gives_the_decision_that_retired_it() -> None:
    retired = replace(goal(GoalLevel.OVERARCHING, GoalState.ADOPTED), state=GoalState.RETIRED, retired=KF_2025)

    api = Goal.from_domain(retired)

    assert api.adopted is not None and (api.adopted.date, api.adopted.paragraph) == (KF_2023.date, "§ 87")
    assert api.retired is not None
    assert (api.retired.date, api.retired.paragraph, api.retired.diary_number) == (
        date(2025, 6, 1),
        "§ 64",
        "KS 2025/00118",
    )
    assert api.retired.body_id == KF.id


def test_a_goal_in_force_has_no_retirement() -> None:
    # As of a date before the decision the read side leaves it out (adapters/goals.py), as it leaves out the state.
    assert Goal.from_domain(goal(GoalLevel.OVERARCHING, GoalState.ADOPTED), date(2024, 1, 1)).retired is None
