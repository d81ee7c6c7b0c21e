"""A small GraphQL client for the harness: one request, or many mutations batched with aliases."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from .keepalive import KeepAliveClient, Response


class GraphQLFailure(RuntimeError):
    """A request answered with errors (or not 200); carries the errors for the message."""

    def __init__(self, what: str, errors: Any) -> None:
        self.errors = errors
        super().__init__(f"{what}: {str(errors)[:2000]}")

    def rules(self) -> set[str]:
        found: set[str] = set()
        for e in self.errors if isinstance(self.errors, list) else []:
            ext = e.get("extensions") or {}
            if isinstance(ext, dict) and ext.get("rule"):
                found.add(str(ext["rule"]))
        return found


def new_traceparent() -> tuple[str, str]:
    """A sampled W3C traceparent with a fresh trace id: (trace id, header value)."""
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


@dataclass(frozen=True)
class Op:
    """One root field of a batched operation: ``field(args) { selection }`` with typed variables."""

    field: str
    args: dict[str, tuple[str, Any]]  # argument name -> (GraphQL type, value)
    selection: str = ""


Auth = Callable[[], Mapping[str, str]]  # the Authorization header of one caller, asked for at each request


class GraphQL:
    """Posts GraphQL documents to one endpoint as one caller: ``auth`` gives the bearer token's header
    (e.g. ``lambda: target.auth_headers("planner")``, renewed before it expires; None: no token, which
    the stack refuses); optional extra headers (the gateway secret for a subgraph)."""

    def __init__(
        self,
        client: httpx.AsyncClient | KeepAliveClient,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        auth: Auth | None,
    ) -> None:
        self.client = client
        self.url = url
        self.headers = dict(headers or {})
        self.auth = auth

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, traceparent: str | None = None
    ) -> tuple[dict[str, Any], float]:
        """The whole response body and the client-side latency in seconds."""
        headers = dict(self.headers)
        if self.auth is not None:
            headers.update(self.auth())
        if traceparent:
            headers["traceparent"] = traceparent
        headers["content-type"] = "application/json"
        # orjson: the load generator shares the two cores with the stack, so it should cost little.
        payload = orjson.dumps({"query": query, "variables": variables or {}})
        t0 = time.perf_counter()
        if isinstance(self.client, KeepAliveClient):
            resp: httpx.Response | Response = await self.client.post(payload, headers)
        else:
            resp = await self.client.post(self.url, content=payload, headers=headers)
        body_bytes = resp.content
        elapsed = time.perf_counter() - t0
        try:
            body: dict[str, Any] = orjson.loads(body_bytes)
        except orjson.JSONDecodeError:
            raise GraphQLFailure(f"HTTP {resp.status_code} from {self.url}", resp.text[:500]) from None
        if resp.status_code != 200 and "errors" not in body:
            raise GraphQLFailure(f"HTTP {resp.status_code} from {self.url}", body)
        return body, elapsed

    async def data(self, query: str, variables: dict[str, Any] | None = None, what: str = "query") -> Any:
        body, _ = await self.post(query, variables)
        if body.get("errors"):
            raise GraphQLFailure(what, body["errors"])
        return body["data"]

    async def batch(self, kind: str, ops: Sequence[Op], what: str = "batch") -> list[Any]:
        """Run ``ops`` as aliased root fields of one operation; results in order. Any error raises."""
        if not ops:
            return []
        var_defs: list[str] = []
        fields: list[str] = []
        variables: dict[str, Any] = {}
        for i, op in enumerate(ops):
            args = []
            for name, (gql_type, value) in op.args.items():
                var = f"v{i}_{name}"
                var_defs.append(f"${var}: {gql_type}")
                variables[var] = value
                args.append(f"{name}: ${var}")
            arg_text = f"({', '.join(args)})" if args else ""
            sel = f" {{ {op.selection} }}" if op.selection else ""
            fields.append(f"m{i}: {op.field}{arg_text}{sel}")
        defs = f"({', '.join(var_defs)})" if var_defs else ""
        document = f"{kind}{defs} {{ {' '.join(fields)} }}"
        data = await self.data(document, variables, what)
        return [data[f"m{i}"] for i in range(len(ops))]


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


async def run_batched(
    api: GraphQL,
    kind: str,
    ops: Sequence[Op],
    *,
    batch_size: int = 25,
    concurrency: int = 4,
    what: str = "batch",
) -> list[Any]:
    """All ``ops`` in aliased batches, ``concurrency`` requests in flight; results in input order."""
    results: list[Any] = [None] * len(ops)
    sem = asyncio.Semaphore(concurrency)

    async def one(start: int, part: Sequence[Op]) -> None:
        async with sem:
            out = await api.batch(kind, part, what)
        results[start : start + len(out)] = out

    await asyncio.gather(*(one(i, ops[i : i + batch_size]) for i in range(0, len(ops), batch_size)))
    return results
