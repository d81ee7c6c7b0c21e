"""Handlers of the goals service's events: planning's projection of organisations and goals, and the
goals service's answers to adopted directives and plans (the planning sagas).

Planning never reads the goals schema: it validates recipients, decision bodies and goals against
this projection. The inbox applies each event once; the handlers are also upserts that tolerate any
order across aggregates (a link before the goal, an adoption before the creation), because Kafka
orders only the events of one key. The answers are keyed by the directive or plan, so the answers to
one adoption arrive in the order they were given and the last one stands.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from vsm_common.clock import day_of
from vsm_common.contracts import goals
from vsm_common.definition import ConsumerSpec
from vsm_common.events import CloudEvent

from .domain import structure
from .domain.model import EstablishedBy, GoalEstablishmentState, GoalRefusal, GoalState
from .ports import PlanningUnitOfWork

# goal.created carries the first content; any goal.revised (numbered from 1 or 2 upward) is newer.
CREATED_REVISION = 0


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


async def on_organization_registered(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    await uow.known_organizations.upsert(
        uuid.UUID(d["organizationId"]), d["code"], d["name"], d["kind"], _uuid(d.get("parentId"))
    )


async def on_goal_created(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    goal_id = uuid.UUID(d["goalId"])
    await uow.known_goals.project_content(
        goal_id,
        CREATED_REVISION,
        level=d["level"],
        title=d["title"],
        valid_from=_date(d.get("validFrom")),
        valid_to=_date(d.get("validTo")),
        organization_ids=[uuid.UUID(o) for o in d.get("organizationIds", [])],
    )
    await uow.known_goals.project_state(goal_id, GoalState(d.get("state") or GoalState.DRAFT), d["level"])
    await uow.known_goals.add_links(goal_id, [uuid.UUID(p) for p in d.get("parentIds", [])])


async def on_goal_revised(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    await uow.known_goals.project_content(
        uuid.UUID(d["goalId"]),
        int(d["revision"]),
        level=None,
        title=d["title"],
        valid_from=_date(d.get("validFrom")),
        valid_to=_date(d.get("validTo")),
        organization_ids=[uuid.UUID(o) for o in d.get("organizationIds", [])],
    )


def _decision_date(value: Any) -> date | None:
    return _date(value.get("date")) if isinstance(value, dict) else None


async def on_goal_adopted(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    await uow.known_goals.project_state(
        uuid.UUID(d["goalId"]), GoalState.ADOPTED, d.get("level"), adopted_on=_decision_date(d.get("decision"))
    )


async def on_goal_retired(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    retired_on = _date(d.get("retiredOn")) or _decision_date(d.get("decision"))
    await uow.known_goals.project_state(uuid.UUID(d["goalId"]), GoalState.RETIRED, retired_on=retired_on)


async def _legacy_link_date(uow: PlanningUnitOfWork, child_id: uuid.UUID, event: CloudEvent) -> date | None:
    # The child's events share its key, so the projected state is the state the link was recorded in.
    # The goals service dated v1 link changes by the municipality's calendar day, not UTC's.
    recorded_on = day_of(event.time)
    return structure.link_date_of_legacy_event(await uow.known_goals.state(child_id), recorded_on)


async def on_goal_linked_v1(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    child_id, parent_id = uuid.UUID(event.data["goalId"]), uuid.UUID(event.data["parentId"])
    await uow.known_goals.add_links(child_id, [parent_id], await _legacy_link_date(uow, child_id, event))


async def on_goal_unlinked_v1(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    child_id, parent_id = uuid.UUID(event.data["goalId"]), uuid.UUID(event.data["parentId"])
    await uow.known_goals.end_link(child_id, parent_id, await _legacy_link_date(uow, child_id, event))


async def on_goal_linked(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    await uow.known_goals.add_links(uuid.UUID(d["goalId"]), [uuid.UUID(d["parentId"])], _date(d.get("effectiveFrom")))


async def on_goal_unlinked(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    d = event.data
    await uow.known_goals.end_link(uuid.UUID(d["goalId"]), uuid.UUID(d["parentId"]), _date(d.get("effectiveTo")))


async def on_goal_establishment_confirmed(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    """The goals of an adopted directive or plan are in force: ESTABLISHED."""
    d = event.data
    subject = uuid.UUID(d["establishedBy"])
    await uow.establishments.record(
        subject, EstablishedBy(d["establishedByKind"]), GoalEstablishmentState.ESTABLISHED, []
    )
    # The answer says these goals are in force; their own goal.adopted events travel on other keys and
    # may come later. Projecting the state now (it is never lowered) lets what depends on it, such as
    # adopting a plan whose verksamhetsmål serve them, go ahead as soon as the answer is visible.
    adopted_now = set(d.get("adoptedGoalIds", []))
    for goal_id in d.get("goalIds", []):
        # Those adopted by this decision took effect on its date; the others were in force already, and
        # their own goal.adopted brings (or brought) their date.
        adopted_on = _decision_date(d.get("decision")) if goal_id in adopted_now else None
        await uow.known_goals.project_state(uuid.UUID(goal_id), GoalState.ADOPTED, adopted_on=adopted_on)


async def on_goal_establishment_refused(uow: PlanningUnitOfWork, event: CloudEvent) -> None:
    """The goals service refused the goals of an adopted directive or plan (none adopted): REFUSED, per goal."""
    d = event.data
    refusals = [GoalRefusal(uuid.UUID(r["goalId"]), r["rule"], r["message"]) for r in d["refusals"]]
    await uow.establishments.record(
        uuid.UUID(d["establishedBy"]),
        EstablishedBy(d["establishedByKind"]),
        GoalEstablishmentState.REFUSED,
        refusals,
    )


goal_projection = ConsumerSpec(
    group="planning.goal-projection",
    sources=("goals",),
    handlers={
        goals.ORGANIZATION_REGISTERED: on_organization_registered,
        goals.GOAL_CREATED: on_goal_created,
        goals.GOAL_REVISED: on_goal_revised,
        goals.GOAL_ADOPTED: on_goal_adopted,
        goals.GOAL_RETIRED: on_goal_retired,
        goals.GOAL_LINKED: on_goal_linked,
        goals.GOAL_UNLINKED: on_goal_unlinked,
        # v1 link events (still in old logs) carry no date: they took effect the day they were recorded.
        goals.GOAL_LINKED_V1: on_goal_linked_v1,
        goals.GOAL_UNLINKED_V1: on_goal_unlinked_v1,
        goals.GOAL_ESTABLISHMENT_CONFIRMED: on_goal_establishment_confirmed,
        goals.GOAL_ESTABLISHMENT_REFUSED: on_goal_establishment_refused,
    },
)
