"""vsm_common.inputs: the limits of strings and dates, and the walk that applies them to an operation."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import build_schema, parse

from vsm_common.errors import DomainError
from vsm_common.input_limits import (
    DATE_MAX,
    DATE_MIN,
    IDENTIFIER,
    KEY,
    NAME,
    TEXT,
    TextRule,
    date_problem,
    rule_for,
    text_problem,
)
from vsm_common.inputs import MAX_REPORTED, InputRules, input_errors, unclassified_strings

SUPERGRAPH = Path(__file__).resolve().parents[2] / "services" / "gateway" / "supergraph.graphql"


def rule_of(problem: DomainError | None) -> str | None:
    return problem.rule if problem is not None else None


# ------------------------------------------------------------------ the pure rules
@pytest.mark.parametrize("rule", [IDENTIFIER, KEY, NAME, TEXT])
def test_length_at_the_limit_passes_and_one_more_is_refused(rule: TextRule) -> None:
    assert text_problem("x" * rule.max_length, rule, "input.title") is None
    problem = text_problem("x" * (rule.max_length + 1), rule, "input.title")
    assert problem is not None
    assert (problem.field, problem.rule) == ("input.title", "string.max_length")
    assert f"{rule.max_length:,}" in problem.message


def test_length_counts_characters_not_bytes() -> None:
    assert text_problem("å" * 300, NAME, "input.title") is None
    assert text_problem("😀" * 300, NAME, "input.title") is None


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_everywhere(char: str) -> None:
    for rule in (IDENTIFIER, KEY, NAME, TEXT):
        problem = text_problem(f"ab{char}cd", rule, "input.description")
        assert problem is not None
        assert (problem.field, problem.rule) == ("input.description", "string.forbidden_character")
        assert f"U+{ord(char):04X}" in problem.message and "position 2" in problem.message


def test_nul_is_named_as_such() -> None:
    problem = text_problem("a\x00", NAME, "input.title")
    assert problem is not None and "U+0000 (NUL)" in problem.message


@pytest.mark.parametrize("char", ["\n", "\r", "\t"])
def test_line_breaks_and_tabs_only_in_long_texts(char: str) -> None:
    assert text_problem(f"första{char}andra", TEXT, "input.description") is None
    assert rule_of(text_problem(f"första{char}andra", NAME, "input.title")) == "string.forbidden_character"


def test_unpaired_surrogates_are_refused() -> None:
    problem = text_problem("a\ud800b", TEXT, "input.description")
    assert problem is not None and problem.rule == "string.forbidden_character"
    assert "surrogate" in problem.message


@pytest.mark.parametrize(
    "value",
    ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060\u00ad", " \u200b ", "\u3164", "\u2800", "\u0301"],
)
def test_a_name_of_invisible_characters_only_is_refused(value: str) -> None:
    problem = text_problem(value, NAME, "input.title")
    assert problem is not None
    assert (problem.field, problem.rule) == ("input.title", "string.invisible")


@pytest.mark.parametrize("value", ["", " ", "\u3000\u00a0"])
def test_empty_or_whitespace_is_left_to_the_domains_required_rule(value: str) -> None:
    assert text_problem(value, NAME, "input.title") is None


@pytest.mark.parametrize("value", ["Mål", "Åsa", "ÖVERGRIPANDE", "§ 95", "٣", "€", "-", "x\u200b"])
def test_anything_visible_makes_a_name(value: str) -> None:
    assert text_problem(value, NAME, "input.title") is None


def test_invisible_only_matters_for_names_and_keys() -> None:
    assert text_problem("\u200b", TEXT, "input.description") is None
    assert text_problem("\u200b", IDENTIFIER, "paragraph") is None
    assert rule_of(text_problem("\u200b", KEY, "goals.0.externalId")) == "string.invisible"


def test_dates_between_1900_and_2199() -> None:
    assert date_problem(DATE_MIN, "input.validFrom") is None
    assert date_problem(DATE_MAX, "input.validFrom") is None
    for bad in (date(1899, 12, 31), date(1800, 1, 1), date(2200, 1, 1), date(2300, 1, 1), date(9999, 12, 31)):
        problem = date_problem(bad, "input.validFrom")
        assert problem is not None
        assert (problem.field, problem.rule) == ("input.validFrom", "date.range")
        assert bad.isoformat() in problem.message


def test_rules_by_name_by_coordinate_and_for_ids() -> None:
    assert rule_for("CreateGoalInput.title", "title") == NAME
    assert rule_for("ActionInput.title", "title").max_length == 500
    assert rule_for("CreateGoalInput.description", "description") == TEXT
    assert rule_for("Mutation.upsertEmployeeGoals(sourceSystem)", "sourceSystem") == KEY
    assert rule_for("Query.goal(id)", "id", is_id=True) == IDENTIFIER
    assert rule_for("Mutation.writeAnalysisSection(text)", "text").max_length == 100_000


def test_every_string_of_the_supergraph_has_a_rule_of_its_own() -> None:
    # A new string argument or input field must be classified in vsm_common.inputs.TEXT_RULES (or
    # COORDINATE_RULES) deliberately, not fall through to the default.
    schema = build_schema(SUPERGRAPH.read_text(), assume_valid=True, assume_valid_sdl=True)
    assert unclassified_strings(schema) == []


# ------------------------------------------------------------------ the walk over an operation
SDL = """
scalar Date
scalar DateTime
enum Level { HIGH LOW }
input RowInput { externalId: String!, title: String!, unitId: ID!, note: String }
input GoalInput { title: String!, description: String, validFrom: Date, level: Level, tags: [String!] }
type Goal { id: ID!, children(title: String, asOf: Date): [Goal!]! }
type Query {
  goal(id: ID!, asOf: Date): Goal
  goals(first: Int, after: String, changedSince: DateTime): [Goal!]!
}
type Mutation {
  createGoal(input: GoalInput!): Goal
  upsert(sourceSystem: String!, goals: [RowInput!]!): Int
}
"""
SCHEMA = build_schema(SDL)


def errors(query: str, variables: dict[str, Any] | None = None, operation: str | None = None) -> list[dict[str, Any]]:
    return [dict(e.formatted) for e in input_errors(SCHEMA, parse(query), variables, operation, query)]


def fields_and_rules(query: str, variables: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    return [(e["extensions"]["field"], e["extensions"]["rule"]) for e in errors(query, variables)]


def test_variables_are_checked_down_to_list_items_with_their_path() -> None:
    rows = [{"externalId": f"r{i}", "title": "Mål", "unitId": "u"} for i in range(5)]
    rows[3]["externalId"] = "r\x00"
    rows[4]["title"] = "\u200b"
    query = "mutation($s: String!, $g: [RowInput!]!) { upsert(sourceSystem: $s, goals: $g) }"
    assert fields_and_rules(query, {"s": "h" * 100_000, "g": rows}) == [
        ("sourceSystem", "string.max_length"),
        ("goals.3.externalId", "string.forbidden_character"),
        ("goals.4.title", "string.invisible"),
    ]
    [error] = errors(query, {"s": "heroma", "g": rows[:4]})
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "rule": "string.forbidden_character",
        "field": "goals.3.externalId",
    }
    assert error["locations"] == [{"line": 1, "column": 75}]  # the variable, where the argument is given


def test_literals_and_variables_inside_literals() -> None:
    query = (
        'mutation($d: String) { createGoal(input: {title: "a\\u0000", description: $d, tags: ["ok", "\\u0007"]}) '
        "{ id } }"
    )
    assert fields_and_rules(query, {"d": "x" * 10_001}) == [
        ("input.title", "string.forbidden_character"),
        ("input.description", "string.max_length"),
        ("input.tags.1", "string.forbidden_character"),
    ]


def test_dates_in_variables_literals_and_nested_fields() -> None:
    query = """query($a: Date, $v: GoalInput!) {
      goal(id: "1", asOf: $a) { children(asOf: "2300-01-01") { id } }
    }"""
    assert fields_and_rules(query, {"a": "9999-12-31"}) == [("asOf", "date.range"), ("asOf", "date.range")]
    assert fields_and_rules('mutation { createGoal(input: {title: "t", validFrom: "1800-01-01"}) { id } }') == [
        ("input.validFrom", "date.range")
    ]
    since = "query($s: DateTime) { goals(changedSince: $s) { id } }"
    assert fields_and_rules(since, {"s": "2300-01-01T00:00:00Z"}) == [("changedSince", "date.range")]
    assert fields_and_rules(since, {"s": "2027-01-01T12:00:00+01:00"}) == []


def test_fragments_are_walked_once_and_aliases_do_not_matter() -> None:
    query = """query($t: String) {
      a: goal(id: "1") { ...F }
      b: goal(id: "2") { ...F }
    }
    fragment F on Goal { children(title: $t) { ... on Goal { children(title: "\\u0000") { id } } } }"""
    assert fields_and_rules(query, {"t": "x" * 301}) == [
        ("title", "string.max_length"),
        ("title", "string.forbidden_character"),
    ]


def test_a_variables_default_is_checked_when_the_variable_is_left_out() -> None:
    query = 'query($t: String = "\\u200b\\u0000") { goal(id: "1") { children(title: $t) { id } } }'
    assert fields_and_rules(query, {}) == [("title", "string.forbidden_character")]
    assert fields_and_rules(query, {"t": "ok"}) == []


def test_only_the_operation_asked_for_is_checked() -> None:
    query = 'query A { goal(id: "\\u0000") { id } } query B { goals(after: "ok") { id } }'
    assert errors(query, operation="B") == []
    assert [e["extensions"]["field"] for e in errors(query, operation="A")] == ["id"]


def test_values_of_the_wrong_shape_are_left_to_coercion() -> None:
    query = "mutation($i: GoalInput!) { createGoal(input: $i) { id } }"
    assert errors(query, {"i": {"title": 7, "validFrom": "not a date", "tags": "single \x00"}}) == [
        {
            "message": "input.tags contains the control character U+0000 (NUL) at position 7; "
            "it must be one line of text",
            "locations": [{"line": 1, "column": 46}],
            "extensions": {"code": "BAD_USER_INPUT", "rule": "string.forbidden_character", "field": "input.tags"},
        }
    ]
    assert errors(query, {"i": "not an object"}) == []


def test_many_problems_are_cut_short() -> None:
    rows = [{"externalId": "\x00", "title": "t", "unitId": "u"} for _ in range(100)]
    found = errors('mutation($g: [RowInput!]!) { upsert(sourceSystem: "s", goals: $g) }', {"g": rows})
    assert len(found) == MAX_REPORTED + 1
    assert found[-1]["extensions"]["rule"] == "input.too_many_problems"


def test_a_bulk_of_ten_thousand_valid_rows_passes() -> None:
    rows = [{"externalId": f"hr-{i}", "title": "Personligt mål", "unitId": "u", "note": None} for i in range(10_000)]
    query = 'mutation($g: [RowInput!]!) { upsert(sourceSystem: "heroma", goals: $g) }'
    assert errors(query, {"g": rows}) == []


# ------------------------------------------------------------------ as a strawberry extension
CALLED: list[str] = []


@strawberry.input
class NoteInput:
    title: str
    on: date | None = None


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hej"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def add_note(self, input: NoteInput) -> str:
        CALLED.append(input.title)
        return input.title


STRAWBERRY_SCHEMA = strawberry.Schema(query=Query, mutation=Mutation, extensions=[InputRules])


def test_the_extension_refuses_the_whole_operation_before_any_resolver_runs() -> None:
    CALLED.clear()
    query = "mutation($a: NoteInput!, $b: NoteInput!) { a: addNote(input: $a) b: addNote(input: $b) }"
    result = asyncio.run(
        STRAWBERRY_SCHEMA.execute(query, variable_values={"a": {"title": "first"}, "b": {"title": "x\x00"}})
    )
    assert result.data is None
    assert [e.extensions for e in result.errors or []] == [
        {"code": "BAD_USER_INPUT", "rule": "string.forbidden_character", "field": "input.title"}
    ]
    assert CALLED == []  # not even the first, valid, mutation ran

    valid = {"a": {"title": "first"}, "b": {"title": "x", "on": "2027-01-01"}}
    result = asyncio.run(STRAWBERRY_SCHEMA.execute(query, variable_values=valid))
    assert result.errors is None and result.data == {"a": "first", "b": "x"}
    assert CALLED == ["first", "x"]
