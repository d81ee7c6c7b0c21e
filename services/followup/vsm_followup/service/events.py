"""The payloads of the followup service's events; the types are in ``vsm_common.contracts.followup``.

Each type has a JSON Schema in ``services/followup/events/``. No payload carries free text
(analyses, action titles): a person may write anything there, names included, so consumers read
it through the API, where access can be controlled.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from vsm_common.contracts import followup as contract

from ..domain.model import Action, ActionState, Assessment, AssessmentStatus, FulfilmentBasis, ReportingPeriod


def _id(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _period(p: ReportingPeriod) -> contract.PeriodDefined:
    return {
        "periodId": str(p.id),
        "year": p.year,
        "kind": str(p.kind),
        "label": p.label,
        "startsOn": p.starts_on.isoformat(),
        "endsOn": p.ends_on.isoformat(),
    }


def period_defined(p: ReportingPeriod) -> contract.PeriodDefined:
    return _period(p)


def period_closed(p: ReportingPeriod, closed_at: datetime, frozen_assessments: int) -> contract.PeriodClosed:
    return {**_period(p), "closedAt": closed_at.isoformat(), "frozenAssessments": frozen_assessments}


def assessment_recorded(
    a: Assessment, previous: AssessmentStatus | None, basis: FulfilmentBasis, rolled_up: AssessmentStatus | None
) -> contract.AssessmentRecorded:
    return {
        "goalId": str(a.goal_id),
        "periodId": str(a.period_id),
        "status": str(a.status),
        "previousStatus": str(previous) if previous else None,
        "suggestedStatus": str(a.suggested_status) if a.suggested_status else None,
        "rolledUpStatus": str(rolled_up) if rolled_up else None,
        "basis": str(basis),
        "hasAnalysis": a.analysis is not None,
        "assessedById": _id(a.assessed_by),
        "assessedAt": a.assessed_at.isoformat(),
    }


def action_added(a: Action) -> contract.ActionAdded:
    return {
        "actionId": str(a.id),
        "goalId": str(a.goal_id),
        "ownerId": str(a.owner_id),
        "dueOn": _day(a.due_on),
        "state": str(a.state),
    }


def action_state_changed(a: Action, previous: ActionState) -> contract.ActionStateChanged:
    return {
        "actionId": str(a.id),
        "goalId": str(a.goal_id),
        "ownerId": str(a.owner_id),
        "dueOn": _day(a.due_on),
        "from": str(previous),
        "to": str(a.state),
    }
