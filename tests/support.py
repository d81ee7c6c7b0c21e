"""Helpers for cross-service tests: GraphQL through the gateway, polling, span files."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

if TYPE_CHECKING:
    from vsm_dev.stack import Stack

T = TypeVar("T")


def client(
    stack: Stack, role: str = "planner", *, sub: str | None = None, org: str | None = None, timeout: float = 30
) -> httpx.AsyncClient:
    """An HTTP client that calls as ``role`` (a development token from the stack's issuer)."""
    return httpx.AsyncClient(timeout=timeout, headers=stack.auth_headers(role, sub=sub, org=org))


async def gql(
    client: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> dict[str, Any]:
    resp = await client.post(url, json={"query": query, "variables": variables or {}}, headers=headers)
    body: dict[str, Any] = resp.json()
    return body


async def data_of(client: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = await gql(client, url, query, variables)
    assert not body.get("errors"), body.get("errors")
    return body["data"]


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(0.2)
