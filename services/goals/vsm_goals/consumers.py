"""The goals side of the planning sagas: adopting goals when directives and plans are adopted."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from vsm_common.definition import ConsumerSpec
from vsm_common.events import CloudEvent
from vsm_common.settings import ServiceSettings, topic_name
from vsm_common.uow import UnitOfWork

from . import service
from .domain.model import Decision

# Published event types of the planning service that goals reads (docs/events.md).
DIRECTIVE_ADOPTED = "vsm.planning.directive.adopted.v1"
PLAN_ADOPTED = "vsm.planning.plan.adopted.v1"

_TOPIC = topic_name(ServiceSettings().topic_prefix, "goals")
_SOURCE = "/vsm/goals"


def _decision(data: dict[str, Any]) -> Decision:
    return Decision(
        body_id=uuid.UUID(data["bodyId"]),
        date=date.fromisoformat(data["date"]),
        paragraph=data.get("paragraph"),
        diary_number=data.get("diaryNumber"),
    )


async def on_directive_adopted(conn: asyncpg.Connection, event: CloudEvent) -> None:
    """KF's directive establishes its konkretiserade mål: adopt them with the directive's decision."""
    d = event.data
    await service.adopt_established_goals(
        UnitOfWork.joining(conn, _TOPIC, _SOURCE),
        [uuid.UUID(g) for g in d.get("concreteGoalIds", [])],
        _decision(d["decision"]),
        uuid.UUID(d["directiveId"]),
    )


async def on_plan_adopted(conn: asyncpg.Connection, event: CloudEvent) -> None:
    """A nämnd's adopted verksamhetsplan adopts its verksamhetsmål with the nämnd's decision."""
    d = event.data
    await service.adopt_established_goals(
        UnitOfWork.joining(conn, _TOPIC, _SOURCE),
        [uuid.UUID(g) for g in d.get("goalIds", [])],
        _decision(d["decision"]),
        uuid.UUID(d["planId"]),
    )


planning_saga = ConsumerSpec(
    group="goals.planning-saga",
    sources=("planning",),
    handlers={DIRECTIVE_ADOPTED: on_directive_adopted, PLAN_ADOPTED: on_plan_adopted},
)
