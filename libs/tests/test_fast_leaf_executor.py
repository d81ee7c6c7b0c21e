"""FastLeafExecutor answers exactly what graphql-core's executor answers, data and errors alike."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
from decimal import Decimal
from typing import Any, NewType

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from vsm_common import execution
from vsm_common.execution import FastLeafExecutor


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


Money = NewType("Money", Decimal)


def serialize_money(value: Decimal) -> str:
    if value < 0:
        raise ValueError("negative money")
    return f"{value:.2f}"


CONFIG = StrawberryConfig(
    scalar_map={Money: strawberry.scalar(name="Money", serialize=serialize_money, parse_value=Decimal)}
)


@strawberry.type
class Row:
    id: strawberry.ID
    title: str
    note: str | None
    colour: Colour
    on: dt.date
    amount: Money
    count: int
    years: list[int]
    tags: list[str] | None
    scores: list[int | None]

    @strawberry.field
    def shout(self) -> str:
        return self.title.upper()

    @strawberry.field
    async def later(self) -> int:
        await asyncio.sleep(0)
        return self.count * 2


def row(i: int, **overrides: Any) -> Row:
    values: dict[str, Any] = {
        "id": str(i),
        "title": f"mål {i}",
        "note": None if i % 2 else "anteckning",
        "colour": Colour.RED if i % 3 else Colour.BLUE,
        "on": dt.date(2026, 1, 1) + dt.timedelta(days=i),
        "amount": Decimal(i) / 3,
        "count": i,
        "years": [2026 + i, 2027 + i],
        "tags": None if i % 2 else ["a", "b"],
        "scores": [i, None],
    }
    values.update(overrides)
    return Row(**values)


ROWS: list[Row] = []


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        return ROWS

    @strawberry.field
    def maybe_rows(self) -> list[Row | None]:
        return ROWS  # type: ignore[return-value]


def run(executor: type | None, query: str) -> dict[str, Any]:
    schema = strawberry.Schema(query=Query, execution_context_class=executor, config=CONFIG)
    result = asyncio.run(schema.execute(query))
    return {
        "data": result.data,
        "errors": sorted((e.message, tuple(e.path or ())) for e in result.errors or []),
    }


QUERIES = [
    "{ rows { id title note colour on amount count years tags scores } }",
    "{ rows { a: id b: title title __typename shout later } }",
    "{ rows { ...F } } fragment F on Row { id note colour }",
    "{ rows { id @skip(if: true) title @include(if: false) count } }",
    "{ maybeRows { id title note } }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_same_answer_as_graphql_core(query: str) -> None:
    ROWS[:] = [row(i) for i in range(30)]
    expected = run(None, query)
    assert not expected["errors"]
    assert run(FastLeafExecutor, query) == expected
    assert any(plan is not None for plan in execution._plans.values()), "the short path was never taken"


@pytest.mark.parametrize(
    "broken",
    [
        {"title": None},  # null for a non-null field
        {"amount": Decimal(-1)},  # the scalar refuses the value
        {"count": "many"},  # not an Int
        {"colour": "green"},  # not a member of the enum
        {"years": [2026, "x"]},  # a list item that is not an Int
        {"years": [2026, None]},  # null in a list of non-null items
        {"years": "2026"},  # not a list at all
    ],
    ids=["null", "scalar-refuses", "not-an-int", "not-an-enum", "bad-list-item", "null-list-item", "not-a-list"],
)
def test_the_same_errors_as_graphql_core(broken: dict[str, Any]) -> None:
    ROWS[:] = [row(0), row(1, **broken), row(2)]
    for query in (
        "{ rows { id title amount count colour years } }",
        "{ maybeRows { id title amount count colour years } }",
    ):
        expected = run(None, query)
        assert expected["errors"], "the broken row must make graphql-core complain"
        assert run(FastLeafExecutor, query) == expected


def test_only_plain_scalar_and_enum_fields_take_the_short_path() -> None:
    schema = strawberry.Schema(query=Query, config=CONFIG)
    fields = schema._schema.get_type("Row").fields  # type: ignore[union-attr]
    short = {name for name, field in fields.items() if execution._leaf_plan(field) is not None}
    # plain scalars and enums, and lists of non-null ones; not lists of nullable items, not resolvers
    assert short == {"id", "title", "note", "colour", "on", "amount", "count", "years", "tags"}
