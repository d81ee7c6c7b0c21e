"""python -m vsm_bench --size halmstad|goteborg|tiny [--url GATEWAY] ..."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .sizes import SIZES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vsm_bench",
        description="Generate municipality-sized data and run vsm's benchmark scenarios (issue 7).",
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="halmstad", help="data size (default halmstad)")
    parser.add_argument(
        "--url",
        help="gateway of a running stack (e.g. http://127.0.0.1:4000/graphql from `make run`); its ports, secret "
        "and data folder are read from the VSM_* environment as `make run` does. Default: start a stack of "
        "our own in .data/bench-<size> and stop it at the end.",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the generator (default 7)")
    parser.add_argument(
        "--via",
        choices=("subgraphs", "gateway"),
        default="subgraphs",
        help="where the generator sends its mutations (default: each subgraph with the gateway secret)",
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="keep .data/bench-<size> and reuse data generated there before with the same seed",
    )
    parser.add_argument("--only", help="comma-separated scenario numbers, e.g. 1,2,3 (7 always runs)")
    parser.add_argument("--results", type=Path, default=None, help="results folder (default bench/results)")
    args = parser.parse_args(argv)

    from .runner import RESULTS_DIR, run_benchmark
    from .target import Target

    target = Target.attach(args.url) if args.url else None
    result = run_benchmark(
        args.size,
        target,
        seed=args.seed,
        via=args.via,
        keep_data=args.keep_data,
        only=set(args.only.split(",")) if args.only else None,
        results_dir=args.results or RESULTS_DIR,
    )
    failed = [k for k, v in result["scenarios"].items() if "error" in v]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
