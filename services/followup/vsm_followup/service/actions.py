"""Use cases of actions (åtgärder) on deviations: add one to a goal, move it to another state."""

from __future__ import annotations

import uuid
from datetime import date

from vsm_common import contracts
from vsm_common.access import RowScope
from vsm_common.errors import Conflict, NotFound

from ..domain import actions, indicators
from ..domain.errors import TARGET
from ..domain.model import Action, ActionState
from ..ports import FollowupUnitOfWork
from . import access, events, lookups


async def add_action(
    uow: FollowupUnitOfWork,
    goal_id: uuid.UUID,
    title: str,
    owner_id: uuid.UUID,
    due_on: date | None,
    action_id: uuid.UUID | None = None,
    *,
    scope: RowScope,
) -> Action:
    title = actions.check_title(title)
    if due_on is not None:
        indicators.check_year(due_on.year, "due_on")
    async with uow:
        goal = await lookups.goal(uow, goal_id)
        access.acting_organization(scope, await lookups.goal_organizations(uow, goal), "goal_id")
        if goal.state == "RETIRED":
            raise Conflict("a retired goal gets no new actions", key="goal_id", rule="goal.retired")
        await lookups.organization(uow, owner_id, "owner_id")
        action = await uow.actions.add(
            Action(action_id or uuid.uuid4(), goal_id, title, owner_id, due_on, ActionState.NOT_STARTED)
        )
        await uow.emit(contracts.followup.ACTION_ADDED, str(action.id), events.action_added(action))
    return action


async def set_action_state(
    uow: FollowupUnitOfWork, action_id: uuid.UUID, state: ActionState, *, scope: RowScope
) -> Action:
    async with uow:
        current = await uow.actions.lock(action_id)
        if current is None:
            raise NotFound(f"no action {action_id}", key=TARGET, rule="action.exists")
        goal = await lookups.goal(uow, current.goal_id)
        access.acting_organization(scope, await lookups.goal_organizations(uow, goal), TARGET)
        if not actions.check_transition(current.state, state):
            return current
        updated = await uow.actions.set_state(action_id, state)
        await uow.emit(
            contracts.followup.ACTION_STATE_CHANGED, str(action_id), events.action_state_changed(updated, current.state)
        )
    return updated
