"""Handlers that keep followup's projection of the goal structure from goal events (docs/events.md).

The projection remembers what the roll-up needs: levels, titles, links with the dates they were in
force, owners and recipients, and the dates a goal took effect and was retired, so a roll-up as of
a date (by default a period's end) can tell which goals and links were in force then.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

from vsm_common.clock import day_of
from vsm_common.contracts import goals
from vsm_common.definition import ConsumerSpec
from vsm_common.events import CloudEvent

from .domain.model import ProjectedGoal
from .ports import FollowupUnitOfWork

log = logging.getLogger(__name__)


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(str(value))


def _uuids(values: Any) -> list[uuid.UUID]:
    return [_uuid(v) for v in values or []]


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _decision_date(data: dict[str, Any]) -> date | None:
    decision = data.get("decision")
    return _date(decision.get("date")) if isinstance(decision, dict) else None


def _decided_on(data: dict[str, Any], event: CloudEvent) -> date:
    """The decision's date; an older event without one counts from the day it was recorded, the
    municipality's day (``vsm_common.clock``) as planning's projection reads it, not UTC's."""
    return _decision_date(data) or day_of(event.time)


def _unknown(event: CloudEvent, goal_id: uuid.UUID) -> None:
    # Events of one goal arrive in order (keyed by goal id), so this means the goal was created
    # before followup existed and its created event is gone from the topic: nothing to update.
    log.warning("%s for goal %s, which followup does not know; ignored", event.type, goal_id)


async def on_organization_registered(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    parent = d.get("parentId")
    await uow.organizations.upsert(
        _uuid(d["organizationId"]), d["code"], d.get("name"), d["kind"], _uuid(parent) if parent else None
    )


async def on_goal_created(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    goal_id = _uuid(d["goalId"])
    goal = ProjectedGoal(
        id=goal_id,
        level=d["level"],
        state=d.get("state") or "DRAFT",
        title=d["title"],
        valid_from=_date(d.get("validFrom")),
        valid_to=_date(d.get("validTo")),
        organization_ids=tuple(_uuids(d.get("organizationIds"))),
    )
    await uow.goals.upsert(goal)
    await uow.goals.add_links(goal_id, _uuids(d.get("parentIds")), event.id)


async def on_goal_revised(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    goal_id = _uuid(d["goalId"])
    if not await uow.goals.revise(
        goal_id, d.get("revision"), d.get("title"), _date(d.get("validFrom")), _date(d.get("validTo"))
    ):
        _unknown(event, goal_id)
        return
    if "organizationIds" in d:
        await uow.goals.set_organizations(goal_id, _uuids(d["organizationIds"]))


async def on_goal_adopted(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    goal_id = _uuid(d["goalId"])
    adopted_on = _decided_on(d, event)
    if not await uow.goals.adopt(goal_id, d.get("revision"), adopted_on):
        _unknown(event, goal_id)


async def on_goal_retired(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    goal_id = _uuid(d["goalId"])
    retired_on = _date(d.get("retiredOn")) or _decided_on(d, event)
    if not await uow.goals.retire(goal_id, retired_on):
        _unknown(event, goal_id)


async def on_goal_linked(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    child = _uuid(d["goalId"])
    await uow.goals.add_links(child, [_uuid(d["parentId"])], event.id, _date(d.get("effectiveFrom")))
    await uow.goals.touch(child)


async def on_goal_unlinked(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    child = _uuid(d["goalId"])
    await uow.goals.end_link(child, _uuid(d["parentId"]), _date(d.get("effectiveTo")), event.id)
    await uow.goals.touch(child)


async def _v1_change_day(uow: FollowupUnitOfWork, event: CloudEvent, child: uuid.UUID) -> date | None:
    """What a v1 link event meant: on a goal in force the change took effect the day it was recorded
    (the goals service's calendar day); on a draft, with its adoption."""
    if await uow.goals.state(child) in (None, "DRAFT"):
        return None
    return day_of(event.time)


async def on_goal_linked_v1(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    child = _uuid(event.data["goalId"])
    starts = await _v1_change_day(uow, event, child)
    await uow.goals.add_links(child, [_uuid(event.data["parentId"])], event.id, starts)
    await uow.goals.touch(child)


async def on_goal_unlinked_v1(uow: FollowupUnitOfWork, event: CloudEvent) -> None:
    child = _uuid(event.data["goalId"])
    ends = await _v1_change_day(uow, event, child)
    await uow.goals.end_link(child, _uuid(event.data["parentId"]), ends, event.id)
    await uow.goals.touch(child)


goal_projection = ConsumerSpec(
    group="followup.goal-projection",
    sources=("goals",),
    handlers={
        goals.ORGANIZATION_REGISTERED: on_organization_registered,
        goals.GOAL_CREATED: on_goal_created,
        goals.GOAL_REVISED: on_goal_revised,
        goals.GOAL_ADOPTED: on_goal_adopted,
        goals.GOAL_RETIRED: on_goal_retired,
        goals.GOAL_LINKED: on_goal_linked,
        goals.GOAL_UNLINKED: on_goal_unlinked,
        # No longer published, but still in the topic's older events; read with the meaning they had.
        goals.GOAL_LINKED_V1: on_goal_linked_v1,
        goals.GOAL_UNLINKED_V1: on_goal_unlinked_v1,
    },
)
