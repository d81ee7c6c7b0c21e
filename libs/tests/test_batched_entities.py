"""vsm_common.federation: `_entities` hands an entity type all its references at once."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from strawberry.types.info import Info

from vsm_common.federation import Schema, is_selected, selected_arguments

CALLS: list[dict[str, Any]] = []


@strawberry.federation.type(keys=["id"])
class Thing:
    id: strawberry.ID
    _prefetched: strawberry.Private[dict[int, str] | None] = None

    @strawberry.field
    def label(self, times: int = 1) -> str:
        if self._prefetched is not None and times in self._prefetched:
            return self._prefetched[times]
        return f"slow {self.id}" * times

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Thing:
        return cls(id=id)

    @classmethod
    async def prefetch_entities(cls, info: Info, things: list[Thing]) -> None:
        selections = selected_arguments(info, "Thing", "label")
        CALLS.append({"count": len(things), "selections": selections})
        if len({s["times"] for s in selections}) == 1:
            times = selections[0]["times"]
            for thing in things:
                thing._prefetched = {times: f"fast {thing.id}" * times}


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


schema = Schema(query=Query, types=[Thing], federation_version="2.9")


def reps() -> list[dict[str, str]]:
    return [{"__typename": "Thing", "id": str(i)} for i in range(3)]  # strawberry pops __typename: fresh each time


def run(query: str, variables: dict[str, Any]) -> Any:
    CALLS.clear()
    result = asyncio.run(schema.execute(query, variable_values=variables))
    assert not result.errors, result.errors
    return result.data


def test_one_prefetch_for_all_references_with_the_selected_arguments() -> None:
    query = "query($r: [_Any!]!, $t: Int!) { _entities(representations: $r) { ... on Thing { label(times: $t) } } }"
    data = run(query, {"r": reps(), "t": 2})
    assert data["_entities"] == [{"label": f"fast {i}fast {i}"} for i in range(3)]
    assert CALLS == [{"count": 3, "selections": [{"times": 2}]}]


def test_fragments_are_followed_and_differing_arguments_fall_back_to_the_fields() -> None:
    query = """query($r: [_Any!]!) { _entities(representations: $r) { ...T ... on Thing { b: label(times: 2) } } }
               fragment T on Thing { a: label }"""
    data = run(query, {"r": reps()})
    assert CALLS == [{"count": 3, "selections": [{"times": 1}, {"times": 2}]}]
    assert data["_entities"][0] == {"a": "slow 0", "b": "slow 0slow 0"}  # resolved one by one, same answer


def test_nothing_selected_means_nothing_prefetched() -> None:
    data = run("query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id } } }", {"r": reps()})
    assert data["_entities"] == [{"id": "0"}, {"id": "1"}, {"id": "2"}]
    assert CALLS == [{"count": 3, "selections": []}]


SEEN: list[bool] = []


@strawberry.type
class Edge:
    node: Thing


@strawberry.type
class ListQuery:
    @strawberry.field
    def things(self, info: Info) -> list[Edge]:
        SEEN.append(is_selected(info, ("node",), "label"))
        return [Edge(node=Thing(id=strawberry.ID("1")))]


def test_is_selected_looks_through_paths_and_fragments() -> None:
    list_schema = Schema(query=ListQuery, federation_version="2.9")
    for query, expected in [
        ("{ things { node { label } } }", True),
        ("{ things { ... on Edge { node { ...L } } } } fragment L on Thing { label }", True),
        ("{ things { node { id } } }", False),
    ]:
        SEEN.clear()
        assert not asyncio.run(list_schema.execute(query)).errors
        assert SEEN == [expected], query
