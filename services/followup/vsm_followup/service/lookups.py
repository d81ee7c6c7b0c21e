"""Lookups the use cases share, each refusing with a clear error when the thing is not there."""

from __future__ import annotations

import uuid

from vsm_common.errors import Forbidden, NotFound

from ..domain.model import Indicator, ProjectedGoal, ReportingPeriod
from ..domain.ports import FollowupUnitOfWork


async def period(uow: FollowupUnitOfWork, period_id: uuid.UUID, field: str = "periodId") -> ReportingPeriod:
    found = (await uow.periods.by_ids([period_id])).get(period_id)
    if found is None:
        raise NotFound(f"no reporting period {period_id}", field=field, rule="period.exists")
    return found


async def goal(uow: FollowupUnitOfWork, goal_id: uuid.UUID, field: str = "goalId") -> ProjectedGoal:
    found = (await uow.goals.by_ids([goal_id])).get(goal_id)
    if found is None:
        raise NotFound(
            f"follow-up does not know goal {goal_id} (yet: goals reach follow-up through events within seconds)",
            field=field,
            rule="goal.exists",
        )
    return found


async def organization(uow: FollowupUnitOfWork, org_id: uuid.UUID, field: str) -> None:
    if not await uow.organizations.count_known([org_id]):
        raise NotFound(f"follow-up does not know organisation {org_id}", field=field, rule="organization.exists")


async def indicator(uow: FollowupUnitOfWork, indicator_id: uuid.UUID, field: str = "indicatorId") -> Indicator:
    found = (await uow.indicators.by_ids([indicator_id])).get(indicator_id)
    if found is None:
        raise NotFound(f"no indicator {indicator_id}", field=field, rule="indicator.exists")
    return found


async def acting_organization(
    uow: FollowupUnitOfWork, goal: ProjectedGoal, acting_for: str | None, field: str
) -> uuid.UUID | None:
    """The organisation of ``goal`` that ``acting_for`` (a committee's code) speaks for; None when unscoped.

    A committee follows up the goals it owns (OPERATIONAL) or that are addressed to it (CONCRETE).
    """
    if acting_for is None:
        return None
    orgs = await uow.organizations.by_ids(goal.organization_ids)
    for org in orgs.values():
        if org.code == acting_for:
            return org.id
    raise Forbidden(
        f"{field}: the goal is neither owned by nor addressed to {acting_for}, the organisation of this token",
        field=field,
        rule="access.own_organization",
    )
