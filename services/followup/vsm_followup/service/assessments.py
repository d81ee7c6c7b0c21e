"""Use case of assessments (bedömningar): a goal's own assessment in an open period."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime

from vsm_common import contracts
from vsm_common.access import RowScope
from vsm_common.errors import NotFound

from ..domain import assessments, indicators, periods, rollup
from ..domain.model import Assessment, AssessmentStatus, Fulfilment
from ..ports import FollowupUnitOfWork
from ..settings import FollowupSettings
from . import access, events, lookups
from .indicators import outcomes


async def assess_goal(
    uow: FollowupUnitOfWork,
    settings: FollowupSettings,
    goal_id: uuid.UUID,
    period_id: uuid.UUID,
    status: AssessmentStatus,
    analysis: str | None,
    assessed_by: uuid.UUID | None = None,
    *,
    scope: RowScope,
) -> Fulfilment:
    """Record the goal's own assessment in an open period, with the status its indicators suggest."""
    async with uow:
        goal = await lookups.goal(uow, goal_id)
        goal_orgs = await lookups.goal_organizations(uow, goal)
        own = access.acting_organization(scope, goal_orgs, "goal_id")
        period = await uow.periods.lock(period_id, exclusive=False)  # closing waits for us, and we for it
        if period is None:
            raise NotFound(f"no reporting period {period_id}", key="period_id", rule="period.exists")
        periods.check_open(period)
        assessments.check_goal_in_force(goal.retired_on, period)
        if assessed_by is not None:
            access.require_own_assessor(scope, goal_orgs, assessed_by, "assessed_by")
        if own is not None:
            assessed_by = own
        elif assessed_by is not None:
            await lookups.organization(uow, assessed_by, "assessed_by")
        elif len(goal.organization_ids) == 1:
            assessed_by = goal.organization_ids[0]  # the owning nämnd assesses its own goal

        nodes = dict(await uow.goals.load_tree([goal_id], period.id, period.ends_on))
        nodes[goal_id] = dataclasses.replace(nodes[goal_id], own_status=None)
        before = rollup.roll_up([goal_id], nodes, period_id=period.id, as_of=period.ends_on, policy=settings.rollup)
        rolled = before[goal_id].rolled_up_status
        text = assessments.check_assessment(status, analysis, rolled)
        suggested = indicators.suggest((await outcomes(uow.indicators, [goal_id], period, settings))[goal_id])

        previous = await uow.assessments.lock(goal_id, period.id)
        saved = await uow.assessments.save(
            Assessment(goal_id, period.id, status, suggested, text, assessed_by, datetime.now(UTC))
        )
        nodes[goal_id] = dataclasses.replace(nodes[goal_id], own_status=status)
        after = rollup.roll_up([goal_id], nodes, period_id=period.id, as_of=period.ends_on, policy=settings.rollup)
        result = after[goal_id]
        await uow.emit(
            contracts.followup.ASSESSMENT_RECORDED,
            str(goal_id),
            events.assessment_recorded(saved, previous.status if previous else None, result.basis, rolled),
        )
    return result
