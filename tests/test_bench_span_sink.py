"""`make bench`'s own stack sends spans to vsm_dev.otlp_sink in a process of its own (bench/vsm_bench/target.py)."""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from pathlib import Path

from vsm_dev.otlp_sink import read_spans
from vsm_dev.procutil import free_port

BENCH = Path(__file__).resolve().parents[1] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from vsm_bench.target import _span_sink  # noqa: E402

TRACE = "0af7651916cd43dd8448eb211c80319c"
SPAN = "b7ad6b7169203331"


def _export(endpoint: str) -> int:
    body = {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "vsm-gateway"}}]},
                "scopeSpans": [
                    {
                        "scope": {"name": "bench"},
                        "spans": [
                            {
                                "traceId": TRACE,
                                "spanId": SPAN,
                                "name": "http.server",
                                "kind": 2,
                                "startTimeUnixNano": "1796630000000000000",
                                "endTimeUnixNano": "1796630000012000000",
                            }
                        ],
                    }
                ],
            }
        ]
    }
    request = urllib.request.Request(
        f"{endpoint}/v1/traces", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_the_sink_process_writes_what_it_receives_and_stops(tmp_path: Path) -> None:
    out = tmp_path / "traces" / "spans.jsonl"
    port = free_port()
    with _span_sink("127.0.0.1", port, out) as sink:
        assert sink.poll() is None  # listening, in a process of its own
        assert _export(f"http://127.0.0.1:{port}") == 200
        deadline = time.monotonic() + 10
        while not (out.exists() and read_spans(out)) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [(s["trace_id"], s["span_id"], s["service"]) for s in read_spans(out)] == [(TRACE, SPAN, "vsm-gateway")]
    assert sink.returncode is not None  # stopped with the stack
