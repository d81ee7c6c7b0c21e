"""The events the followup service publishes on ``vsm.followup.events``.

No payload carries free text (analyses, action titles): a person may write anything there, names
included, so consumers read it through the API, where access is controlled.
"""

from typing import Any, TypedDict

from .base import EventType


class PeriodDefined(TypedDict):
    periodId: str
    year: int
    kind: str
    label: str
    startsOn: str
    endsOn: str


class PeriodClosed(PeriodDefined):
    closedAt: str
    frozenAssessments: int  # the assessments of the period, now read-only


class AssessmentRecorded(TypedDict):
    goalId: str
    periodId: str
    status: str
    previousStatus: str | None
    suggestedStatus: str | None
    rolledUpStatus: str | None
    basis: str
    hasAnalysis: bool  # whether there is an analysis, never the analysis itself
    assessedById: str | None
    assessedAt: str


class ActionAdded(TypedDict):
    actionId: str
    goalId: str
    ownerId: str
    dueOn: str | None
    state: str


# "from" is a keyword, so this one payload is declared in the functional form.
ActionStateChanged = TypedDict(
    "ActionStateChanged",
    {"actionId": str, "goalId": str, "ownerId": str, "dueOn": str | None, "from": str, "to": str},
)

PERIOD_DEFINED = EventType("followup", "period", "defined", 1, PeriodDefined)
PERIOD_CLOSED = EventType("followup", "period", "closed", 1, PeriodClosed)
ASSESSMENT_RECORDED = EventType("followup", "assessment", "recorded", 1, AssessmentRecorded)
ACTION_ADDED = EventType("followup", "action", "added", 1, ActionAdded)
ACTION_STATE_CHANGED = EventType("followup", "action", "state_changed", 1, ActionStateChanged)

ALL: tuple[EventType[Any], ...] = (
    PERIOD_DEFINED,
    PERIOD_CLOSED,
    ASSESSMENT_RECORDED,
    ACTION_ADDED,
    ACTION_STATE_CHANGED,
)
