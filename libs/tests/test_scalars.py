"""Date, DateTime and Decimal read and write exactly the format their @specifiedBy names (vsm_common.scalars)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from graphql import FloatValueNode, IntValueNode, StringValueNode
from strawberry.extensions import ParserCache, ValidationCache

from vsm_common import scalars
from vsm_common.errors import DomainError
from vsm_common.graphql import DomainErrors
from vsm_common.inputs import InputRules


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


# Issue 12: a Decimal is a string only. Neither a JSON number nor a number literal is sure to arrive
# exact (a client's JSON library, the router's query planner), so an integer is refused as well.
@pytest.mark.parametrize("value", [7, 0, -5, 20.38, 7.0, 10**40, 1.2345678901234568e16, True, None, ["1"]])
def test_a_decimal_variable_that_is_not_a_string_is_refused(value: object) -> None:
    with pytest.raises(DomainError) as info:
        scalars.parse_decimal(value)
    assert info.value.rule == "decimal.format"
    assert "a Decimal is sent as a string" in info.value.message


def test_a_decimal_literal_is_a_string_literal() -> None:
    assert str(scalars.parse_decimal_literal(StringValueNode(value="98765432109876.54"))) == "98765432109876.54"
    for node in (IntValueNode(value="7"), FloatValueNode(value="98765432109876.54"), IntValueNode(value="9" * 40)):
        with pytest.raises(DomainError) as info:
            scalars.parse_decimal_literal(node)
        assert info.value.rule == "decimal.format"
        assert "a Decimal is sent as a string" in info.value.message


def test_the_decimal_description_says_strings_only() -> None:
    description = scalars.DecimalScalar.description or ""
    assert "always a string" in description and "a number (integer or not) is refused" in description


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


# ------------------------------------------------------------------ a Decimal refused in a real schema
# Literals are parsed while the document is validated, variables when the operation starts: graphql-core
# names no field in either phase, so InputRules (variables) and DomainErrors (literals) do.
RECEIVED: list[Decimal] = []


@strawberry.input
class FrameInput:
    year: int
    amount: Decimal


@strawberry.input
class DirectiveInput:
    title: str
    frames: list[FrameInput]


@strawberry.input
class GoalInput:
    title: str
    valid_from: date | None = None


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hej"

    @strawberry.field
    def goals(self, as_of: date | None = None) -> str:
        return str(as_of)

    @strawberry.field
    def goal(self, input: GoalInput) -> str:
        return str(input.valid_from)

    @strawberry.field
    def changed_since(self, at: datetime) -> str:
        return at.isoformat()


@strawberry.type
class Mutation:
    @strawberry.mutation
    def set_tax_rate(self, rate: Decimal) -> Decimal:
        RECEIVED.append(rate)
        return rate

    @strawberry.mutation
    def create_directive(self, input: DirectiveInput) -> list[Decimal]:
        RECEIVED.extend(frame.amount for frame in input.frames)
        return [frame.amount for frame in input.frames]


SCHEMA = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    scalar_overrides=scalars.SCALAR_OVERRIDES,
    # As in vsm_common.graphql.standard_extensions; the caches so a cached validation is shaped alike.
    extensions=[DomainErrors, lambda: ParserCache(maxsize=16), lambda: ValidationCache(maxsize=16), InputRules],
)
CREATE = "mutation($i: DirectiveInput!) { createDirective(input: $i) }"
SET_RATE = "mutation($r: Decimal!) { setTaxRate(rate: $r) }"
REFUSED = {"code": "BAD_USER_INPUT", "rule": "decimal.format"}


def run(query: str, variables: dict[str, Any] | None = None) -> tuple[Any, list[dict[str, Any]]]:
    RECEIVED.clear()
    result = asyncio.run(SCHEMA.execute(query, variable_values=variables))
    return result.data, [{"message": e.message, **(e.extensions or {})} for e in result.errors or []]


def frames(*amounts: object) -> dict[str, Any]:
    return {"i": {"title": "Direktiv", "frames": [{"year": 2027, "amount": a} for a in amounts]}}


@pytest.mark.parametrize("number", [7, 20.38, 10**40, 12345678901234567.89])
def test_a_number_in_a_variable_is_refused_naming_the_field(number: object) -> None:
    data, errors = run(CREATE, frames("1.00", number))
    assert data is None and RECEIVED == []
    [error] = errors
    assert error == {**REFUSED, "field": "input.frames.1.amount", "message": scalars.DECIMAL_AS_STRING}
    _, errors = run(SET_RATE, {"r": number})
    assert errors == [{**REFUSED, "field": "rate", "message": scalars.DECIMAL_AS_STRING}]


@pytest.mark.parametrize("number", ["7", "20.38", "9" * 40, "1e3", "-0"])
def test_a_number_literal_is_refused_naming_the_field(number: str) -> None:
    frames = f'[{{year: 2027, amount: "1"}}, {{year: 2028, amount: {number}}}]'
    literal = f'mutation {{ createDirective(input: {{title: "D", frames: {frames}}}) }}'
    for _ in range(2):  # the second time from the validation cache
        data, errors = run(literal)
        assert data is None and RECEIVED == []
        assert errors == [{**REFUSED, "field": "input.frames.1.amount", "message": scalars.DECIMAL_AS_STRING}]
    _, errors = run(f"mutation {{ setTaxRate(rate: {number}) }}")
    assert errors == [{**REFUSED, "field": "rate", "message": scalars.DECIMAL_AS_STRING}]


def test_a_number_as_a_variables_default_or_inside_a_literal_is_named_where_it_is_used() -> None:
    _, errors = run("mutation($r: Decimal! = 20.38) { setTaxRate(rate: $r) }")
    assert [e["field"] for e in errors] == ["rate"]
    inside = 'mutation($a: Decimal!) { createDirective(input: {title: "D", frames: [{year: 2027, amount: $a}]}) }'
    _, errors = run(inside, {"a": 7})
    assert [(e["rule"], e["field"]) for e in errors] == [("decimal.format", "input.frames.0.amount")]


def test_a_malformed_decimal_string_names_the_field_too() -> None:
    _, errors = run(CREATE, frames("1e3"))
    assert [(e["rule"], e["field"]) for e in errors] == [("decimal.format", "input.frames.0.amount")]
    _, errors = run('mutation { setTaxRate(rate: "NaN") }')
    assert [(e["rule"], e["field"]) for e in errors] == [("decimal.format", "rate")]


def test_strings_keep_working_exactly_in_variables_and_literals() -> None:
    huge = "123456789012345678901234567890.12"
    data, errors = run(CREATE, frames("125000000.00", huge, " 7 "))
    assert errors == [] and data == {"createDirective": ["125000000.00", huge, "7"]}
    assert RECEIVED == [Decimal("125000000.00"), Decimal(huge), Decimal(7)]
    data, errors = run(f'mutation {{ setTaxRate(rate: "{huge}") }}')
    assert errors == [] and data == {"setTaxRate": huge}


# ------------------------------------------------------------------ a Date or DateTime literal refused
# The literal's parser raised ValueError during validation, which DomainErrors took for a bug (INTERNAL).
# Now it answers the rule a variable with the same value gets (input.invalid), and names the field.
INVALID = {"code": "BAD_USER_INPUT", "rule": "input.invalid"}


@pytest.mark.parametrize(
    ("literal", "why"),
    [
        ('"x"', 'a Date is a string "YYYY-MM-DD"'),
        ('"20270630"', 'a Date is a string "YYYY-MM-DD"'),
        ('"2026-13-01"', "is not a date in the calendar"),
        ("20261207", 'a Date is a string "YYYY-MM-DD"'),
        ("2026.12", 'a Date is a string "YYYY-MM-DD"'),
    ],
)
def test_a_malformed_date_literal_is_refused_naming_the_field(literal: str, why: str) -> None:
    for _ in range(2):  # the second time from the validation cache
        data, errors = run(f"{{ goals(asOf: {literal}) }}")
        assert data is None
        [error] = errors
        assert {k: error[k] for k in ("code", "rule", "field")} == {**INVALID, "field": "asOf"}
        assert why in error["message"]
    _, errors = run(f'{{ goal(input: {{title: "Mål", validFrom: {literal}}}) }}')
    assert [(e["code"], e["rule"], e["field"]) for e in errors] == [
        ("BAD_USER_INPUT", "input.invalid", "input.validFrom")
    ]
    _, errors = run(f"query($d: Date = {literal}) {{ goals(asOf: $d) }}")
    assert [(e["rule"], e["field"]) for e in errors] == [("input.invalid", "asOf")]


@pytest.mark.parametrize("literal", ['"x"', '"2026-11-27T00:50:33"', '"2026-13-01T00:00:00Z"', '"2026-11-27"', "5"])
def test_a_malformed_datetime_literal_is_refused_naming_the_field(literal: str) -> None:
    for _ in range(2):
        data, errors = run(f"{{ changedSince(at: {literal}) }}")
        assert data is None
        [error] = errors
        assert {k: error[k] for k in ("code", "rule", "field")} == {**INVALID, "field": "at"}
        assert "DateTime" in error["message"] or "is not a point in time" in error["message"]


@pytest.mark.parametrize("literal", ['"1800-01-01"', '"2300-01-01"', '"9999-12-31"'])
def test_an_out_of_range_date_literal_is_refused_as_date_range(literal: str) -> None:
    data, errors = run(f"{{ goals(asOf: {literal}) }}")
    assert data is None
    assert [(e["code"], e["rule"], e["field"]) for e in errors] == [("BAD_USER_INPUT", "date.range", "asOf")]
    _, errors = run(f'{{ goal(input: {{title: "Mål", validFrom: {literal}}}) }}')
    assert [(e["rule"], e["field"]) for e in errors] == [("date.range", "input.validFrom")]
    _, errors = run(f'{{ changedSince(at: {literal[:-1]}T00:00:00Z") }}')
    assert [(e["rule"], e["field"]) for e in errors] == [("date.range", "at")]


@pytest.mark.parametrize("value", ["x", "20270630", "2026-13-01", 20261207])
def test_the_same_dates_as_variables_answer_as_before(value: object) -> None:
    data, errors = run("query($d: Date) { goals(asOf: $d) }", {"d": value})
    assert data is None
    [error] = errors
    assert error["message"].startswith("Variable '$d' has invalid value: Expected value of type 'Date'")
    assert error == {"message": error["message"], **INVALID}
    _, errors = run("query($t: DateTime!) { changedSince(at: $t) }", {"t": value})
    assert [(e["rule"], e.get("field")) for e in errors] == [("input.invalid", None)]
    _, errors = run("query($d: Date) { goals(asOf: $d) }", {"d": "1800-01-01"})
    assert [(e["rule"], e["field"]) for e in errors] == [("date.range", "asOf")]


def test_good_date_literals_still_read_as_dates() -> None:
    assert run('{ goals(asOf: "2027-06-30") }') == ({"goals": "2027-06-30"}, [])
    assert run('{ changedSince(at: "2026-11-27T01:50:33+01:00") }') == (
        {"changedSince": "2026-11-27T01:50:33+01:00"},
        [],
    )
    assert run('{ goal(input: {title: "Mål", validFrom: "2027-01-01"}) }') == ({"goal": "2027-01-01"}, [])


def test_the_literal_parsers_refuse_with_the_rule_of_a_variable() -> None:
    assert scalars.parse_date_literal(StringValueNode(value="2027-06-30")) == date(2027, 6, 30)
    for node in (StringValueNode(value="x"), IntValueNode(value="20261207")):
        with pytest.raises(DomainError) as info:
            scalars.parse_date_literal(node)
        assert info.value.rule == "input.invalid" and info.value.field is None
        with pytest.raises(DomainError) as info:
            scalars.parse_datetime_literal(node)
        assert info.value.rule == "input.invalid"
