"""The Decimal scalar (vsm_common.scalars) takes money exactly: only as a string, never as a number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from graphql import BooleanValueNode, FloatValueNode, IntValueNode, StringValueNode

from vsm_common import scalars
from vsm_common.errors import DomainError
from vsm_planning.api.schema import schema


def test_strings_are_exact() -> None:
    assert scalars.parse_decimal("125000000.00") == Decimal("125000000.00")
    assert str(scalars.parse_decimal(" 20.38 ")) == "20.38"
    assert str(scalars.parse_decimal("12345678901234567")) == "12345678901234567"
    assert str(scalars.parse_decimal("12345678901234567.89")) == "12345678901234567.89"


# Issue 12: an integer is refused too, however few its digits; only a string is sure to arrive exact.
@pytest.mark.parametrize("value", [20.38, 1.2345678901234568e16, 7, 12345678901234567, True, None, "tjugo", ["1"]])
def test_numbers_and_non_numbers_are_refused(value: object) -> None:
    with pytest.raises(DomainError) as info:
        scalars.parse_decimal(value)
    assert info.value.rule == "decimal.format"


def test_only_a_string_literal_is_read() -> None:
    assert str(scalars.parse_decimal_literal(StringValueNode(value="12345678901234567.89"))) == "12345678901234567.89"
    assert scalars.parse_decimal_literal(StringValueNode(value="20.38")) == Decimal("20.38")
    for node in (IntValueNode(value="7"), FloatValueNode(value="12345678901234567.89"), BooleanValueNode(value=True)):
        with pytest.raises(DomainError) as info:
            scalars.parse_decimal_literal(node)
        assert info.value.rule == "decimal.format"


def test_the_schema_uses_the_exact_scalar_and_serialises_strings() -> None:
    sdl = schema.as_str()
    assert "a number (integer or not) is refused" in sdl and "scalar Decimal" in sdl
    decimal_type = schema._schema.get_type("Decimal")
    assert decimal_type is not None
    assert decimal_type.serialize(Decimal("125000000.00")) == "125000000.00"  # type: ignore[union-attr]
