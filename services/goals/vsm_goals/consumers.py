"""The goals side of the planning sagas: establishing the goals of adopted directives and plans.

Each adopted directive or plan gets exactly one answer on the goals topic, in the same transaction as
its effect: ``goal_establishment.confirmed`` (its goals are in force) or ``goal_establishment.refused``
(none adopted, each refused goal with its rule). A refusal is an answer, so it is never dead-lettered;
what fails otherwise (database away, lock contention) is retried by the consumer.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from vsm_common.contracts import planning
from vsm_common.definition import ConsumerSpec
from vsm_common.events import CloudEvent

from .domain.model import Decision, EstablishedBy, EstablishmentRequest
from .ports import GoalsUnitOfWork
from .service import goals as goal_cases


def _decision(data: dict[str, Any]) -> Decision:
    return Decision(
        body_id=uuid.UUID(data["bodyId"]),
        date=date.fromisoformat(data["date"]),
        paragraph=data.get("paragraph"),
        diary_number=data.get("diaryNumber"),
    )


async def _establish(
    uow: GoalsUnitOfWork, event: CloudEvent, by: EstablishedBy, by_id: str, goal_ids: list[str]
) -> None:
    request = EstablishmentRequest(
        by=by,
        by_id=uuid.UUID(by_id),
        decision=_decision(event.data["decision"]),
        goal_ids=tuple(uuid.UUID(g) for g in goal_ids),
        event_id=event.id,
    )
    await goal_cases.establish_goals(uow, request)


async def on_directive_adopted(uow: GoalsUnitOfWork, event: CloudEvent) -> None:
    """KF's directive establishes its konkretiserade mål with the directive's decision."""
    d = event.data
    await _establish(uow, event, EstablishedBy.DIRECTIVE, d["directiveId"], d.get("concreteGoalIds", []))


async def on_plan_adopted(uow: GoalsUnitOfWork, event: CloudEvent) -> None:
    """A nämnd's adopted verksamhetsplan establishes its verksamhetsmål with the nämnd's decision."""
    d = event.data
    await _establish(uow, event, EstablishedBy.OPERATIONAL_PLAN, d["planId"], d.get("goalIds", []))


planning_saga = ConsumerSpec(
    group="goals.planning-saga",
    sources=("planning",),
    handlers={planning.DIRECTIVE_ADOPTED: on_directive_adopted, planning.PLAN_ADOPTED: on_plan_adopted},
)
