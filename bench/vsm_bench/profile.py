"""Profile the committee dashboard inside each subgraph's own schema, without HTTP or the gateway.

    python -m vsm_bench.profile --database-url DSN --org-code B-N00 [--period "Delår 2026"] [--repeat 50]
                                [--scenario dashboard|rollup] [--cprofile N]
                                [--service goals|planning|followup] [--pyinstrument out.html]

Runs the three requests the gateway sends for the dashboard (scenario 3) straight through each
service's strawberry schema with a context made by the service's own wiring, against the database of a
running stack (read-only: the dashboard only reads). Prints per service the time per execution, the
part spent waiting for SQL, the resolved fields and the execution time per field; with
``--pyinstrument`` (``pip install pyinstrument``) it also writes a call-tree profile of each service.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import importlib
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .scenarios import DASHBOARD_FOLLOWUP, DASHBOARD_GOALS, DASHBOARD_PLANNING
from .stats import count_fields, percentile, union_ns
from .target import SERVICES

ROLLUP_GOALS = """query($after: String) { goals(state: ADOPTED, first: 1000, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { __typename id level } } } }"""
ROLLUP_FOLLOWUP = """query($r: [_Any!]!, $period: ID) {
  _entities(representations: $r) { __typename ... on Goal { fulfilment(periodId: $period) { status basis } } } }"""

_SQL_INTERVALS: list[tuple[int, int]] = []
_GC: dict[str, float] = {"ns": 0, "start": 0, "collections": 0}


def _gc_callback(phase: str, info: dict[str, Any]) -> None:
    """Time spent in the cyclic garbage collector (it runs inside whatever allocates)."""
    if phase == "start":
        _GC["start"] = time.perf_counter_ns()
    else:
        _GC["ns"] += time.perf_counter_ns() - _GC["start"]
        _GC["collections"] += 1


def _instrument_asyncpg() -> None:
    """Record the wall-clock interval of every statement (Connection methods are plain Python)."""
    import asyncpg

    def wrap(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter_ns()
            try:
                return await fn(*args, **kwargs)
            finally:
                _SQL_INTERVALS.append((t0, time.perf_counter_ns()))

        return timed

    for name in ("fetch", "fetchrow", "fetchval", "execute", "executemany"):
        setattr(asyncpg.connection.Connection, name, wrap(getattr(asyncpg.connection.Connection, name)))


class _Request:
    """What a service's context reads of an HTTP request: the caller its auth middleware verified."""

    def __init__(self, principal: Any) -> None:
        from vsm_common.auth import STATE_KEY

        self.headers: dict[str, str] = {}
        self.scope = {"state": {STATE_KEY: principal}}


def _caller(args: argparse.Namespace) -> Any:
    """Who asks, as the benchmark's scenarios do: the nämnd itself for its dashboard, a reader for the roll-up."""
    from vsm_common.auth import Principal

    if args.scenario == "rollup":
        return Principal("vsm-bench-profile", frozenset({"reader"}))
    return Principal("vsm-bench-profile", frozenset({"committee"}), args.org_code)


async def _runtime(service: str) -> Any:
    from vsm_common.runtime import Runtime
    from vsm_common.settings import ServiceSettings

    definition = importlib.import_module(f"vsm_{service}.wiring").definition
    rt = Runtime(definition, ServiceSettings())
    await rt.open_database()
    return rt


async def profile(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    _instrument_asyncpg()
    gc.callbacks.append(_gc_callback)
    runtimes = {s: await _runtime(s) for s in SERVICES}
    # As the services do at start-up (vsm_common.app.tune_gc), so the figures are theirs.
    from vsm_common.app import tune_gc
    from vsm_common.settings import ServiceSettings

    tune_gc(ServiceSettings().gc_gen0_threshold)
    caller = _caller(args)

    async def execute(service: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        rt = runtimes[service]
        ctx = await rt.definition.context(rt, _Request(caller))
        # A fresh copy each time, as a parsed HTTP body would be (federation pops `__typename` from it).
        variables = copy.deepcopy(variables)
        result = await rt.definition.schema.execute(query, variable_values=variables, context_value=ctx)
        if result.errors:
            raise RuntimeError(f"{service}: {result.errors}")
        data: dict[str, Any] = result.data or {}
        return data

    org = await execute("goals", "query($c: String) { organization(code: $c) { id } }", {"c": args.org_code})
    if not org["organization"]:
        raise SystemExit(f"no organisation {args.org_code}")
    periods = await execute("followup", "{ periods { id label } }", {})
    period = next((p["id"] for p in periods["periods"] if p["label"] == args.period), None)
    if args.scenario == "rollup":
        # Scenario 6: every adopted goal's fulfilment, the followup part (the gateway's _entities request).
        ids: list[str] = []
        after = None
        while True:
            page = await execute("goals", ROLLUP_GOALS, {"after": after})
            ids += [e["node"]["id"] for e in page["goals"]["edges"]]
            if not page["goals"]["pageInfo"]["hasNextPage"]:
                break
            after = page["goals"]["pageInfo"]["endCursor"]
        reps = [{"__typename": "Goal", "id": i} for i in ids[:1000]]
        requests: dict[str, tuple[str, dict[str, Any]]] = {
            "goals": (ROLLUP_GOALS, {"after": None}),
            "followup": (ROLLUP_FOLLOWUP, {"r": reps, "period": period}),
        }
        print(f"roll-up: {len(ids)} adopted goals (first page of {len(reps)}), period {args.period} ({period})")
    else:
        goals = await execute("goals", DASHBOARD_GOALS, {"org": org["organization"]["id"]})
        reps = [{"__typename": "Goal", "id": e["node"]["id"]} for e in goals["goals"]["edges"]]
        requests = {
            "goals": (DASHBOARD_GOALS, {"org": org["organization"]["id"]}),
            "planning": (DASHBOARD_PLANNING, {"r": reps}),
            "followup": (DASHBOARD_FOLLOWUP, {"r": reps, "period": period}),
        }
        print(f"dashboard of {args.org_code}: {len(reps)} goals, period {args.period} ({period})")
    for service in [args.service] if args.service else [s for s in SERVICES if s in requests]:
        query, variables = requests[service]
        fields = count_fields(await execute(service, query, variables))
        for _ in range(5):
            await execute(service, query, variables)
        cprof = None
        if args.cprofile:
            import cProfile

            cprof = cProfile.Profile()
            cprof.enable()
        profiler = None
        if args.pyinstrument:
            from pyinstrument import Profiler  # type: ignore[import-not-found]  # optional, for profiling only

            profiler = Profiler(async_mode="enabled", interval=0.0005)
            profiler.start()
        walls, sqls, gcs = [], [], []
        # cProfile makes every call slower: read its timings as proportions, not as figures.
        for _ in range(args.repeat):
            _SQL_INTERVALS.clear()
            _GC["ns"] = 0
            t0 = time.perf_counter_ns()
            await execute(service, query, variables)
            walls.append(time.perf_counter_ns() - t0)
            sqls.append(union_ns(_SQL_INTERVALS))
            gcs.append(_GC["ns"])
        if cprof is not None:
            import pstats

            cprof.disable()
            print(f"--- cProfile of {args.repeat} executions ({service}), by own time")
            pstats.Stats(cprof).sort_stats("tottime").print_stats(args.cprofile)
        if profiler is not None:
            profiler.stop()
            path = f"{args.pyinstrument.removesuffix('.html')}-{service}.html"
            Path(path).write_text(profiler.output_html(), encoding="utf-8")  # noqa: ASYNC240 - a tool, not a server
            print(profiler.output_text(unicode=True, color=False, show_all=False)[:6000])
        wall = (percentile(walls, 50) or 0) / 1e6
        sql = (percentile(sqls, 50) or 0) / 1e6
        gc_ms = sum(gcs) / len(gcs) / 1e6
        print(
            f"{service:9} {fields:6} fields  execution p50 {wall:7.2f} ms"
            f" (p95 {(percentile(walls, 95) or 0) / 1e6:.2f})"
            f"  of which SQL {sql:6.2f} ms, garbage collection {gc_ms:.2f} ms on average"
            f"  -> {(wall - sql) * 1000 / fields:6.2f} µs per field without SQL, {wall * 1000 / fields:6.2f} with"
        )
    for rt in runtimes.values():
        await rt.pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m vsm_bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--org-code", default="B-N00")
    parser.add_argument("--period", default="Delår 2026")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--scenario", choices=("dashboard", "rollup"), default="dashboard")
    parser.add_argument("--service", choices=SERVICES)
    parser.add_argument("--cprofile", type=int, metavar="N", help="print the N functions with most own time")
    parser.add_argument("--pyinstrument", metavar="OUT.html", help="also write a pyinstrument profile per service")
    asyncio.run(profile(parser.parse_args()))


if __name__ == "__main__":
    main()
