"""The table printed at the end of a run, and the files under bench/results/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _f(x: Any, unit: str = "") -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        x = f"{x:,.1f}" if abs(x) >= 10 else f"{x:,.2f}"
    elif isinstance(x, int):
        x = f"{x:,}"
    return f"{x}{unit}"


def _status(fig: dict[str, Any]) -> str:
    if "error" in fig:
        return "FAILED"
    if "skipped" in fig:
        return "skipped"
    if "met" not in fig:
        return ""
    return "met" if fig["met"] else "MISSED"


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(scenario, figure, value, target status) lines of the table."""
    s = result["scenarios"]
    out: list[tuple[str, str, str, str]] = []

    def add(scn: str, name: str, value: str, key: str | None = None) -> None:
        out.append((scn, name, value, _status(s.get(key, {})) if key else ""))

    def failed(key: str, title: str) -> bool:
        fig = s.get(key)
        if fig is None:
            return True
        if "error" in fig or "skipped" in fig:
            add(title, "", fig.get("error") or fig.get("skipped", ""), key)
            return True
        return False

    if not failed("1_committee_dashboard", "1 committee dashboard"):
        d = s["1_committee_dashboard"]
        add("1 committee dashboard", "goals per request", _f(d["goals_per_request"]))
        rows = [("1", "1 client(s): p50 / p95"), ("8", "8 client(s), one token: p50 / p95")]
        if "clients_8_own_tokens" in d:
            rows.append(("8_own_tokens", "8 readers, a token each: p50 / p95"))
        for c, label in rows:
            x = d[f"clients_{c}"]
            add("", label, f"{_f(x['p50_ms'])} / {_f(x['p95_ms'])} ms", "1_committee_dashboard" if c == "8" else None)
        x = d["clients_50"]
        add("", "50 clients: requests/s (p95)", f"{_f(x['requests_per_s'])} ({_f(x['p95_ms'])} ms)")
        errs = sum(d[f"clients_{c}"]["errors"] for c, _ in [*rows, ("50", "")])
        add("", "errors", _f(errs))
        for suffix, label in (("", "one token"), ("_own_tokens", "a token each")):
            cpu = d.get(f"cpu_ms_per_request_at_8{suffix}") or {}
            if cpu:
                top = ", ".join(f"{k} {_f(v)}" for k, v in cpu.items() if k != "harness" and v >= 0.05)
                total = d[f"cpu_ms_per_request_total{suffix}"]
                add("", f"CPU ms per request at 8, {label}", f"{_f(total)} ({top})")
                if "harness" in cpu:
                    add("", "  and the load generator's own", _f(cpu["harness"], " ms"))
    if not failed("2_where_the_time_goes", "2 where the time goes"):
        d = s["2_where_the_time_goes"]
        parts = d["federated_request_parts_ms"]
        if "gateway" in parts:
            g = parts["gateway"]
            add("2 where the time goes", "gateway: total / own", f"{_f(g['total_ms'])} / {_f(g['own_ms'])} ms")
        for svc in ("goals", "planning", "followup"):
            p = parts.get(svc)
            if p:
                add(
                    "",
                    f"{svc}: SQL / GraphQL / HTTP+serialise",
                    f"{_f(p['sql_ms'])} / {_f(p['graphql_execution_ms'])} / {_f(p['http_and_serialisation_ms'])} ms",
                )
        per = d["us_per_resolved_field"]
        fields = d["resolved_fields"]
        add(
            "",
            "µs per resolved field (fields)",
            ", ".join(f"{k} {_f(per.get(k))} ({_f(fields.get(k))})" for k in ("goals", "planning", "followup"))
            + f"; all {_f(per.get('all'))}",
            "2_where_the_time_goes",
        )
    if not failed("3_gateway_overhead", "3 gateway overhead"):
        d = s["3_gateway_overhead"]
        add("3 gateway overhead", "federated p50", _f(d["federated"]["p50_ms"], " ms"))
        add("", "direct in sequence p50", _f(d["direct_in_sequence"]["p50_ms"], " ms"))
        add("", "overhead", _f(d["overhead_pct_p50"], " %"), "3_gateway_overhead")
    if not failed("4_event_propagation", "4 event propagation"):
        d = s["4_event_propagation"]
        if "spans_commit_to_projection_commit" in d:
            x = d["spans_commit_to_projection_commit"]
            add(
                "4 event propagation",
                f"commit → projection p50 / p99 ({d['changes']} changes)",
                f"{_f(x['p50_ms'])} / {_f(x['p99_ms'])} ms",
                "4_event_propagation",
            )
            for stage, y in d.get("spans_stages", {}).items():
                add("", f"  {stage} p50 / p99", f"{_f(y['p50_ms'])} / {_f(y['p99_ms'])} ms")
        x = d["db_clock_change_to_projection"]
        add(
            "" if "spans_commit_to_projection_commit" in d else "4 event propagation",
            "DB clocks: tx start → inbox p50 / p99",
            f"{_f(x['p50_ms'])} / {_f(x['p99_ms'])} ms",
            None if "spans_commit_to_projection_commit" in d else "4_event_propagation",
        )
    if not failed("5_hr_bulk", "5 HR bulk"):
        d = s["5_hr_bulk"]
        add(
            "5 HR bulk",
            f"{_f(d['rows'])} rows in batches of {_f(d['batch'])}: stored",
            f"{_f(d['stored_s'])} s ({_f(d['rows_per_s_stored'])} rows/s)",
        )
        add("", "published / projected after", f"{_f(d['published_s'])} / {_f(d['projected_s'])} s")
        add("", "rows/s end to end", _f(d["rows_per_s_end_to_end"]), "5_hr_bulk")
    if not failed("6_whole_rollup", "6 whole roll-up"):
        d = s["6_whole_rollup"]
        add(
            "6 whole roll-up",
            f"{_f(d['goals'])} goals: p50 / p95",
            f"{_f(d['p50_ms'])} / {_f(d['p95_ms'])} ms",
            "6_whole_rollup",
        )
        parts = d.get("parts_ms_all_pages") or {}
        if parts:
            text = [f"gateway own {_f(parts.get('gateway', {}).get('own_ms'))}"]
            for svc in ("goals", "followup"):
                p = parts.get(svc)
                if p:
                    text.append(f"{svc} SQL {_f(p['sql_ms'])} + GraphQL {_f(p['graphql_execution_ms'])}")
            add("", "traced pass, ms (all pages)", ", ".join(text))
    if not failed("7_resources", "7 resources"):
        d = s["7_resources"]
        peaks = d["peak_rss_mb"]
        py = ", ".join(f"{k} {_f(peaks[k])}" for k in ("goals", "planning", "followup") if k in peaks)
        add("7 resources", "peak RSS MB, Python services", py, "7_resources")
        other = ", ".join(f"{k} {_f(v)}" for k, v in peaks.items() if k not in ("goals", "planning", "followup"))
        add("", "peak RSS MB, others", other)
    if not failed("8_queries_per_request", "8 queries per request"):
        d = s["8_queries_per_request"]
        for key in (k for k in d if k.startswith("first_")):
            x = d[key]
            st = ", ".join(f"{k} {v}" for k, v in x["statements"].items())
            add(
                "8 queries per request" if key.endswith("_10") else "",
                f"goals(first: {key[6:]}), {x['items']} items",
                f"{x['total']} statements ({st})",
                "8_queries_per_request" if not key.endswith("_10") else None,
            )
    return out


def render(result: dict[str, Any]) -> str:
    lines = []
    g = result.get("generation", {})
    lines.append(f"vsm benchmark — size {result['size']}, seed {result['seed']}, {result['started_at']}")
    lines.append(f"machine: {result['machine']}")
    if idle := result.get("idle_before_measuring"):
        lines.append(
            f"measured once the stack idled: after {_f(idle['waited_s'])} s, "
            f"at {idle['stack_cpu_share_of_a_core']:.0%} of a core"
        )
    if g:
        secs = g.get("seconds", {})
        lines.append(f"data: {', '.join(f'{k} {_f(v)}' for k, v in result['data'].items())}")
        lines.append(
            f"generation: {_f(secs.get('total'))} s, {_f(g.get('mutations'))} mutations"
            + (" (reused)" if g.get("reused") else "")
            + ("; " + "; ".join(g["skipped"]) if g.get("skipped") else "")
        )
    table = rows(result)
    w = [max(len(r[i]) for r in table) if table else 0 for i in range(4)]
    lines.append("")
    for r in table:
        lines.append(f"{r[0].ljust(w[0])}  {r[1].ljust(w[1])}  {r[2].ljust(w[2])}  {r[3]}".rstrip())
    return "\n".join(lines) + "\n"


def write(result: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{result['started_at'].replace(':', '').replace('-', '')[:15]}-{result['size']}"
    jpath = directory / f"{stem}.json"
    tpath = directory / f"{stem}.txt"
    jpath.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tpath.write_text(render(result), encoding="utf-8")
    return jpath, tpath
