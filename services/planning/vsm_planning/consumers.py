"""Handlers that keep planning's projection of organisations and goals from the goals service's events.

Planning never reads the goals schema: it validates recipients, decision bodies and goals against
this projection. The inbox applies each event once; the handlers are also upserts that tolerate any
order across aggregates (a link before the goal, an adoption before the creation), because Kafka
orders only the events of one key.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from vsm_common.definition import ConsumerSpec
from vsm_common.events import CloudEvent

from .adapters import repository as repo
from .domain.model import GoalState

# The published event types of the goals service (docs/events.md) that planning reads.
ORGANIZATION_REGISTERED = "vsm.goals.organization.registered.v1"
GOAL_CREATED = "vsm.goals.goal.created.v1"
GOAL_REVISED = "vsm.goals.goal.revised.v1"
GOAL_ADOPTED = "vsm.goals.goal.adopted.v1"
GOAL_RETIRED = "vsm.goals.goal.retired.v1"
GOAL_LINKED = "vsm.goals.goal.linked.v1"
GOAL_UNLINKED = "vsm.goals.goal.unlinked.v1"

# goal.created carries the first content; any goal.revised (numbered from 1 or 2 upward) is newer.
CREATED_REVISION = 0


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


async def on_organization_registered(conn: asyncpg.Connection, event: CloudEvent) -> None:
    d = event.data
    await repo.upsert_known_organization(
        conn, uuid.UUID(d["organizationId"]), d["code"], d["name"], d["kind"], _uuid(d.get("parentId"))
    )


async def on_goal_created(conn: asyncpg.Connection, event: CloudEvent) -> None:
    d = event.data
    goal_id = uuid.UUID(d["goalId"])
    await repo.project_goal_content(
        conn,
        goal_id,
        CREATED_REVISION,
        level=d["level"],
        title=d["title"],
        valid_from=_date(d.get("validFrom")),
        valid_to=_date(d.get("validTo")),
        organization_ids=[uuid.UUID(o) for o in d.get("organizationIds", [])],
    )
    await repo.project_goal_state(conn, goal_id, GoalState(d.get("state") or GoalState.DRAFT), d["level"])
    await repo.add_goal_links(conn, goal_id, [uuid.UUID(p) for p in d.get("parentIds", [])])


async def on_goal_revised(conn: asyncpg.Connection, event: CloudEvent) -> None:
    d = event.data
    await repo.project_goal_content(
        conn,
        uuid.UUID(d["goalId"]),
        int(d["revision"]),
        level=None,
        title=d["title"],
        valid_from=_date(d.get("validFrom")),
        valid_to=_date(d.get("validTo")),
        organization_ids=[uuid.UUID(o) for o in d.get("organizationIds", [])],
    )


async def on_goal_adopted(conn: asyncpg.Connection, event: CloudEvent) -> None:
    d = event.data
    await repo.project_goal_state(conn, uuid.UUID(d["goalId"]), GoalState.ADOPTED, d.get("level"))


async def on_goal_retired(conn: asyncpg.Connection, event: CloudEvent) -> None:
    await repo.project_goal_state(conn, uuid.UUID(event.data["goalId"]), GoalState.RETIRED)


async def on_goal_linked(conn: asyncpg.Connection, event: CloudEvent) -> None:
    await repo.add_goal_links(conn, uuid.UUID(event.data["goalId"]), [uuid.UUID(event.data["parentId"])])


async def on_goal_unlinked(conn: asyncpg.Connection, event: CloudEvent) -> None:
    await repo.remove_goal_link(conn, uuid.UUID(event.data["goalId"]), uuid.UUID(event.data["parentId"]))


goal_projection = ConsumerSpec(
    group="planning.goal-projection",
    sources=("goals",),
    handlers={
        ORGANIZATION_REGISTERED: on_organization_registered,
        GOAL_CREATED: on_goal_created,
        GOAL_REVISED: on_goal_revised,
        GOAL_ADOPTED: on_goal_adopted,
        GOAL_RETIRED: on_goal_retired,
        GOAL_LINKED: on_goal_linked,
        GOAL_UNLINKED: on_goal_unlinked,
    },
)
