"""A prefetched field is completed without its resolver, with the answer and errors the resolver's call gives."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from strawberry.permission import BasePermission

from vsm_common.execution import NOT_PREFETCHED, FastLeafExecutor, prefetched, set_prefetched

CALLS: list[str] = []


class Refused(BasePermission):
    message = "refused"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Part:
    name: str


@strawberry.type
class Thing:
    id: int
    _prefetched_fields: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.field
    def parts(self, times: int = 1) -> list[Part]:
        CALLS.append("parts")
        found = prefetched(self, "parts")
        if found is not NOT_PREFETCHED:
            return list(found)
        return [Part(name=f"{self.id}-{n}") for n in range(times)]

    @strawberry.field
    def main_part(self) -> Part:  # non-null: a null must reach the parent, as from the resolver
        CALLS.append("mainPart")
        found = prefetched(self, "mainPart")
        return found if found is not NOT_PREFETCHED else Part(name=str(self.id))

    @strawberry.field(permission_classes=[Refused])
    def secret(self) -> str | None:
        CALLS.append("secret")
        found = prefetched(self, "secret")
        return str(found) if found is not NOT_PREFETCHED else None


def things(prefetch: bool) -> list[Thing]:
    out = [Thing(id=i) for i in range(3)]
    if prefetch:
        for t in out:
            set_prefetched(t, "parts", [Part(name=f"{t.id}-0"), Part(name=f"{t.id}-1")])
            set_prefetched(t, "mainPart", None if t.id == 1 else Part(name=f"main {t.id}"))
            set_prefetched(t, "secret", "prefetched secret")
    return out


def run(query: str, prefetch: bool, executor: type | None = FastLeafExecutor) -> dict[str, Any]:
    @strawberry.type
    class Query:
        @strawberry.field
        def things(self) -> list[Thing]:
            return things(prefetch)

    schema = strawberry.Schema(query=Query, execution_context_class=executor)
    result = asyncio.run(schema.execute(query))
    return {"data": result.data, "errors": [(e.message, e.path) for e in result.errors or []]}


def test_the_prefetched_value_stands_in_for_the_call() -> None:
    CALLS.clear()
    answer = run("{ things { id parts(times: 2) { name } } }", prefetch=True)
    assert CALLS == []  # no resolver call, no argument conversion
    assert answer == run("{ things { id parts(times: 2) { name } } }", prefetch=False, executor=None)
    assert answer["data"]["things"][2] == {"id": 2, "parts": [{"name": "2-0"}, {"name": "2-1"}]}


def test_a_prefetched_null_for_a_non_null_field_errs_as_the_resolvers_would() -> None:
    CALLS.clear()
    answer = run("{ things { id mainPart { name } } }", prefetch=True)
    assert CALLS == []
    assert answer == run("{ things { id mainPart { name } } }", prefetch=True, executor=None)
    assert CALLS and set(CALLS) == {"mainPart"}  # graphql-core's own executor called the resolver instead
    assert answer["data"] is None
    [(message, path)] = answer["errors"]
    assert path == ["things", 1, "mainPart"]
    assert "Cannot return null for non-nullable field Thing.mainPart" in message


def test_a_field_with_permission_classes_is_never_bypassed() -> None:
    CALLS.clear()
    answer = run("{ things { id secret } }", prefetch=True)
    assert answer["data"] == {"things": [{"id": i, "secret": None} for i in range(3)]}
    assert [m for m, _ in answer["errors"]] == ["refused"] * 3
    assert CALLS == []  # the permission refused before the resolver ran; the prefetched value was never given out


def test_nothing_prefetched_means_the_resolver_runs() -> None:
    CALLS.clear()
    run("{ things { parts { name } } }", prefetch=False)
    assert CALLS == ["parts"] * 3
