"""Every followup event payload matches its published JSON Schema; no free text leaves the service."""

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest

from vsm_followup.domain import events
from vsm_followup.domain.model import (
    Action,
    ActionState,
    Assessment,
    AssessmentStatus,
    FulfilmentBasis,
    PeriodKind,
    ReportingPeriod,
)

SCHEMAS = Path(__file__).parents[1] / "events"
PERIOD = ReportingPeriod(uuid.uuid4(), 2026, PeriodKind.TERTIAL, "T1 2026", date(2026, 1, 1), date(2026, 4, 30), True)
NOW = datetime.now(UTC)
SECRET = "Anna Andersson är sjukskriven"


def schema(event_type: str) -> dict:  # type: ignore[type-arg]
    return json.loads((SCHEMAS / f"{event_type}.schema.json").read_text())


def samples() -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    goal = uuid.uuid4()
    a = Assessment(goal, PERIOD.id, AssessmentStatus.NOT_ACHIEVED, None, SECRET, uuid.uuid4(), NOW)
    action = Action(uuid.uuid4(), goal, SECRET, uuid.uuid4(), None, ActionState.DELAYED)
    return [
        (events.PERIOD_DEFINED, events.period_defined(PERIOD)),
        (events.PERIOD_CLOSED, events.period_closed(PERIOD, NOW, 3)),
        (
            events.ASSESSMENT_RECORDED,
            events.assessment_recorded(a, None, FulfilmentBasis.OVERRIDDEN, AssessmentStatus.PARTLY_ACHIEVED),
        ),
        (
            events.ASSESSMENT_RECORDED,
            events.assessment_recorded(
                Assessment(goal, PERIOD.id, AssessmentStatus.ACHIEVED, AssessmentStatus.ACHIEVED, None, None, NOW),
                AssessmentStatus.NOT_ACHIEVED,
                FulfilmentBasis.ASSESSED,
                None,
            ),
        ),
        (events.ACTION_ADDED, events.action_added(action)),
        (events.ACTION_STATE_CHANGED, events.action_state_changed(action, ActionState.IN_PROGRESS)),
    ]


@pytest.mark.parametrize(("event_type", "data"), samples())
def test_payload_matches_its_schema(event_type: str, data: dict) -> None:  # type: ignore[type-arg]
    jsonschema.validate(data, schema(event_type), format_checker=jsonschema.FormatChecker())
    assert SECRET not in json.dumps(data, ensure_ascii=False)


def test_every_event_type_has_a_schema_and_nothing_else_does() -> None:
    assert {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")} == set(events.ALL)


def test_schemas_refuse_what_the_contract_does_not_allow() -> None:
    data = events.period_defined(PERIOD)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "kind": "WEEK"}, schema(events.PERIOD_DEFINED))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "analysis": "text"}, schema(events.PERIOD_DEFINED))
