"""Event types the goals service publishes, and their payloads (no personal data)."""

from __future__ import annotations

from typing import Any

from .model import Goal, Organization

ORGANIZATION_REGISTERED = "vsm.goals.organization.registered.v1"
GOAL_CREATED = "vsm.goals.goal.created.v1"
GOAL_LINKED = "vsm.goals.goal.linked.v1"
GOAL_UNLINKED = "vsm.goals.goal.unlinked.v1"


def organization_registered(org: Organization) -> dict[str, Any]:
    return {
        "organizationId": str(org.id),
        "code": org.code,
        "name": org.name,
        "kind": str(org.kind),
        "parentId": str(org.parent_id) if org.parent_id else None,
    }


def goal_created(goal: Goal) -> dict[str, Any]:
    return {
        "goalId": str(goal.id),
        "level": str(goal.level),
        "state": str(goal.state),
        "title": goal.title,
        "parentIds": [str(p) for p in goal.parent_ids],
        "organizationIds": [str(o) for o in goal.organization_ids],
        "validFrom": goal.valid_from.isoformat() if goal.valid_from else None,
        "validTo": goal.valid_to.isoformat() if goal.valid_to else None,
    }


def goal_link(child_id: str, parent_id: str) -> dict[str, Any]:
    return {"goalId": child_id, "parentId": parent_id}
