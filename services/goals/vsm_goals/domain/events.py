"""Event types the goals service publishes, and their payloads (no personal data)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from .model import Decision, EstablishmentRequest, Goal, GoalRefusal, Organization

ORGANIZATION_REGISTERED = "vsm.goals.organization.registered.v1"
GOAL_CREATED = "vsm.goals.goal.created.v1"
# v2 dates a link change and names its decision (issue 13); adding fields to a v1 type would break
# consumers that validate against its closed schema. The v1 types are no longer emitted but stay
# published: old events in a log still carry them, and consumers still read them.
GOAL_LINKED = "vsm.goals.goal.linked.v2"
GOAL_UNLINKED = "vsm.goals.goal.unlinked.v2"
GOAL_LINKED_V1 = "vsm.goals.goal.linked.v1"
GOAL_UNLINKED_V1 = "vsm.goals.goal.unlinked.v1"
GOAL_REVISED = "vsm.goals.goal.revised.v1"
GOAL_ADOPTED = "vsm.goals.goal.adopted.v1"
GOAL_RETIRED = "vsm.goals.goal.retired.v1"
EMPLOYEE_GOALS_LINKED = "vsm.goals.employee_goals.linked.v1"
EMPLOYEE_GOALS_REMOVED = "vsm.goals.employee_goals.removed.v1"
# The goals service's answer to an adopted directive or plan (the planning sagas): exactly one of the two
# for every directive.adopted / plan.adopted it consumes, keyed by the directive or plan id.
GOAL_ESTABLISHMENT_CONFIRMED = "vsm.goals.goal_establishment.confirmed.v1"
GOAL_ESTABLISHMENT_REFUSED = "vsm.goals.goal_establishment.refused.v1"

ALL_TYPES = (
    ORGANIZATION_REGISTERED,
    GOAL_CREATED,
    GOAL_REVISED,
    GOAL_ADOPTED,
    GOAL_RETIRED,
    GOAL_LINKED,
    GOAL_UNLINKED,
    GOAL_LINKED_V1,
    GOAL_UNLINKED_V1,
    EMPLOYEE_GOALS_LINKED,
    EMPLOYEE_GOALS_REMOVED,
    GOAL_ESTABLISHMENT_CONFIRMED,
    GOAL_ESTABLISHMENT_REFUSED,
)


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


def goal_linked(
    child_id: uuid.UUID, parent_id: uuid.UUID, effective_from: date | None, d: Decision | None
) -> dict[str, Any]:
    """``effectiveFrom`` None: a draft's link, taking effect with the goal's adoption."""
    return {
        "goalId": str(child_id),
        "parentId": str(parent_id),
        "effectiveFrom": effective_from.isoformat() if effective_from else None,
        "decision": decision(d) if d else None,
    }


def goal_unlinked(
    child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None, d: Decision | None
) -> dict[str, Any]:
    """``effectiveTo`` is the first day the link is no longer in force; None: a draft's link was
    removed and never took effect."""
    return {
        "goalId": str(child_id),
        "parentId": str(parent_id),
        "effectiveTo": effective_to.isoformat() if effective_to else None,
        "decision": decision(d) if d else None,
    }


def decision(d: Decision) -> dict[str, Any]:
    return {
        "bodyId": str(d.body_id),
        "date": d.date.isoformat(),
        "paragraph": d.paragraph,
        "diaryNumber": d.diary_number,
    }


def goal_revised(goal: Goal, d: Decision | None) -> dict[str, Any]:
    return {
        "goalId": str(goal.id),
        "revision": goal.revision,
        "title": goal.title,
        "validFrom": goal.valid_from.isoformat() if goal.valid_from else None,
        "validTo": goal.valid_to.isoformat() if goal.valid_to else None,
        "organizationIds": [str(o) for o in goal.organization_ids],
        "decision": decision(d) if d else None,
    }


def goal_adopted(goal: Goal, d: Decision) -> dict[str, Any]:
    return {
        "goalId": str(goal.id),
        "level": str(goal.level),
        "revision": goal.revision,
        "decision": decision(d),
        "establishedBy": str(goal.established_by) if goal.established_by else None,
    }


def goal_retired(goal: Goal, d: Decision) -> dict[str, Any]:
    return {"goalId": str(goal.id), "decision": decision(d), "retiredOn": d.date.isoformat()}


def employee_goals_linked(
    operational_goal_id: str, employee_goal_ids: list[str], unit_ids: list[str]
) -> dict[str, Any]:
    # Ids only: titles and employee references are personal data and never leave the service.
    return {"operationalGoalId": operational_goal_id, "employeeGoalIds": employee_goal_ids, "unitIds": unit_ids}


def employee_goals_removed(operational_goal_id: str, employee_goal_ids: list[str], reason: str) -> dict[str, Any]:
    return {"operationalGoalId": operational_goal_id, "employeeGoalIds": employee_goal_ids, "reason": reason}


def _establishment(request: EstablishmentRequest) -> dict[str, Any]:
    return {
        "establishedBy": str(request.by_id),
        "establishedByKind": str(request.by),
        "decision": decision(request.decision),
        "goalIds": [str(g) for g in request.goal_ids],
        "adoptionEventId": request.event_id,
    }


def goal_establishment_confirmed(request: EstablishmentRequest, adopted_ids: Sequence[uuid.UUID]) -> dict[str, Any]:
    """Every goal is in force: ``adoptedGoalIds`` were adopted now with the decision, the rest already were."""
    return {**_establishment(request), "adoptedGoalIds": [str(g) for g in adopted_ids]}


def goal_establishment_refused(request: EstablishmentRequest, refusals: Sequence[GoalRefusal]) -> dict[str, Any]:
    """No goal was adopted (all or nothing); each refused goal with its rule. Ids, rules and messages about
    goals and organisations only: nothing personal."""
    return {
        **_establishment(request),
        "refusals": [{"goalId": str(r.goal_id), "rule": r.rule, "message": r.message} for r in refusals],
    }
