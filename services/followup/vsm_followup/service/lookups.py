"""Lookups the use cases share, each refusing with a clear error when the thing is not there."""

from __future__ import annotations

import uuid

from vsm_common.errors import NotFound

from ..domain.errors import Key
from ..domain.model import Indicator, ProjectedGoal, ProjectedOrganization, ReportingPeriod
from ..ports import FollowupUnitOfWork


async def period(uow: FollowupUnitOfWork, period_id: uuid.UUID) -> ReportingPeriod:
    found = (await uow.periods.by_ids([period_id])).get(period_id)
    if found is None:
        raise NotFound(f"no reporting period {period_id}", key="period_id", rule="period.exists")
    return found


async def goal(uow: FollowupUnitOfWork, goal_id: uuid.UUID) -> ProjectedGoal:
    found = (await uow.goals.by_ids([goal_id])).get(goal_id)
    if found is None:
        raise NotFound(
            f"follow-up does not know goal {goal_id} (yet: goals reach follow-up through events within seconds)",
            key="goal_id",
            rule="goal.exists",
        )
    return found


async def organization(uow: FollowupUnitOfWork, org_id: uuid.UUID, key: Key) -> None:
    if not await uow.organizations.count_known([org_id]):
        raise NotFound(f"follow-up does not know organisation {org_id}", key=key, rule="organization.exists")


async def indicator(uow: FollowupUnitOfWork, indicator_id: uuid.UUID) -> Indicator:
    found = (await uow.indicators.by_ids([indicator_id])).get(indicator_id)
    if found is None:
        raise NotFound(f"no indicator {indicator_id}", key="indicator_id", rule="indicator.exists")
    return found


async def goal_organizations(uow: FollowupUnitOfWork, goal: ProjectedGoal) -> list[ProjectedOrganization]:
    """The organisations owning or receiving ``goal``: the rows' owners a row-level check decides on."""
    return list((await uow.organizations.by_ids(goal.organization_ids)).values())
