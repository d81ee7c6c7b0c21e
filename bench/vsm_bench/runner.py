"""One benchmark run: find or start the stack, load the data, run the scenarios, write the results."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from . import scenarios as sc
from .client import GraphQL, GraphQLFailure
from .generate import Generated, Loader, capabilities
from .observe import Observer, SpanLog
from .plan import Plan, build_plan
from .report import render, write
from .resources import ResourceSampler
from .sizes import SIZES
from .target import ROOT, Target, own_stack

GENERATOR_VERSION = 1
RESULTS_DIR = ROOT / "bench" / "results"

SCENARIOS: list[tuple[str, Callable[[sc.Ctx], Awaitable[dict[str, Any]]]]] = [
    ("1_committee_dashboard", sc.committee_dashboard),
    ("2_where_the_time_goes", sc.where_the_time_goes),
    ("3_gateway_overhead", sc.gateway_overhead),
    ("8_queries_per_request", sc.queries_per_request),
    ("6_whole_rollup", sc.whole_rollup),
    ("4_event_propagation", sc.event_propagation),
    ("5_hr_bulk", sc.hr_bulk),
]
ALL = [name for name, _ in SCENARIOS] + ["7_resources"]


def run_benchmark(
    size: str = "halmstad",
    target: Target | None = None,
    *,
    seed: int = 7,
    via: str = "subgraphs",
    keep_data: bool = False,
    only: set[str] | None = None,
    results_dir: Path | None = RESULTS_DIR,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the benchmark and return its figures; without ``target`` it starts (and stops) its own stack.

    With ``target`` (a running stack shared with others, e.g. the test session's), the data get a tag
    of their own and budget years nobody uses, so they live beside whatever is there."""
    if size not in SIZES:
        raise SystemExit(f"unknown size {size!r}; one of {', '.join(SIZES)}")
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if target is None:
        data_dir = ROOT / ".data" / f"bench-{size}"
        with own_stack(size, data_dir, keep_data=keep_data, progress=progress) as own:
            result = asyncio.run(_run(size, own, seed, via, only, progress, data_dir if keep_data else None, started))
    else:
        result = asyncio.run(_run(size, target, seed, via, only, progress, None, started))
    text = render(result)
    progress("\n" + text)
    if results_dir is not None:
        jpath, tpath = write(result, results_dir)
        progress(f"results: {tpath.relative_to(ROOT) if tpath.is_relative_to(ROOT) else tpath} (+ .json)")
        result["files"] = [str(jpath), str(tpath)]
    return result


QUIET_SHARE = 0.10  # of one core, the stack's processes together, over QUIET_WINDOW_S
QUIET_WINDOW_S = 3.0
QUIET_LIMIT_S = 60.0


async def _until_quiet(sampler: ResourceSampler, progress: Callable[[str], None]) -> dict[str, float]:
    """Wait until the stack idles, so the scenarios measure it steady, not still starting.

    A stack just started keeps a core busy for a while after it answers (the Kafka broker's JVM compiling,
    consumer groups joining): scenario 1 measured right after start saw the broker take 2.7 s of CPU,
    against 0.1-0.2 s on a stack running for minutes. Gives up after QUIET_LIMIT_S and says so.
    """
    started = time.monotonic()
    while True:
        before = sampler.cpu_totals()
        await asyncio.sleep(QUIET_WINDOW_S)
        after = sampler.cpu_totals()
        busy = sum(after[k] - before[k] for k in after if k in before and k != "harness") / QUIET_WINDOW_S
        waited = time.monotonic() - started
        if busy <= QUIET_SHARE or waited >= QUIET_LIMIT_S:
            if busy > QUIET_SHARE:
                progress(f"the stack did not idle within {QUIET_LIMIT_S:.0f} s ({busy:.0%} of a core); measuring")
            return {"waited_s": round(waited, 1), "stack_cpu_share_of_a_core": round(busy, 3)}


async def _choose_tag_and_year(api: GraphQL, size: str, shared: bool) -> tuple[str, int]:
    history = SIZES[size].history_years
    tag = "B"
    if shared:
        for i in range(1, 1000):
            found = await api.data("query($c: String) { organization(code: $c) { id } }", {"c": f"{tag}-N00"})
            if not found["organization"]:
                break
            tag = f"B{i}"
    used: set[int] = set()
    # Annual cycles never overlap, so our budget years must be free of them. On a shared stack our periods
    # must not be anyone else's either; on our own stack the demo data's periods of this year are reused.
    queries = [("{ cycles(kind: ANNUAL) { startYear } }", "cycles")]
    if shared:
        queries.append(("{ periods { year } }", "periods"))
    for query, key in queries:
        try:
            data = await api.data(query)
        except GraphQLFailure:  # a subgraph without the query yet has nothing to collide with
            data = {key: []}
        used |= {row.get("startYear", row.get("year")) for row in data[key]}
    # Our own stack: the recent past up to this year. A shared stack (the test session's, or one started
    # with `make run`): past years before the demo data's, so that our open periods never become anyone's
    # "latest open period" and our cycles never the "current cycle", in a range the tests leave alone
    # (planning's tests count their past years up from 2001, follow-up's use 2011-2015).
    candidates = []
    c = 2009 if shared else 2026
    while c - history + 1 >= 2000:  # planning's first year
        candidates.append(c)
        c -= history + 1
    free = [c for c in candidates if not any(y in used for y in range(c - history + 1, c + 1))]
    if not free:
        raise RuntimeError(f"no {history} free budget years on this stack (used: {sorted(used)})")
    current = free[0]
    return tag, current


async def _run(
    size_name: str,
    target: Target,
    seed: int,
    via: str,
    only: set[str] | None,
    progress: Callable[[str], None],
    reuse_dir: Path | None,
    started: str,
) -> dict[str, Any]:
    size = SIZES[size_name]
    sampler = ResourceSampler(target.pids).start()
    sampler.set_phase("generation")
    result: dict[str, Any] = {
        "size": size_name,
        "seed": seed,
        "started_at": started,
        "machine": f"{platform.node()}, {os.cpu_count()} CPUs, load average {_load()} at start, "
        f"Python {sys.version.split()[0]}",
        "target": {"gateway": target.gateway_url, "own_stack": target.owned, "loaded_via": via},
        "scenarios": {},
    }
    limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
    async with (
        httpx.AsyncClient(timeout=300, limits=limits) as client,
        Observer(target.database_url, target.kafka_bootstrap, target.topic_prefix) as observer,
    ):
        api = GraphQL(client, target.gateway_url, auth=target.auth("reader", sub="vsm-bench"))
        caps = await capabilities(target, client)
        marker = reuse_dir / "bench-generated.json" if reuse_dir else None
        gen: Generated | None = None
        plan: Plan | None = None
        if marker and marker.exists():
            saved = json.loads(marker.read_text())
            if (
                saved.get("version") == GENERATOR_VERSION
                and saved.get("seed") == seed
                and saved.get("size") == size_name
            ):
                plan = build_plan(size, seed, saved["tag"], saved["current_year"])
                gen = Generated.from_json(saved["generated"])
                progress(f"reusing the {size_name} data in {reuse_dir}")
        if gen is None or plan is None:
            tag, current = await _choose_tag_and_year(api, size_name, shared=not target.owned)
            plan = build_plan(size, seed, tag, current)
            progress(
                f"generating {size_name} (seed {seed}, tag {tag}, "
                f"budget years {plan.years[0]}–{plan.years[-1]}): {plan.counts()}"
            )
            loader = Loader(target, plan, client, observer, caps, via=via, progress=progress)
            gen = await loader.load()
            progress(f"generated in {gen.seconds['total']:.0f} s ({gen.mutations:,} mutations)")
            if marker:
                marker.write_text(
                    json.dumps(
                        {
                            "version": GENERATOR_VERSION,
                            "seed": seed,
                            "size": size_name,
                            "tag": tag,
                            "current_year": current,
                            "generated": gen.to_json(),
                        }
                    )
                )
            result["generation"] = {**gen.to_json(), "ids": len(gen.ids)}
        else:
            result["generation"] = {**gen.to_json(), "ids": len(gen.ids), "reused": True}
        result["data"] = plan.counts()
        result["data"]["budget years"] = f"{plan.years[0]}–{plan.years[-1]}"
        await observer.settle(what="the load to settle before measuring")
        result["idle_before_measuring"] = await _until_quiet(sampler, progress)
        # The load generator's own garbage collector must not stop it mid-measurement: with the generated
        # data in its heap, each full collection took 90-190 ms (none freeing anything) and held every
        # request in flight, which the latencies then counted (the 8-client p95's slow clusters, always at
        # the same request numbers). Frozen, the data are out of its way, as in the services (tune_gc).
        gc.collect()
        gc.freeze()
        sampler.set_phase("scenarios")
        ctx = sc.Ctx(target, plan, gen, client, observer, SpanLog(target.spans_path), sampler, progress)
        for name, fn in SCENARIOS:
            if only and name.split("_")[0] not in only:
                continue
            progress(f"scenario {name.replace('_', ' ', 1)}")
            sampler.set_phase(name)
            t0 = time.perf_counter()
            try:
                result["scenarios"][name] = await fn(ctx)
            except Exception as exc:  # noqa: BLE001 - one failing scenario must not hide the others' figures
                progress(traceback.format_exc())
                result["scenarios"][name] = {"error": f"{type(exc).__name__}: {str(exc)[:500]}"}
            result["scenarios"][name]["scenario_seconds"] = round(time.perf_counter() - t0, 1)
            await observer.settle(what=f"the stack to settle after {name}")
    sampler.stop()
    result["scenarios"]["7_resources"] = sampler.figures()
    result["load_average_at_end"] = _load()
    return result


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"
