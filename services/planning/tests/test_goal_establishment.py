"""Unit tests of goal establishment in planning (pure domain): what an adoption waits for, and when a
revision may be adopted."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from planning_fixtures import KF, directive

from vsm_common.errors import TARGET, Conflict
from vsm_planning.domain import directives
from vsm_planning.domain.model import (
    Decision,
    DirectiveState,
    EstablishedBy,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalRefusal,
)

JUNE = Decision(KF.id, date(2026, 6, 17), "§ 95", "KS 2026/00123")


def answer(subject: uuid.UUID, state: GoalEstablishmentState) -> GoalEstablishment:
    refusals = (
        (GoalRefusal(uuid.uuid4(), "goal.parent_in_force", "..."),) if state is GoalEstablishmentState.REFUSED else ()
    )
    answered = None if state is GoalEstablishmentState.PENDING else datetime(2026, 6, 17, 12, tzinfo=UTC)
    return GoalEstablishment(subject, EstablishedBy.DIRECTIVE, state, refusals, answered)


def test_an_adoption_with_goals_waits_for_the_goals_service_and_one_without_does_not() -> None:
    assert directives.initial_goal_establishment(3) is GoalEstablishmentState.PENDING
    assert directives.initial_goal_establishment(0) is GoalEstablishmentState.ESTABLISHED


def test_a_revision_waits_until_the_goals_service_has_answered_for_the_revision_it_replaces() -> None:
    june = replace(directive(), state=DirectiveState.ADOPTED, adopted=JUNE)
    with pytest.raises(Conflict) as info:
        directives.check_superseded_goals_answered(june, answer(june.id, GoalEstablishmentState.PENDING))
    assert (info.value.rule, info.value.key) == ("directive.goals_pending", TARGET)
    assert "PENDING" in info.value.message
    # Any answer orders the two adoptions, a refusal too: the revision may then try the goals again.
    directives.check_superseded_goals_answered(june, answer(june.id, GoalEstablishmentState.ESTABLISHED))
    directives.check_superseded_goals_answered(june, answer(june.id, GoalEstablishmentState.REFUSED))
    # Adopted before answers were recorded: nothing to wait for.
    directives.check_superseded_goals_answered(june, None)
