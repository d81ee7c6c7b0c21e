"""Every followup event payload matches its published JSON Schema; no free text leaves the service."""

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from vsm_common.contracts import EventType, followup
from vsm_common.contracts.schemas import errors
from vsm_followup.domain.model import (
    Action,
    ActionState,
    Assessment,
    AssessmentStatus,
    FulfilmentBasis,
    PeriodKind,
    ReportingPeriod,
)
from vsm_followup.service import events

PERIOD = ReportingPeriod(uuid.uuid4(), 2026, PeriodKind.TERTIAL, "T1 2026", date(2026, 1, 1), date(2026, 4, 30), True)
NOW = datetime.now(UTC)
SECRET = "Anna Andersson är sjukskriven"


def samples() -> list[tuple[EventType[Any], Any]]:
    goal = uuid.uuid4()
    a = Assessment(goal, PERIOD.id, AssessmentStatus.NOT_ACHIEVED, None, SECRET, uuid.uuid4(), NOW)
    action = Action(uuid.uuid4(), goal, SECRET, uuid.uuid4(), None, ActionState.DELAYED)
    return [
        (followup.PERIOD_DEFINED, events.period_defined(PERIOD)),
        (followup.PERIOD_CLOSED, events.period_closed(PERIOD, NOW, 3)),
        (
            followup.ASSESSMENT_RECORDED,
            events.assessment_recorded(a, None, FulfilmentBasis.OVERRIDDEN, AssessmentStatus.PARTLY_ACHIEVED),
        ),
        (
            followup.ASSESSMENT_RECORDED,
            events.assessment_recorded(
                Assessment(goal, PERIOD.id, AssessmentStatus.ACHIEVED, AssessmentStatus.ACHIEVED, None, None, NOW),
                AssessmentStatus.NOT_ACHIEVED,
                FulfilmentBasis.ASSESSED,
                None,
            ),
        ),
        (followup.ACTION_ADDED, events.action_added(action)),
        (followup.ACTION_STATE_CHANGED, events.action_state_changed(action, ActionState.IN_PROGRESS)),
    ]


@pytest.mark.parametrize(("event_type", "data"), samples(), ids=lambda v: str(v) if isinstance(v, EventType) else "")
def test_payload_matches_its_schema(event_type: EventType[Any], data: Any) -> None:
    assert errors(event_type, data) == []
    assert SECRET not in json.dumps(data, ensure_ascii=False)


def test_the_samples_cover_every_type() -> None:
    assert {t for t, _ in samples()} == set(followup.ALL)


def test_schemas_refuse_what_the_contract_does_not_allow() -> None:
    data = events.period_defined(PERIOD)
    assert errors(followup.PERIOD_DEFINED, {**data, "kind": "WEEK"})
    assert errors(followup.PERIOD_DEFINED, {**data, "analysis": "text"})
