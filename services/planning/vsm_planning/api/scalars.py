"""The Decimal scalar of the planning subgraph: exact, in and out.

Strawberry's built-in Decimal turns a JSON number into a string first, so a float that has already
lost digits (12345678901234567.89 → 1.2345678901234568e16) is silently accepted. Money must be
exact: variables are accepted as strings (or integers), literals from their source text.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import FloatValueNode, IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

from vsm_common.errors import DomainError

DESCRIPTION = (
    'Exact decimal number, serialised as a string: "20.38", "125000000.00". '
    "Send it as a string (or an integer); JSON floats are refused because they are not exact."
)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise DomainError(f"{text!r} is not a decimal number", rule="decimal.format") from None


def parse_value(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DomainError(
            'a Decimal is sent as a string, e.g. "125000000.00"; a JSON float is not exact',
            rule="decimal.format",
        )
    return _decimal(str(value))


def parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> Decimal:
    # A literal's source text is exact, whichever kind of literal it is.
    if isinstance(node, StringValueNode | IntValueNode | FloatValueNode):
        return _decimal(node.value)
    raise DomainError("a Decimal is a string or a number literal", rule="decimal.format")


ExactDecimal = ScalarDefinition(
    name="Decimal",
    description=DESCRIPTION,
    specified_by_url=None,
    serialize=str,
    parse_value=parse_value,
    parse_literal=parse_literal,
)
