"""OpenTelemetry set-up: one tracer provider per process, OTLP/HTTP when configured.

Spans follow the current (stable) semantic conventions for HTTP and databases: the FastAPI and
asyncpg instrumentations emit them when ``OTEL_SEMCONV_STABILITY_OPT_IN`` names ``http`` and
``database``, which :func:`setup_telemetry` sees to before it instruments anything; what asyncpg's
instrumentation leaves out (``db.operation.name``, a conventional span name) is added by
:class:`DatabaseSpanConventions`. ``tests/test_semconv_trace.py`` checks a real trace's attribute
names against the `opentelemetry-semantic-conventions` package.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

log = logging.getLogger(__name__)
_provider: TracerProvider | None = None

SEMCONV_OPT_IN = "OTEL_SEMCONV_STABILITY_OPT_IN"
# The categories whose stable conventions the instrumentations in use can emit (FastAPI: http,
# asyncpg: database). Messaging and GraphQL spans are vsm's own and follow the current conventions.
STABLE_CATEGORIES = ("http", "database")
ASYNCPG_SCOPE = "opentelemetry.instrumentation.asyncpg"

_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_CTE_OPERATION = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def stability_opt_in(current: str | None) -> str:
    """``OTEL_SEMCONV_STABILITY_OPT_IN`` with ``http`` and ``database`` added to what is set.

    Other categories are kept, and so is an operator's ``http/dup`` or ``database/dup`` (old and
    stable names side by side while dashboards move): that is a deliberate choice, not a default.
    """
    entries = [e.strip() for e in (current or "").split(",") if e.strip()]
    for category in STABLE_CATEGORIES:
        if category not in entries and f"{category}/dup" not in entries:
            entries.append(category)
    return ",".join(entries)


def opt_into_stable_conventions() -> None:
    """Set the opt-in before any instrumentation reads it (they read it once per process)."""
    os.environ[SEMCONV_OPT_IN] = stability_opt_in(os.environ.get(SEMCONV_OPT_IN))


def db_operation_name(query: str | None) -> str | None:
    """``db.operation.name`` of a SQL text: its first operation keyword, upper case.

    The conventions ask for the first operation found in the query when it is parsed from the
    text, so a ``WITH`` query is named by the first statement inside it (``WITH x AS (UPDATE ...)``
    is an UPDATE). The instrumentation's own span name is the first word with its punctuation
    (``BEGIN;``, ``CURSOR: SELECT``), which is not an operation name.
    """
    if not query:
        return None
    leading = _LEADING_COMMENTS.match(query)
    text = query[leading.end() :] if leading else query
    first = _FIRST_WORD.match(text)
    if first is None:
        return None
    word = first.group(0).upper()
    if word == "WITH":
        inner = _CTE_OPERATION.search(text, first.end())
        return inner.group(1).upper() if inner else word
    return word


class DatabaseSpanConventions(SpanProcessor):
    """Completes asyncpg's spans to the stable database conventions as they start.

    The instrumentation (0.66b1, ``database`` opt-in) sets ``db.system.name``, ``db.namespace``,
    ``db.query.text`` (asyncpg sends parameters separately, so the text has ``$1`` placeholders and
    never a value), ``server.address``, ``server.port`` and ``network.transport``; it has no hook
    for ``db.operation.name``. A span is still mutable in ``on_start``, so it is added here, and
    the span is named ``{db.operation.name}`` as the conventions say when no query summary or
    single collection name is known.
    """

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        scope = span.instrumentation_scope
        if scope is None or scope.name != ASYNCPG_SCOPE or span.attributes is None:
            return
        query = span.attributes.get("db.query.text")
        operation = db_operation_name(query if isinstance(query, str) else None)
        if operation is not None:
            span.set_attribute("db.operation.name", operation)
            span.update_name(operation)


def host_of(authority: str) -> str:
    """The host of a ``Host`` header value: ``127.0.0.1:4001`` -> ``127.0.0.1``, ``[::1]:4001`` -> ``::1``."""
    if authority.startswith("["):
        return authority[1 : authority.find("]")] if "]" in authority else authority
    if authority.count(":") > 1:  # a bare IPv6 address: no port to take off
        return authority
    host, _, port = authority.rpartition(":")
    return host if host and port.isdigit() else authority


def server_request_hook(span: trace.Span, scope: dict[str, Any]) -> None:
    """Sets ``server.address`` to the host alone (FastAPI hook, run as the server span starts).

    The ASGI instrumentation (0.66b1) copies the whole ``Host`` header, port included, into
    ``server.address``; the conventions want the host there and the port in ``server.port``.
    """
    if not span.is_recording():
        return
    for name, value in scope.get("headers") or ():
        if name == b"host":
            span.set_attribute("server.address", host_of(value.decode("latin-1")))
            return


def setup_telemetry(service_name: str, otlp_endpoint: str | None) -> TracerProvider:
    """Install the tracer provider and database instrumentation once per process.

    Spans carry SQL statements with placeholders only (asyncpg sends parameters
    separately, and parameter capture stays off), never parameter values, so personal
    data stays out of traces.
    """
    global _provider
    if _provider is not None:
        return _provider
    opt_into_stable_conventions()
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(DatabaseSpanConventions())
    if otlp_endpoint:
        exporter = OTLPSpanExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/traces")
        # A short delay keeps traces visible within a second of the request.
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=500))
        log.info("exporting traces to %s", otlp_endpoint)
    trace.set_tracer_provider(provider)
    AsyncPGInstrumentor(capture_parameters=False).instrument(tracer_provider=provider)
    _provider = provider
    return provider


def shutdown_telemetry() -> None:
    if _provider is not None:
        _provider.shutdown()
