"""Unit tests of the CloudEvents envelope."""

import orjson
import pytest

from vsm_common.events import CloudEvent, MalformedEvent


def test_round_trip_keeps_every_attribute() -> None:
    event = CloudEvent(type="vsm.goals.goal.created.v1", source="/vsm/goals", subject="g1", data={"goalId": "g1"})
    back = CloudEvent.from_json(event.to_json())
    assert back == event


def test_envelope_is_structured_cloudevents_json() -> None:
    doc = orjson.loads(CloudEvent(type="t.v1", source="/s", subject="x", data={}).to_json())
    assert doc["specversion"] == "1.0"
    assert doc["datacontenttype"] == "application/json"
    assert set(doc) >= {"id", "source", "type", "subject", "time", "data"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "no value"),
        (b"not json", "not JSON"),
        (b"[]", "not a JSON object"),
        (b'{"specversion":"0.3"}', "specversion"),
        (b'{"specversion":"1.0","id":"1","source":"/s","type":"t","subject":"x","time":"2026-01-01T00:00:00"}', "data"),
        (b'{"specversion":"1.0","id":"1","source":"/s","type":"t","subject":"x","time":"yesterday","data":{}}', "time"),
        (b'{"specversion":"1.0","id":"","source":"/s","type":"t","subject":"x","time":"2026-01-01","data":{}}', "id"),
    ],
)
def test_malformed_records_are_refused_with_a_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        CloudEvent.from_json(raw)
