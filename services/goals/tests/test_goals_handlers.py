"""The planning-saga handlers of the goals service on the in-memory unit of work: an adopted directive
or plan establishes its goals and gets its answer in the same unit of work."""

from __future__ import annotations

import uuid
from datetime import date

from goals_fakes import BUN, KF, goal, municipality

from vsm_common import contracts
from vsm_common.events import CloudEvent
from vsm_goals.consumers import on_directive_adopted, on_plan_adopted, planning_saga
from vsm_goals.domain.model import GoalLevel, GoalState

G = contracts.goals


def _decision(body: uuid.UUID, on: str) -> dict[str, object]:
    return {"bodyId": str(body), "date": on, "paragraph": "§ 9", "diaryNumber": None}


async def test_an_adopted_directive_establishes_its_concrete_goals() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    concrete = goal(
        GoalLevel.CONCRETE,
        parent_ids=(top.id,),
        organization_ids=(BUN.id,),
        valid_from=date(2027, 1, 1),
        valid_to=date(2028, 12, 31),
    )
    uow.goals.given(top, concrete)
    directive_id = uuid.uuid4()
    event = CloudEvent(
        type=contracts.planning.DIRECTIVE_ADOPTED.name,
        source="/vsm/planning",
        subject=str(directive_id),
        data={
            "directiveId": str(directive_id),
            "concreteGoalIds": [str(concrete.id)],
            "decision": _decision(KF.id, "2026-03-12"),
        },
    )

    await on_directive_adopted(uow, event)

    stored = uow.goals.rows[concrete.id]
    assert stored.state is GoalState.ADOPTED and stored.established_by == directive_id
    assert stored.adopted is not None and stored.adopted.paragraph == "§ 9"
    assert uow.published_types() == [G.GOAL_ADOPTED.name, G.GOAL_ESTABLISHMENT_CONFIRMED.name]
    answer = uow.published[-1]
    assert answer.subject == str(directive_id) and answer.source == "/vsm/goals"
    assert answer.data["establishedByKind"] == "DIRECTIVE" and answer.data["adoptionEventId"] == event.id


async def test_an_adopted_plan_with_a_goal_of_the_wrong_level_is_refused() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    concrete = goal(GoalLevel.CONCRETE, parent_ids=(top.id,), organization_ids=(BUN.id,))
    uow.goals.given(top, concrete)
    plan_id = uuid.uuid4()
    event = CloudEvent(
        type=contracts.planning.PLAN_ADOPTED.name,
        source="/vsm/planning",
        subject=str(plan_id),
        data={"planId": str(plan_id), "goalIds": [str(concrete.id)], "decision": _decision(BUN.id, "2026-02-20")},
    )

    await on_plan_adopted(uow, event)

    assert uow.goals.rows[concrete.id].state is GoalState.DRAFT
    [answer] = uow.published
    assert answer.type == G.GOAL_ESTABLISHMENT_REFUSED.name and answer.subject == str(plan_id)
    assert [(r["goalId"], r["rule"]) for r in answer.data["refusals"]] == [
        (str(concrete.id), "establishment.goal_level")
    ]


def test_the_saga_consumer_handles_both_adoptions() -> None:
    assert dict(planning_saga.handlers) == {
        contracts.planning.DIRECTIVE_ADOPTED: on_directive_adopted,
        contracts.planning.PLAN_ADOPTED: on_plan_adopted,
    }
