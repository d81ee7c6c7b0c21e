"""Percentiles, interval arithmetic on spans, and a closed-loop load driver."""

from __future__ import annotations

import asyncio
import gc
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float | int | None]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": _r(percentile(ms, 50)),
        "p95_ms": _r(percentile(ms, 95)),
        "p99_ms": _r(percentile(ms, 99)),
        "max_ms": _r(max(ms) if ms else None),
        "mean_ms": _r(sum(ms) / len(ms) if ms else None),
    }


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(x, nd)


def union_ns(intervals: Iterable[tuple[int, int]]) -> int:
    """Total length covered by the intervals (overlaps counted once)."""
    total = 0
    end_so_far = -1
    for start, end in sorted(intervals):
        if end <= end_so_far:
            continue
        total += end - max(start, end_so_far)
        end_so_far = end
    return total


def count_fields(value: Any) -> int:
    """Resolved fields in a GraphQL result: every key of every object (list items are not fields)."""
    if isinstance(value, dict):
        return len(value) + sum(count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = summary_ms(self.latencies)
        out.update(
            {
                "errors": len(self.errors),
                "error_samples": self.errors[:3],
                "seconds": round(self.seconds, 2),
                "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else None,
            }
        )
        return out


async def closed_loop(
    request: Callable[[int], Awaitable[None]],
    clients: int,
    *,
    requests: int | None = None,
    duration: float | None = None,
) -> LoadResult:
    """``clients`` workers, each sending its next request when the previous one is answered,
    until ``requests`` have been sent or ``duration`` seconds have passed. ``request`` gets the
    worker's number (0 … clients - 1), e.g. to act as a caller of its own."""
    assert requests is not None or duration is not None
    result = LoadResult()
    left = [requests if requests is not None else 1 << 60]
    deadline = time.perf_counter() + duration if duration is not None else math.inf

    async def worker(number: int) -> None:
        while left[0] > 0 and time.perf_counter() < deadline:
            left[0] -= 1
            t0 = time.perf_counter()
            try:
                await request(number)
            except Exception as exc:  # noqa: BLE001 - every failure is a counted error, not a crash
                result.errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
            else:
                result.latencies.append(time.perf_counter() - t0)

    # As timeit does: the load generator's collector pausing would count in every latency in flight.
    collecting = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        result.seconds = time.perf_counter() - t0
    finally:
        if collecting:
            gc.enable()
    return result
