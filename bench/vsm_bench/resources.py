"""Scenario 7: peak resident memory (and CPU time) of every process, sampled through the whole run."""

from __future__ import annotations

import os
import threading
from typing import Any

import psutil  # type: ignore[import-untyped]

PY_LIMIT_MB = 300


class ResourceSampler:
    """Samples RSS of each named process (with its children for PostgreSQL) every ``interval`` s."""

    def __init__(self, pids: dict[str, int], interval: float = 0.25) -> None:
        self.pids = dict(pids)
        self.pids.setdefault("harness", os.getpid())
        self.interval = interval
        self.phase = "start"
        self.peaks: dict[str, dict[str, int]] = {}  # phase -> name -> bytes
        self._cpu_start: dict[str, float] = {}
        self._cpu: dict[str, dict[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="vsm-bench-rss", daemon=True)
        self._procs: dict[str, psutil.Process] = {}
        for name, pid in self.pids.items():
            try:
                self._procs[name] = psutil.Process(pid)
            except psutil.Error:
                pass

    def start(self) -> ResourceSampler:
        self._thread.start()
        return self

    def set_phase(self, phase: str) -> None:
        self._sample()
        self._cpu[self.phase] = self._cpu_delta()
        self.phase = phase

    def stop(self) -> None:
        self._sample()
        self._cpu[self.phase] = self._cpu_delta()
        self._stop.set()
        self._thread.join(timeout=5)

    def _family(self, name: str, proc: psutil.Process) -> list[psutil.Process]:
        if name in ("postgres", "gateway"):
            try:
                return [proc, *proc.children(recursive=True)]
            except psutil.Error:
                return [proc]
        return [proc]

    def cpu_totals(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by each process (with its children where counted)."""
        out = {}
        for name, proc in self._procs.items():
            total = 0.0
            for p in self._family(name, proc):
                try:
                    t = p.cpu_times()
                    total += t.user + t.system
                except psutil.Error:
                    pass
            out[name] = total
        return out

    def _cpu_delta(self) -> dict[str, float]:
        out = {}
        for name, proc in self._procs.items():
            total = 0.0
            for p in self._family(name, proc):
                try:
                    t = p.cpu_times()
                    total += t.user + t.system
                except psutil.Error:
                    pass
            out[name] = round(total - self._cpu_start.get(name, 0.0), 2)
            self._cpu_start[name] = total
        return out

    def _sample(self) -> None:
        peaks = self.peaks.setdefault(self.phase, {})
        for name, proc in self._procs.items():
            rss = 0
            for p in self._family(name, proc):
                try:
                    rss += p.memory_info().rss
                except psutil.Error:
                    pass
            if rss > peaks.get(name, 0):
                peaks[name] = rss

    def _loop(self) -> None:
        self._cpu_delta()
        while not self._stop.wait(self.interval):
            self._sample()

    def figures(self) -> dict[str, Any]:
        mb = {
            phase: {name: round(v / 2**20, 1) for name, v in sorted(peaks.items())}
            for phase, peaks in self.peaks.items()
        }
        overall: dict[str, float] = {}
        for peaks in mb.values():
            for name, v in peaks.items():
                overall[name] = max(overall.get(name, 0.0), v)
        py = {k: v for k, v in overall.items() if k in ("goals", "planning", "followup")}
        return {
            "peak_rss_mb": dict(sorted(overall.items())),
            "peak_rss_mb_by_phase": mb,
            "cpu_seconds_by_phase": self._cpu,
            "note": "postgres and gateway include their child processes (shared memory counted per process)",
            "target": f"<= {PY_LIMIT_MB} MB per Python service",
            "met": bool(py) and all(v <= PY_LIMIT_MB for v in py.values()),
        }
