"""W3C trace-context helpers for the hops that instrumentation does not cover."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry.propagate import extract, inject


def current_traceparent() -> str | None:
    """The ``traceparent`` of the active span, to store beside an outbox row."""
    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> otel_context.Context:
    return extract({"traceparent": traceparent} if traceparent else {})


def context_from_kafka_headers(headers: Iterable[tuple[str, bytes]] | None) -> otel_context.Context:
    carrier: dict[str, str] = {}
    for key, value in headers or ():
        if key in ("traceparent", "tracestate") and value is not None:
            carrier[key] = value.decode("ascii", "replace")
    return extract(carrier)


def kafka_headers_from_current(extra: Mapping[str, str] | None = None) -> list[tuple[str, bytes]]:
    carrier: dict[str, str] = {}
    inject(carrier)
    carrier.update(extra or {})
    return [(k, v.encode()) for k, v in carrier.items()]


# -- messaging spans (OpenTelemetry messaging conventions, Kafka) ------------------------------------
# The relay's send and the consumers' process spans are vsm's own (aiokafka's instrumentation is not
# used: it ends its consumer span before the handler runs). Names are "{operation} {topic}", topics
# being few; keys are entity ids (a goal's, a cycle's), never personal data, so they are recorded.


def _key_text(key: str | bytes | None) -> str | None:
    if key is None:
        return None
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
    return text or None


def _kafka_message_attributes(
    operation: str, topic: str, key: str | bytes | None, message_id: str, event_type: str
) -> dict[str, Any]:
    """What a PRODUCER and a CONSUMER span of one message both say about it."""
    attributes: dict[str, Any] = {
        "messaging.system": "kafka",
        "messaging.operation.type": operation,
        "messaging.operation.name": operation,
        "messaging.destination.name": topic,
        "messaging.message.id": message_id,
        "cloudevents.event_type": event_type,
    }
    if (text := _key_text(key)) is not None:
        attributes["messaging.kafka.message.key"] = text
    return attributes


def kafka_send_attributes(*, topic: str, key: str | bytes | None, message_id: str, event_type: str) -> dict[str, Any]:
    """Attributes of a ``send {topic}`` PRODUCER span; the partition is known only once Kafka acknowledges."""
    return _kafka_message_attributes("send", topic, key, message_id, event_type)


def kafka_process_attributes(
    *,
    topic: str,
    partition: int,
    offset: int,
    key: str | bytes | None,
    group: str,
    message_id: str,
    event_type: str,
) -> dict[str, Any]:
    """Attributes of a ``process {topic}`` CONSUMER span."""
    return {
        **_kafka_message_attributes("process", topic, key, message_id, event_type),
        "messaging.destination.partition.id": str(partition),
        "messaging.consumer.group.name": group,
        "messaging.kafka.offset": offset,
    }
