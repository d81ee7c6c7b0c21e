"""vsm_dev.semconv reads the attribute registry, and its deprecations, from the installed package."""

from __future__ import annotations

from vsm_dev.semconv import build_registry, installed_registry, parse_module

STABLE = '''
from typing import Final

DB_QUERY_TEXT: Final = "db.query.text"
"""
The database query being executed.
"""

EXCEPTION_ESCAPED: Final = "exception.escaped"
"""
Deprecated: It's no longer recommended to record exceptions that are handled.
"""

HTTP_REQUEST_HEADER_TEMPLATE: Final = "http.request.header"
"""
HTTP request headers, `<key>` being the normalized HTTP Header name.
"""
'''

INCUBATING = '''
from enum import Enum
from typing import Final

from typing_extensions import deprecated

DB_QUERY_TEXT: Final = "db.query.text"
"""
Deprecated in favor of stable :py:const:`opentelemetry.semconv.attributes.db_attributes.DB_QUERY_TEXT`.
"""

DB_STATEMENT: Final = "db.statement"
"""
Deprecated: Replaced by `db.query.text`.
"""

DB_CASSANDRA_CONSISTENCY_LEVEL: Final = "db.cassandra.consistency_level"
"""
The consistency level of the query.
"""

MESSAGING_OPERATION_TYPE: Final = "messaging.operation.type"
"""
A string identifying the type of the messaging operation.
"""


class MessagingOperationTypeValues(Enum):
    SEND = "send"
    """One or more messages are provided for sending."""
    PUBLISH = "publish"
    """Deprecated: Replaced by `send`."""


@deprecated("The attribute db.cassandra.consistency_level is deprecated - Replaced by `cassandra.consistency.level`")
class DbCassandraConsistencyLevelValues(Enum):
    ALL = "all"
'''


def test_registry_reads_names_deprecations_templates_and_values() -> None:
    registry = build_registry([parse_module(STABLE), parse_module(INCUBATING)])
    # A constant that only moved from _incubating to the stable modules is current, not deprecated.
    assert registry.problem("db.query.text") is None
    assert registry.problem("db.statement") == "db.statement is deprecated: Replaced by `db.query.text`."
    assert registry.problem("exception.escaped") is not None  # deprecated in a stable module too
    assert "cassandra.consistency.level" in (registry.problem("db.cassandra.consistency_level") or "")  # @deprecated
    assert registry.problem("http.request.header.content-type") is None  # a template's key
    assert registry.problem("http.request.header") is not None  # the template itself is no attribute
    assert registry.problem("db.invented") == "db.invented is not in the semantic conventions"
    assert registry.is_well_known("messaging.operation.type", "send")
    assert registry.value_problem("messaging.operation.type", "send") is None
    assert registry.value_problem("messaging.operation.type", "publish") is not None
    assert registry.value_problem("messaging.operation.type", "custom") is None  # value lists are open


def test_installed_registry_knows_the_names_vsm_relies_on() -> None:
    registry = installed_registry()
    for current in (
        "http.request.method",
        "http.response.status_code",
        "url.path",
        "db.system.name",
        "db.query.text",
        "db.operation.name",
        "server.address",
        "messaging.operation.type",
        "messaging.destination.partition.id",
        "messaging.consumer.group.name",
        "messaging.kafka.offset",
        "graphql.operation.type",
        "graphql.operation.name",
    ):
        assert registry.problem(current) is None, current
    for old in ("http.method", "http.status_code", "db.system", "db.statement", "net.peer.name", "db.user"):
        assert registry.problem(old) is not None, old
    assert registry.is_well_known("db.system.name", "postgresql")
    assert registry.is_well_known("messaging.system", "kafka")
