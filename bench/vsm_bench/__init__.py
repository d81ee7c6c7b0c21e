"""vsm benchmarks: deterministic municipality-sized data and the eight scenarios of issue 7.

Run ``python -m vsm_bench --size halmstad|goteborg|tiny`` (``make bench``); see bench/README.md.
"""

from __future__ import annotations

__all__ = ["run_benchmark"]


def __getattr__(name: str) -> object:  # lazy: keep `python -m vsm_bench --help` fast
    if name == "run_benchmark":
        from .runner import run_benchmark

        return run_benchmark
    raise AttributeError(name)
