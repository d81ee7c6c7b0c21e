"""Date, DateTime and Decimal read and write exactly the format their @specifiedBy names (vsm_common.scalars)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from vsm_common import scalars
from vsm_common.errors import DomainError


def test_each_scalar_names_its_specification() -> None:
    assert scalars.DateScalar.specified_by_url == "https://scalars.graphql.org/andimarek/local-date.html"
    assert scalars.DateTimeScalar.specified_by_url == "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
    assert scalars.DecimalScalar.specified_by_url == "https://www.w3.org/TR/xmlschema11-2/#decimal"


def test_a_date_is_yyyy_mm_dd_both_ways() -> None:
    assert scalars.parse_date("2027-06-30") == date(2027, 6, 30)
    assert scalars.serialize_date(date(2027, 6, 30)) == "2027-06-30"
    assert scalars.serialize_date(date(987, 1, 2)) == "0987-01-02"


@pytest.mark.parametrize(
    "value",
    ["20270630", "2027-W26-3", "2027-181", "2027-6-30", "2027-02-30", " 2027-06-30", "2027-06-30T00:00", 20270630],
)
def test_other_spellings_of_a_date_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        scalars.parse_date(value)


def test_a_datetime_is_never_sent_as_a_date() -> None:
    with pytest.raises(TypeError):
        scalars.serialize_date(datetime(2027, 6, 30, tzinfo=UTC))


def test_a_datetime_is_rfc_3339_with_its_offset() -> None:
    stamp = datetime(2026, 11, 27, 0, 50, 33, 21234, tzinfo=UTC)
    assert scalars.serialize_datetime(stamp) == "2026-11-27T00:50:33.021234+00:00"
    assert scalars.parse_datetime("2026-11-27T00:50:33.021234+00:00") == stamp
    assert scalars.parse_datetime("2026-11-27t00:50:33.021234z") == stamp
    assert scalars.parse_datetime("2026-11-27T01:50:33.021234+01:00") == stamp
    cet = timezone(timedelta(hours=1))
    assert scalars.serialize_datetime(datetime(2027, 1, 1, 9, 30, tzinfo=cet)) == "2027-01-01T09:30:00+01:00"


@pytest.mark.parametrize(
    "value", ["2026-11-27T00:50:33", "2026-11-27 00:50:33Z", "2026-11-27T00:50Z", "2026-11-27", "2026-11-27T25:00:00Z"]
)
def test_a_datetime_without_offset_or_otherwise_spelt_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        scalars.parse_datetime(value)


def test_a_datetime_without_offset_is_never_answered() -> None:
    with pytest.raises(ValueError):
        scalars.serialize_datetime(datetime(2026, 11, 27, 0, 50))


@pytest.mark.parametrize(
    ("text", "exact"),
    [
        ("20.38", "20.38"),
        ("-5", "-5"),
        ("+0.50", "0.50"),
        (".5", "0.5"),
        ("7.", "7"),
        (" 125000000.00\n", "125000000.00"),
    ],
)
def test_a_decimal_is_the_lexical_form_of_xs_decimal(text: str, exact: str) -> None:
    assert scalars.parse_decimal(text) == Decimal(exact)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "1e3", "1E+2", "1_000", "12,5", "0x10", "", ".", "- 5"])
def test_anything_else_is_refused_as_decimal_format(text: str) -> None:
    with pytest.raises(DomainError) as info:
        scalars.parse_decimal(text)
    assert info.value.rule == "decimal.format"


def test_a_decimal_is_answered_without_an_exponent() -> None:
    assert scalars.serialize_decimal(Decimal("125000000.00")) == "125000000.00"
    assert scalars.serialize_decimal(Decimal("1E+2")) == "100"
    assert scalars.serialize_decimal(Decimal("1E-8")) == "0.00000001"
    assert scalars.serialize_decimal(7) == "7"
    with pytest.raises(ValueError):
        scalars.serialize_decimal(Decimal("NaN"))
    with pytest.raises(TypeError):
        scalars.serialize_decimal(20.38)


@pytest.mark.parametrize("service", ["goals", "planning", "followup"])
def test_every_subgraph_prints_the_scalars_it_uses_with_specified_by(service: str) -> None:
    import importlib

    sdl = importlib.import_module(f"vsm_{service}.wiring").definition.schema.as_str()
    assert 'scalar Date @specifiedBy(url: "https://scalars.graphql.org/andimarek/local-date.html")' in sdl
    assert 'scalar DateTime @specifiedBy(url: "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6")' in sdl
    if "scalar Decimal" in sdl:
        assert 'scalar Decimal @specifiedBy(url: "https://www.w3.org/TR/xmlschema11-2/#decimal")' in sdl
