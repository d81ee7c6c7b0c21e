"""The custom scalars of the public API: Date, DateTime and Decimal, one definition for every subgraph.

Composition needs a scalar that several subgraphs define to be the same everywhere, and clients that
generate code need to know what the strings hold: each scalar names its format with ``@specifiedBy``
(``specified_by_url``), and reads and writes exactly that format, nothing looser.

- ``Date``: a calendar date, ``YYYY-MM-DD`` (RFC 3339 full-date), as in the GraphQL Foundation's
  LocalDate scalar spec (https://scalars.graphql.org/andimarek/local-date.html). Python 3.11's
  ``date.fromisoformat`` alone would also take ``20270630`` and ``2027-W26-3``.
- ``DateTime``: a point in time with its UTC offset, RFC 3339 section 5.6 ``date-time``. Not the
  Foundation's DateTime spec (andimarek/date-time): that one demands exactly three fractional digits,
  and our timestamps (PostgreSQL ``timestamptz``) carry six; cutting them would change every answer.
- ``Decimal``: an exact decimal number in a string, the lexical form of XML Schema's ``xs:decimal``
  (W3C XSD 1.1 part 2, 3.3.3): optional sign, digits, optional fraction, no exponent, no NaN or
  infinity, surrounding whitespace collapsed. Only a string, in a variable or a literal: a number,
  integer or not, is refused (``decimal.format``). No scalars.graphql.org spec fits (ChilliCream's
  Decimal is a JSON number, which is what we refuse), and a W3C recommendation is a stabler address
  than a page of our own documentation. docs/api.md (Scalars) says the same for our clients.

A Date or DateTime literal that is no such string (``asOf: "x"``, ``asOf: 20261207``) is refused
as ``input.invalid``, the rule graphql-core's variable coercion gets for the same value, with the
literal's field (``vsm_common.graphql.DomainErrors``): a ValueError from the literal's parser would
be an unexpected error, ``INTERNAL``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from graphql import StringValueNode, ValueNode, value_from_ast_untyped
from strawberry.types.scalar import ScalarDefinition

from .errors import DomainError

DATE_SPECIFIED_BY = "https://scalars.graphql.org/andimarek/local-date.html"
DATETIME_SPECIFIED_BY = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
DECIMAL_SPECIFIED_BY = "https://www.w3.org/TR/xmlschema11-2/#decimal"

# ASCII digits only: \d would also match other scripts' digits.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_XSD_WHITESPACE = " \t\r\n"  # what xs:decimal's whiteSpace="collapse" removes at either end

# The rule of a value no scalar can read; vsm_common.graphql gives it to a refused variable too.
RULE_INVALID_INPUT = "input.invalid"


# ------------------------------------------------------------------ Date
def serialize_date(value: Any) -> str:
    # A datetime is a date too, and would print its time: a resolver handing one over is a bug.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"Date cannot represent {type(value).__name__}")
    return value.isoformat()


def parse_date(value: object) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError(f'a Date is a string "YYYY-MM-DD", e.g. "2027-06-30"; got {value!r}')
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date in the calendar") from None


def parse_date_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> date:
    """A literal in the query's text, read as a variable's value would be (``vsm_common.graphql`` names its field)."""
    try:
        return parse_date(value_from_ast_untyped(node, variables))
    except ValueError as error:
        raise DomainError(str(error), rule=RULE_INVALID_INPUT) from None


DateScalar = ScalarDefinition(
    name="Date",
    description='A calendar date without a time zone, "YYYY-MM-DD" (RFC 3339 full-date), e.g. "2027-06-30".',
    specified_by_url=DATE_SPECIFIED_BY,
    serialize=serialize_date,
    parse_value=parse_date,
    parse_literal=parse_date_literal,
    origin=date,
)


# ------------------------------------------------------------------ DateTime
def serialize_datetime(value: Any) -> str:
    if not isinstance(value, datetime):
        raise TypeError(f"DateTime cannot represent {type(value).__name__}")
    if value.utcoffset() is None:
        # Without an offset it is no point in time; every timestamp vsm stores is timestamptz.
        raise ValueError("DateTime cannot represent a datetime without a UTC offset")
    return value.isoformat()


def parse_datetime(value: object) -> datetime:
    found = _DATETIME.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError(
            f'a DateTime is an RFC 3339 date-time with its offset, e.g. "2026-11-27T09:30:00+01:00"; got {value!r}'
        )
    offset = found["offset"].upper().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(f"{found['date']}T{found['time']}{offset}")
    except ValueError:
        raise ValueError(f"{value!r} is not a point in time in the calendar") from None


def parse_datetime_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> datetime:
    """A literal in the query's text, read as a variable's value would be (``vsm_common.graphql`` names its field)."""
    try:
        return parse_datetime(value_from_ast_untyped(node, variables))
    except ValueError as error:
        raise DomainError(str(error), rule=RULE_INVALID_INPUT) from None


DateTimeScalar = ScalarDefinition(
    name="DateTime",
    description="A point in time with its offset from UTC (RFC 3339 date-time), "
    'e.g. "2026-11-27T00:50:33.021234+00:00".',
    specified_by_url=DATETIME_SPECIFIED_BY,
    serialize=serialize_datetime,
    parse_value=parse_datetime,
    parse_literal=parse_datetime_literal,
    origin=datetime,
)


# ------------------------------------------------------------------ Decimal
# Money must be exact, and only a string is sure to arrive as sent. A JSON number in a variable may
# already have lost digits in the client's JSON library (12345678901234567.89 → 1.2345678901234568e16;
# strawberry's built-in Decimal would take that float's text), and a number literal is read into a
# machine number by the router's query planner before it writes the subgraph request (…76.54 arrives
# as …76.55, an integer beyond 64 bits stops it). An integer that happens to survive is refused all the
# same: a rule that depends on the number of digits is one no client can rely on. Every subgraph
# refuses numbers itself, so no gateway plugin has to (Hive Router has none).
DECIMAL_AS_STRING = (
    'a Decimal is sent as a string, e.g. "125000000.00", never as a number: a number may not arrive exact'
)


def _decimal(text: str) -> Decimal:
    collapsed = text.strip(_XSD_WHITESPACE)
    if not _DECIMAL.fullmatch(collapsed):
        raise DomainError(
            f'{text!r} is not a decimal number: digits with an optional sign and fraction, e.g. "-20.38"',
            rule="decimal.format",
        )
    return Decimal(collapsed)


def parse_decimal(value: object) -> Decimal:
    """A variable's value (JSON): only a string.

    The error names no field: graphql-core's variable coercion would not say where either, so
    ``vsm_common.inputs.InputRules`` looks at Decimal values first and names the field.
    """
    if not isinstance(value, str):
        raise DomainError(DECIMAL_AS_STRING, rule="decimal.format")
    return _decimal(value)


def parse_decimal_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> Decimal:
    """A literal in the query's text: only a string literal (``vsm_common.graphql`` names its field)."""
    if isinstance(node, StringValueNode):
        return _decimal(node.value)
    raise DomainError(DECIMAL_AS_STRING, rule="decimal.format")


def serialize_decimal(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"Decimal cannot represent {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"Decimal cannot represent {number}")
    return format(number, "f")  # never an exponent: str(Decimal("1E+2")) would be "1E+2"


DecimalScalar = ScalarDefinition(
    name="Decimal",
    description='Exact decimal number, always a string: "20.38", "125000000.00". '
    "Send it as a string, in a variable or a literal; a number (integer or not) is refused "
    "(decimal.format) because it may not arrive exact. "
    "Digits with an optional sign and fraction, no exponent (the lexical form of XML Schema's xs:decimal).",
    specified_by_url=DECIMAL_SPECIFIED_BY,
    serialize=serialize_decimal,
    parse_value=parse_decimal,
    parse_literal=parse_decimal_literal,
    origin=Decimal,
)

# Every subgraph's schema takes these (``scalar_overrides``), so a scalar two subgraphs share is
# defined alike in both and the composed supergraph keeps its @specifiedBy.
SCALAR_OVERRIDES: dict[object, Any] = {date: DateScalar, datetime: DateTimeScalar, Decimal: DecimalScalar}
