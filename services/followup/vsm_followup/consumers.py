"""Handlers that keep followup's projection of the goal structure from goal events."""

from __future__ import annotations

import uuid

import asyncpg

from vsm_common.definition import ConsumerSpec
from vsm_common.events import CloudEvent

from .adapters import repository as repo
from .domain.model import ProjectedGoal

# The published event types of the goals service that followup reads.
ORGANIZATION_REGISTERED = "vsm.goals.organization.registered.v1"
GOAL_CREATED = "vsm.goals.goal.created.v1"
GOAL_LINKED = "vsm.goals.goal.linked.v1"
GOAL_UNLINKED = "vsm.goals.goal.unlinked.v1"


async def on_organization_registered(conn: asyncpg.Connection, event: CloudEvent) -> None:
    d = event.data
    parent = d.get("parentId")
    await repo.upsert_organization(
        conn, uuid.UUID(d["organizationId"]), d["code"], d["kind"], uuid.UUID(parent) if parent else None
    )


async def on_goal_created(conn: asyncpg.Connection, event: CloudEvent) -> None:
    d = event.data
    goal_id = uuid.UUID(d["goalId"])
    await repo.upsert_goal(conn, ProjectedGoal(goal_id, d["level"], d["state"], d["title"]))
    await repo.add_links(conn, goal_id, [uuid.UUID(p) for p in d.get("parentIds", [])])


async def on_goal_linked(conn: asyncpg.Connection, event: CloudEvent) -> None:
    child = uuid.UUID(event.data["goalId"])
    await repo.add_links(conn, child, [uuid.UUID(event.data["parentId"])])
    await repo.touch_goal(conn, child)


async def on_goal_unlinked(conn: asyncpg.Connection, event: CloudEvent) -> None:
    child = uuid.UUID(event.data["goalId"])
    await repo.remove_link(conn, child, uuid.UUID(event.data["parentId"]))
    await repo.touch_goal(conn, child)


goal_projection = ConsumerSpec(
    group="followup.goal-projection",
    sources=("goals",),
    handlers={
        ORGANIZATION_REGISTERED: on_organization_registered,
        GOAL_CREATED: on_goal_created,
        GOAL_LINKED: on_goal_linked,
        GOAL_UNLINKED: on_goal_unlinked,
    },
)
