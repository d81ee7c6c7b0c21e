"""`make stress-test`: the whole test suite, run again and again with every core kept busy.

A test that passes only on an idle machine is a bug in the code or in the test. This runs
``pytest`` ``--runs`` times in a row (each run starts its own stack, as ``make test`` does) while
one CPU hog per core spins beside it, and prints per run how many tests passed and failed,
then the figure: how many runs were green, and which tests failed in which run.

With ``--lanes N`` (N > 1) the runs are shared by N suites running side by side, each in a git
worktree of the committed HEAD under the logs folder (sharing this clone's ``.venv``, ``.cache``
and the gateway's ``node_modules``), with the hogs shared among them. The machine then carries N
suites and the hogs at once, more load than one suite, and the figure is that of one commit;
20 runs take about half the time with two lanes.

    python -m vsm_dev.stress --runs 20 [--lanes 2] [--rev <commit>] [-- <pytest arguments>]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_SUMMARY = re.compile(r"=+ (?P<body>.*\d+ (passed|failed|error).*) in [\d.]+s")
_FAILED = re.compile(r"^(FAILED|ERROR) (?P<test>\S+)", re.MULTILINE)


def _spin() -> None:
    # A hog at normal priority: the tests compete with it for the cores as with any other load.
    while True:
        pass


@contextmanager
def cpu_hogs(count: int) -> Iterator[list[multiprocessing.Process]]:
    """``count`` processes spinning at 100 % of a core each until the block ends."""
    hogs = [multiprocessing.Process(target=_spin, name=f"vsm-cpu-hog-{i}", daemon=True) for i in range(count)]
    for hog in hogs:
        hog.start()
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.join(timeout=10)


def summarize(output: str) -> tuple[Counter[str], list[str]]:
    """The counts of pytest's closing line (passed, failed, error, skipped) and the failed tests."""
    counts: Counter[str] = Counter()
    matches = list(_SUMMARY.finditer(output))
    if matches:
        for part in matches[-1].group("body").split(","):
            number, _, word = part.strip().partition(" ")
            if number.isdigit():
                counts[word.rstrip("s") if word in ("errors",) else word] += int(number)
    return counts, sorted({m.group("test") for m in _FAILED.finditer(output)})


# What a lane's worktree borrows from this clone instead of installing it again.
_SHARED = (".venv", ".cache", "services/gateway/node_modules")
_SOURCE_DIRS = ("libs", "tools", "services/goals", "services/planning", "services/followup")
# The inputs of the Makefile's install steps: a fresh checkout dates them now, newer than the shared
# installs, so a test calling make in a lane (make supergraph) would run npm ci through the shared
# node_modules and empty it under the other lane's feet. They get this clone's dates instead.
_INSTALL_INPUTS = ("requirements.lock", "services/gateway/package-lock.json", "deploy/kafka/pom.xml")


def lane_worktree(logs: Path, lane: int, rev: str = "HEAD") -> Path:
    """A fresh git worktree of ``rev`` for ``lane``, with the installed dependencies linked in."""
    path = logs / f"lane-{lane}"
    if path.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)
        shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(path), rev], cwd=ROOT, check=True)
    for shared in _SHARED:
        if (ROOT / shared).exists():
            (path / shared).symlink_to(ROOT / shared)
    for name in _INSTALL_INPUTS:
        ours, theirs = ROOT / name, path / name
        # Only when the lane's file is the installed one: a changed lock file must install again.
        if ours.exists() and theirs.exists() and ours.read_bytes() == theirs.read_bytes():
            stat = ours.stat()
            os.utime(theirs, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return path


def run_once(
    pytest_args: Sequence[str], log_path: Path, where: Path = ROOT
) -> tuple[int, Counter[str], list[str], float]:
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(where / d) for d in _SOURCE_DIRS)}
    with log_path.open("w") as log:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--durations=15", *pytest_args],
            cwd=where,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    counts, failed = summarize(log_path.read_text(errors="replace"))
    return proc.returncode, counts, failed, time.monotonic() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vsm_dev.stress", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="how many times to run the suite (default 20)")
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 2, help="CPU hogs (default: one per core)")
    parser.add_argument("--lanes", type=int, default=1, help="suites side by side, in worktrees of HEAD (default 1)")
    parser.add_argument("--logs", type=Path, default=ROOT / ".data" / "stress", help="one pytest log per run here")
    parser.add_argument("--rev", default="HEAD", help="with --lanes > 1: the commit the lanes check out (default HEAD)")
    parser.add_argument("--first", type=int, default=1, help="number of the first run, to add runs to a figure")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args(argv)
    args.logs.mkdir(parents=True, exist_ok=True)
    if args.lanes > 1:
        head = subprocess.run(["git", "rev-parse", "--short", args.rev], cwd=ROOT, capture_output=True, text=True)
        places = [lane_worktree(args.logs, lane, args.rev) for lane in range(1, args.lanes + 1)]
        what = f"commit {head.stdout.strip()} in {args.lanes} lanes"
    else:
        places, what = [ROOT], "this working tree"
    print(
        f"stress: {args.runs} runs of pytest {' '.join(args.pytest_args)} on {what} beside {args.hogs} CPU hogs",
        flush=True,
    )
    results: dict[int, bool] = {}
    failures: dict[int, list[str]] = {}
    lock = threading.Lock()

    def lane(index: int, where: Path) -> None:
        # Lane i takes runs i, i + lanes, i + 2 * lanes, ...
        for run in range(args.first + index, args.first + args.runs, len(places)):
            code, counts, failed, seconds = run_once(args.pytest_args, args.logs / f"run-{run:02d}.log", where)
            ok = code == 0 and counts["passed"] > 0 and not failed
            figures = ", ".join(f"{n} {word}" for word, n in sorted(counts.items())) or "no summary"
            with lock:
                results[run] = ok
                if not ok:
                    failures[run] = failed or [f"pytest exit {code}"]
                verdict = "green" if ok else "RED: " + " ".join(failures[run])
                last = args.first + args.runs - 1
                print(f"stress run {run}/{last}: {figures} in {seconds:.0f}s: {verdict}", flush=True)

    with cpu_hogs(args.hogs):
        threads = [threading.Thread(target=lane, args=(i, where)) for i, where in enumerate(places)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for where in places:
        if where != ROOT:  # the logs are beside the worktrees, not in them
            subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT, check=False)
    green = sum(results.values())
    print(f"stress: {green} of {args.runs} runs green with {args.hogs} CPU hogs; logs in {args.logs}")
    for run, failed in sorted(failures.items()):
        print(f"  run {run}: {', '.join(failed)}")
    return 0 if green == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
