"""The payloads of the goals service's events (no personal data); the types are in ``vsm_common.contracts.goals``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from vsm_common.contracts import Decision as DecisionData
from vsm_common.contracts import goals as contract

from ..domain.model import Decision, EstablishmentRequest, Goal, GoalRefusal, Organization


def organization_registered(org: Organization) -> contract.OrganizationRegistered:
    return {
        "organizationId": str(org.id),
        "code": org.code,
        "name": org.name,
        "kind": str(org.kind),
        "parentId": str(org.parent_id) if org.parent_id else None,
    }


def goal_created(goal: Goal) -> contract.GoalCreated:
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
) -> contract.GoalLinked:
    """``effectiveFrom`` None: a draft's link, taking effect with the goal's adoption."""
    return {
        "goalId": str(child_id),
        "parentId": str(parent_id),
        "effectiveFrom": effective_from.isoformat() if effective_from else None,
        "decision": decision(d) if d else None,
    }


def goal_unlinked(
    child_id: uuid.UUID, parent_id: uuid.UUID, effective_to: date | None, d: Decision | None
) -> contract.GoalUnlinked:
    """``effectiveTo`` is the first day the link is no longer in force; None: a draft's link was
    removed and never took effect."""
    return {
        "goalId": str(child_id),
        "parentId": str(parent_id),
        "effectiveTo": effective_to.isoformat() if effective_to else None,
        "decision": decision(d) if d else None,
    }


def decision(d: Decision) -> DecisionData:
    return {
        "bodyId": str(d.body_id),
        "date": d.date.isoformat(),
        "paragraph": d.paragraph,
        "diaryNumber": d.diary_number,
    }


def goal_revised(goal: Goal, d: Decision | None) -> contract.GoalRevised:
    return {
        "goalId": str(goal.id),
        "revision": goal.revision,
        "title": goal.title,
        "validFrom": goal.valid_from.isoformat() if goal.valid_from else None,
        "validTo": goal.valid_to.isoformat() if goal.valid_to else None,
        "organizationIds": [str(o) for o in goal.organization_ids],
        "decision": decision(d) if d else None,
    }


def goal_adopted(goal: Goal, d: Decision) -> contract.GoalAdopted:
    return {
        "goalId": str(goal.id),
        "level": str(goal.level),
        "revision": goal.revision,
        "decision": decision(d),
        "establishedBy": str(goal.established_by) if goal.established_by else None,
    }


def goal_retired(goal: Goal, d: Decision) -> contract.GoalRetired:
    return {"goalId": str(goal.id), "decision": decision(d), "retiredOn": d.date.isoformat()}


def employee_goals_linked(
    operational_goal_id: str, employee_goal_ids: list[str], unit_ids: list[str]
) -> contract.EmployeeGoalsLinked:
    # Ids only: titles and employee references are personal data and never leave the service.
    return {"operationalGoalId": operational_goal_id, "employeeGoalIds": employee_goal_ids, "unitIds": unit_ids}


def employee_goals_removed(
    operational_goal_id: str, employee_goal_ids: list[str], reason: str
) -> contract.EmployeeGoalsRemoved:
    return {"operationalGoalId": operational_goal_id, "employeeGoalIds": employee_goal_ids, "reason": reason}


def _establishment(request: EstablishmentRequest) -> contract.Establishment:
    return {
        "establishedBy": str(request.by_id),
        "establishedByKind": str(request.by),
        "decision": decision(request.decision),
        "goalIds": [str(g) for g in request.goal_ids],
        "adoptionEventId": request.event_id,
    }


def goal_establishment_confirmed(
    request: EstablishmentRequest, adopted_ids: Sequence[uuid.UUID]
) -> contract.GoalEstablishmentConfirmed:
    """Every goal is in force: ``adoptedGoalIds`` were adopted now with the decision, the rest already were."""
    return {**_establishment(request), "adoptedGoalIds": [str(g) for g in adopted_ids]}


def goal_establishment_refused(
    request: EstablishmentRequest, refusals: Sequence[GoalRefusal]
) -> contract.GoalEstablishmentRefused:
    """No goal was adopted (all or nothing); each refused goal with its rule. Ids, rules and messages about
    goals and organisations only: nothing personal."""
    return {
        **_establishment(request),
        "refusals": [{"goalId": str(r.goal_id), "rule": r.rule, "message": r.message} for r in refusals],
    }
