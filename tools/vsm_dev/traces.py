"""Print traces from an OTLP sink file as indented trees: the quick viewer when no Jaeger runs.

python -m vsm_dev.traces spans.jsonl                 # the latest trace
python -m vsm_dev.traces spans.jsonl --last 5        # the latest five
python -m vsm_dev.traces spans.jsonl --trace 4bf9    # one trace, by id or id prefix
python -m vsm_dev.traces spans.jsonl --list          # one line per trace
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from vsm_dev.otlp_sink import Record, read_spans


@dataclass
class Trace:
    trace_id: str
    spans: list[Record] = field(default_factory=list)

    @property
    def start_ns(self) -> int:
        return min(int(s["start_ns"]) for s in self.spans)

    @property
    def end_ns(self) -> int:
        return max(int(s["end_ns"]) for s in self.spans)

    @property
    def roots(self) -> list[Record]:
        # A span whose parent never arrived (another service has not exported yet, or sent
        # it elsewhere) is shown as a root rather than hidden.
        ids = {s["span_id"] for s in self.spans}
        return sorted(
            (s for s in self.spans if not s.get("parent_span_id") or s["parent_span_id"] not in ids),
            key=lambda s: int(s["start_ns"]),
        )

    def children(self) -> dict[str, list[Record]]:
        by_parent: dict[str, list[Record]] = defaultdict(list)
        for s in self.spans:
            if s.get("parent_span_id"):
                by_parent[s["parent_span_id"]].append(s)
        for kids in by_parent.values():
            kids.sort(key=lambda s: int(s["start_ns"]))
        return by_parent


def group_traces(spans: Iterable[Record]) -> list[Trace]:
    """Traces ordered oldest first by their start time."""
    traces: dict[str, Trace] = {}
    for span in spans:
        traces.setdefault(span["trace_id"], Trace(span["trace_id"])).spans.append(span)
    return sorted(traces.values(), key=lambda t: t.start_ns)


def _ms(ns: int) -> str:
    return f"{ns / 1e6:.2f} ms"


def _when(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, tz=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"


def _label(span: Record) -> str:
    text = f"{span.get('service') or '?'}  {span['name']}"
    kind = span.get("kind")
    if kind and kind not in ("INTERNAL", "UNSPECIFIED"):
        text += f"  [{kind.lower()}]"
    status = span.get("status") or {}
    if status.get("code") == "ERROR":
        text += "  ERROR" + (f": {status['message']}" if status.get("message") else "")
    if span.get("parent_span_id") and span.get("_orphan"):
        text += f"  (parent {span['parent_span_id']} not received)"
    return text


def format_trace(trace: Trace) -> str:
    t0 = trace.start_ns
    lines = [
        f"trace {trace.trace_id}  {_when(t0)}  {len(trace.spans)} spans  {_ms(trace.end_ns - t0)}",
        f"{'start':>11} {'duration':>11}  service  span",
    ]
    children = trace.children()
    seen: set[str] = set()

    def walk(span: Record, depth: int) -> None:
        if span["span_id"] in seen:  # a malformed parent cycle must not loop forever
            return
        seen.add(span["span_id"])
        start = int(span["start_ns"])
        lines.append(
            f"{'+' + _ms(start - t0):>11} {_ms(int(span['end_ns']) - start):>11}  {'  ' * depth}{_label(span)}"
        )
        for child in children.get(span["span_id"], []):
            walk(child, depth + 1)

    for root in trace.roots:
        if root.get("parent_span_id"):
            root = {**root, "_orphan": True}
        walk(root, 0)
    return "\n".join(lines)


def format_summary(trace: Trace) -> str:
    roots = trace.roots
    first = roots[0] if roots else trace.spans[0]
    return (
        f"{trace.trace_id}  {_when(trace.start_ns)}  {_ms(trace.end_ns - trace.start_ns):>11}  "
        f"{len(trace.spans):>4} spans  {first.get('service') or '?'}  {first['name']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vsm_dev.traces", description="Show traces from an OTLP sink file.")
    parser.add_argument("file", type=Path, help="spans.jsonl written by vsm_dev.otlp_sink")
    parser.add_argument("--trace", help="trace id or a prefix of it")
    parser.add_argument("--last", type=int, default=1, help="how many latest traces (default 1)")
    parser.add_argument("--list", action="store_true", help="one summary line per trace")
    args = parser.parse_args(argv)

    traces = group_traces(read_spans(args.file))
    if args.trace:
        wanted = args.trace.lower()
        traces = [t for t in traces if t.trace_id.startswith(wanted)]
        if not traces:
            print(f"no trace {args.trace} in {args.file}", file=sys.stderr)
            return 1
    elif not traces:
        print(f"no spans in {args.file}", file=sys.stderr)
        return 1
    elif not args.list:
        traces = traces[-args.last :]

    if args.list:
        print("\n".join(format_summary(t) for t in traces))
    else:
        print("\n\n".join(format_trace(t) for t in traces))
    return 0


if __name__ == "__main__":
    sys.exit(main())
