"""Small client for the goals part of the public API, for cross-service tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx

from tests.support import client, data_of, gql

if TYPE_CHECKING:
    from vsm_dev.stack import Stack

GOAL_FIELDS = "id level title state revision: revisions { number } adopted { date body { code } } reviewDue"


class GoalsApi:
    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self.client = client
        self.url = url

    @classmethod
    @asynccontextmanager
    async def as_role(
        cls, stack: Stack, role: str = "planner", *, sub: str | None = None, org: str | None = None, timeout: float = 30
    ) -> AsyncIterator[GoalsApi]:
        """The API through the stack's gateway, calling as ``role`` (a development token)."""
        async with client(stack, role, sub=sub, org=org, timeout=timeout) as http:
            yield cls(http, stack.config.gateway_url)

    async def data(self, query: str, **variables: Any) -> Any:
        return await data_of(self.client, self.url, query, variables)

    async def errors(self, query: str, **variables: Any) -> list[dict[str, Any]]:
        body = await gql(self.client, self.url, query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        errors: list[dict[str, Any]] = body["errors"]
        return errors

    async def org_id(self, code: str) -> str:
        data = await self.data("query($c: String) { organization(code: $c) { id } }", c=code)
        org_id: str = data["organization"]["id"]
        return org_id

    async def create(self, **fields: Any) -> dict[str, Any]:
        data = await self.data(
            f"mutation($i: CreateGoalInput!) {{ createGoal(input: $i) {{ {GOAL_FIELDS} }} }}", i=fields
        )
        goal: dict[str, Any] = data["createGoal"]
        return goal

    async def adopt(self, goal_id: str, body: str, on: str, paragraph: str = "§ 1") -> dict[str, Any]:
        data = await self.data(
            f"mutation($id: ID!, $d: DecisionInput!) {{ adoptGoal(id: $id, decision: $d) {{ {GOAL_FIELDS} }} }}",
            id=goal_id,
            d={"bodyId": body, "date": on, "paragraph": paragraph},
        )
        goal: dict[str, Any] = data["adoptGoal"]
        return goal

    def adopt_mutation(self) -> str:
        return "mutation($id: ID!, $d: DecisionInput!) { adoptGoal(id: $id, decision: $d) { id } }"
