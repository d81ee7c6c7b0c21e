"""W3C trace-context helpers for the hops that instrumentation does not cover."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
