"""Actions (åtgärder) on the in-memory unit of work: add one to a goal, move it to another state."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from followup_fakes import FakeFollowupUnitOfWork

from vsm_common.access import RowScope
from vsm_common.contracts import followup
from vsm_common.errors import Conflict
from vsm_followup.domain.model import Action, ActionState, ProjectedGoal, ProjectedOrganization
from vsm_followup.service import actions as action_cases

SN = ProjectedOrganization(uuid.uuid4(), "SN", "Socialnämnden", "COMMITTEE")


def goal(state: str = "ADOPTED") -> ProjectedGoal:
    return ProjectedGoal(uuid.uuid4(), "CONCRETE", state, "Tryggare hemtjänst", organization_ids=(SN.id,))


async def test_add_action_adds_it_not_started_and_tells_of_it() -> None:
    uow = FakeFollowupUnitOfWork()
    g = goal()
    uow.goals.given(g)
    uow.organizations.given(SN)

    action = await action_cases.add_action(
        uow, g.id, "  Införa fast omsorgskontakt ", SN.id, date(2027, 10, 31), scope=RowScope.of_organization("SN")
    )

    assert uow.actions.rows[action.id].state is ActionState.NOT_STARTED
    assert (action.title, action.goal_id, action.owner_id) == ("Införa fast omsorgskontakt", g.id, SN.id)
    assert uow.committed
    [event] = uow.published
    assert event.type == followup.ACTION_ADDED.name
    assert (event.data["goalId"], event.data["dueOn"], event.data["state"]) == (str(g.id), "2027-10-31", "NOT_STARTED")


async def test_add_action_refuses_a_retired_goal() -> None:
    uow = FakeFollowupUnitOfWork()
    g = goal("RETIRED")
    uow.goals.given(g)
    uow.organizations.given(SN)
    with pytest.raises(Conflict) as refused:
        await action_cases.add_action(uow, g.id, "Något", SN.id, None, scope=RowScope.all())
    assert (refused.value.key, refused.value.rule) == ("goal_id", "goal.retired")
    assert uow.actions.rows == {} and uow.rolled_back and uow.published == []


async def test_set_action_state_moves_it_and_tells_from_where() -> None:
    uow = FakeFollowupUnitOfWork()
    g = goal()
    uow.goals.given(g)
    uow.organizations.given(SN)
    a = Action(uuid.uuid4(), g.id, "Införa fast omsorgskontakt", SN.id, None, ActionState.NOT_STARTED)
    uow.actions.given(a)

    moved = await action_cases.set_action_state(
        uow, a.id, ActionState.IN_PROGRESS, scope=RowScope.of_organization("SN")
    )
    again = await action_cases.set_action_state(
        uow, a.id, ActionState.IN_PROGRESS, scope=RowScope.all()
    )  # a retry changes nothing

    assert moved.state is again.state is uow.actions.rows[a.id].state is ActionState.IN_PROGRESS
    [event] = uow.published
    assert event.type == followup.ACTION_STATE_CHANGED.name
    assert (event.data["from"], event.data["to"]) == ("NOT_STARTED", "IN_PROGRESS")


async def test_set_action_state_refuses_to_reopen_a_done_action() -> None:
    uow = FakeFollowupUnitOfWork()
    g = goal()
    uow.goals.given(g)
    a = Action(uuid.uuid4(), g.id, "Klart", SN.id, None, ActionState.DONE)
    uow.actions.given(a)
    with pytest.raises(Conflict) as refused:
        await action_cases.set_action_state(uow, a.id, ActionState.IN_PROGRESS, scope=RowScope.all())
    assert (refused.value.key, refused.value.rule) == ("state", "action.transition")
    assert uow.actions.rows[a.id].state is ActionState.DONE and uow.published == []
