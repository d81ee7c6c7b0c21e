"""The events the goals service publishes on ``vsm.goals.events`` (docs/events.md).

Ids, dates and decisions only: medarbetarmål events carry no titles or employee references.
Enumerations travel as their member names (``"ADOPTED"``); their allowed values are in the schemas.
"""

from typing import Any, TypedDict

from .base import Decision, EventType


class OrganizationRegistered(TypedDict):
    organizationId: str
    code: str
    name: str
    kind: str
    parentId: str | None


class GoalCreated(TypedDict):
    goalId: str
    level: str
    state: str  # always "DRAFT": a goal is created as a draft
    title: str
    parentIds: list[str]
    organizationIds: list[str]
    validFrom: str | None
    validTo: str | None


class GoalRevised(TypedDict):
    goalId: str
    revision: int
    title: str
    validFrom: str | None
    validTo: str | None
    organizationIds: list[str]
    decision: Decision | None


class GoalAdopted(TypedDict):
    goalId: str
    level: str
    revision: int
    decision: Decision
    establishedBy: str | None  # the directive or plan whose adoption established the goal


class GoalRetired(TypedDict):
    goalId: str
    decision: Decision
    retiredOn: str


class GoalLinked(TypedDict):
    goalId: str
    parentId: str
    effectiveFrom: str | None  # None: a draft's link, taking effect with the goal's adoption
    decision: Decision | None


class GoalUnlinked(TypedDict):
    goalId: str
    parentId: str
    effectiveTo: str | None  # exclusive; None: a draft's link was removed and never took effect
    decision: Decision | None


class GoalLinkedV1(TypedDict):
    goalId: str
    parentId: str


class GoalUnlinkedV1(TypedDict):
    goalId: str
    parentId: str


class EmployeeGoalsLinked(TypedDict):
    operationalGoalId: str
    employeeGoalIds: list[str]
    unitIds: list[str]


class EmployeeGoalsRemoved(TypedDict):
    operationalGoalId: str
    employeeGoalIds: list[str]
    reason: str  # "disposal" or "source"


class Refusal(TypedDict):
    goalId: str
    rule: str
    message: str


class Establishment(TypedDict):
    """What both answers to an adopted directive or plan carry."""

    establishedBy: str  # the directive (revision) or plan id
    establishedByKind: str
    decision: Decision
    goalIds: list[str]
    adoptionEventId: str | None  # the id of the directive.adopted / plan.adopted event answered


class GoalEstablishmentConfirmed(Establishment):
    adoptedGoalIds: list[str]  # adopted now; the other goalIds were in force already


class GoalEstablishmentRefused(Establishment):
    refusals: list[Refusal]  # at least one; none of the goals was adopted


ORGANIZATION_REGISTERED = EventType("goals", "organization", "registered", 1, OrganizationRegistered)
GOAL_CREATED = EventType("goals", "goal", "created", 1, GoalCreated)
GOAL_REVISED = EventType("goals", "goal", "revised", 1, GoalRevised)
GOAL_ADOPTED = EventType("goals", "goal", "adopted", 1, GoalAdopted)
GOAL_RETIRED = EventType("goals", "goal", "retired", 1, GoalRetired)
# v2 dates a link change and names its decision; adding fields to v1 would break consumers that validate
# against its closed schema. v1 is no longer emitted but stays published: a topic may still hold its
# events, and consumers read them with the meaning they had.
GOAL_LINKED = EventType("goals", "goal", "linked", 2, GoalLinked)
GOAL_UNLINKED = EventType("goals", "goal", "unlinked", 2, GoalUnlinked)
GOAL_LINKED_V1 = EventType("goals", "goal", "linked", 1, GoalLinkedV1)
GOAL_UNLINKED_V1 = EventType("goals", "goal", "unlinked", 1, GoalUnlinkedV1)
EMPLOYEE_GOALS_LINKED = EventType("goals", "employee_goals", "linked", 1, EmployeeGoalsLinked)
EMPLOYEE_GOALS_REMOVED = EventType("goals", "employee_goals", "removed", 1, EmployeeGoalsRemoved)
# The goals service's answer to an adopted directive or plan (the planning sagas): exactly one of the
# two for every directive.adopted / plan.adopted it consumes, keyed by the directive or plan id.
GOAL_ESTABLISHMENT_CONFIRMED = EventType("goals", "goal_establishment", "confirmed", 1, GoalEstablishmentConfirmed)
GOAL_ESTABLISHMENT_REFUSED = EventType("goals", "goal_establishment", "refused", 1, GoalEstablishmentRefused)

ALL: tuple[EventType[Any], ...] = (
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
