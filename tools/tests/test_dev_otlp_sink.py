"""The OTLP sink: protobuf from the real Python exporter, JSON as Node's exporter sends it
(hex ids) and as other encoders do (base64 ids, 64-bit "long bits"), the CLI, and the viewer."""

from __future__ import annotations

import base64
import gzip
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from vsm_dev import traces
from vsm_dev.otlp_sink import OtlpSink, read_spans
from vsm_dev.procutil import free_port, tcp_accepts

ROOT = Path(__file__).resolve().parents[2]
TRACE_HEX = "5b8efff798038103d269b633813fc60c"
PARENT_HEX = "eee19b7ec3c1b174"
CHILD_HEX = "eee19b7ec3c1b173"


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[OtlpSink]:
    with OtlpSink(0, tmp_path / "spans.jsonl") as s:
        yield s


def post(url: str, body: bytes, content_type: str, **headers: str) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type, **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def node_style_request(trace_id: str, parent_id: str, child_id: str) -> dict[str, Any]:
    """Shaped like @opentelemetry/otlp-transformer's JSON (ids hex, nanos as strings)."""
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "gateway"}}]},
                "scopeSpans": [
                    {
                        "scope": {"name": "@graphql-hive/gateway", "version": "1.0.0"},
                        "spans": [
                            {
                                "traceId": trace_id,
                                "spanId": parent_id,
                                "name": "POST /graphql",
                                "kind": 2,
                                "startTimeUnixNano": "1764201600000000000",
                                "endTimeUnixNano": "1764201600012000000",
                                "attributes": [
                                    {"key": "http.response.status_code", "value": {"intValue": 200}},
                                    {"key": "graphql.operation.name", "value": {"stringValue": "Goals"}},
                                    {"key": "cached", "value": {"boolValue": False}},
                                    {"key": "ratio", "value": {"doubleValue": 0.5}},
                                    {
                                        "key": "tags",
                                        "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "2"}]}},
                                    },
                                ],
                                "droppedAttributesCount": 0,
                                "events": [],
                                "status": {"code": 0},
                                "links": [],
                            },
                            {
                                "traceId": trace_id,
                                "spanId": child_id,
                                "parentSpanId": parent_id,
                                "name": "subgraph goals",
                                "kind": 3,
                                "startTimeUnixNano": "1764201600001000000",
                                "endTimeUnixNano": "1764201600009000000",
                                "attributes": [],
                                "status": {"code": 2, "message": "boom"},
                            },
                        ],
                    }
                ],
            }
        ]
    }


def assert_node_spans(spans: list[dict[str, Any]]) -> None:
    parent, child = spans
    assert parent["trace_id"] == TRACE_HEX and child["trace_id"] == TRACE_HEX
    assert parent["span_id"] == PARENT_HEX and parent["parent_span_id"] is None
    assert child["span_id"] == CHILD_HEX and child["parent_span_id"] == PARENT_HEX
    assert parent["service"] == "gateway" and parent["scope"] == "@graphql-hive/gateway"
    assert parent["kind"] == "SERVER" and child["kind"] == "CLIENT"
    assert parent["start_ns"] == 1764201600000000000 and parent["end_ns"] == 1764201600012000000
    assert parent["attributes"] == {
        "http.response.status_code": 200,
        "graphql.operation.name": "Goals",
        "cached": False,
        "ratio": 0.5,
        "tags": ["a", 2],
    }
    assert child["status"] == {"code": "ERROR", "message": "boom"}


def test_protobuf_from_the_python_exporter(sink: OtlpSink) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "planning"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{sink.endpoint}/v1/traces")))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("handle", kind=SpanKind.SERVER, attributes={"goal.id": 7}) as parent:
        with tracer.start_as_current_span("SELECT goals") as child:
            child.set_status(Status(StatusCode.ERROR, "no rows"))
    provider.shutdown()

    spans = sink.wait_for_spans(2)
    by_name = {s["name"]: s for s in spans}
    p, c = by_name["handle"], by_name["SELECT goals"]
    assert p["trace_id"] == format(parent.get_span_context().trace_id, "032x")
    assert p["span_id"] == format(parent.get_span_context().span_id, "016x")
    assert c["parent_span_id"] == p["span_id"] and p["parent_span_id"] is None
    assert c["span_id"] == format(child.get_span_context().span_id, "016x")
    assert p["service"] == "planning" and p["kind"] == "SERVER" and c["kind"] == "INTERNAL"
    assert p["attributes"] == {"goal.id": 7}
    assert c["status"] == {"code": "ERROR", "message": "no rows"}
    assert p["start_ns"] <= c["start_ns"] <= c["end_ns"] <= p["end_ns"]
    assert sink.spans_received == 2


def test_protobuf_answer_is_an_export_response(sink: OtlpSink) -> None:
    status, ctype, body = post(
        f"{sink.endpoint}/v1/traces", ExportTraceServiceRequest().SerializeToString(), "application/x-protobuf"
    )
    assert (status, ctype) == (200, "application/x-protobuf")
    ExportTraceServiceResponse().ParseFromString(body)
    assert read_spans(sink.out_path) == []


def test_json_with_hex_ids(sink: OtlpSink) -> None:
    body = json.dumps(node_style_request(TRACE_HEX, PARENT_HEX, CHILD_HEX)).encode()
    status, ctype, answer = post(f"{sink.endpoint}/v1/traces", body, "application/json")
    assert (status, ctype, json.loads(answer)) == (200, "application/json", {})
    assert_node_spans(read_spans(sink.out_path))


def test_json_with_base64_ids_long_bits_and_gzip(sink: OtlpSink) -> None:
    def b64(hex_id: str) -> str:
        return base64.b64encode(bytes.fromhex(hex_id)).decode()

    request = node_style_request(b64(TRACE_HEX), b64(PARENT_HEX), b64(CHILD_HEX))
    span = request["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    start = 1764201600000000000
    span["startTimeUnixNano"] = {"low": start & 0xFFFFFFFF, "high": start >> 32}
    span["kind"] = "SPAN_KIND_SERVER"
    body = gzip.compress(json.dumps(request).encode())
    status, _, _ = post(f"{sink.endpoint}/v1/traces", body, "application/json", **{"Content-Encoding": "gzip"})
    assert status == 200
    assert_node_spans(read_spans(sink.out_path))


def test_json_from_old_exporters_with_instrumentation_library_spans(sink: OtlpSink) -> None:
    request = node_style_request(TRACE_HEX, PARENT_HEX, CHILD_HEX)
    rs = request["resourceSpans"][0]
    rs["instrumentationLibrarySpans"] = rs.pop("scopeSpans")
    rs["instrumentationLibrarySpans"][0]["instrumentationLibrary"] = rs["instrumentationLibrarySpans"][0].pop("scope")
    status, _, _ = post(f"{sink.endpoint}/v1/traces", json.dumps(request).encode(), "application/json")
    assert status == 200
    assert_node_spans(read_spans(sink.out_path))


def test_bad_requests(sink: OtlpSink) -> None:
    url = f"{sink.endpoint}/v1/traces"
    assert post(url, b"not json", "application/json")[0] == 400
    bad_id = node_style_request("xyz", PARENT_HEX, CHILD_HEX)
    assert post(url, json.dumps(bad_id).encode(), "application/json")[0] == 400
    assert post(url, b"\xff\xff\xff", "application/x-protobuf")[0] == 400
    assert post(url, b"{}", "text/plain")[0] == 415
    assert post(f"{sink.endpoint}/v1/nothing", b"{}", "application/json")[0] == 404
    # Metrics and logs are accepted and dropped, so an SDK exporting them does not log errors.
    assert post(f"{sink.endpoint}/v1/metrics", b"{}", "application/json")[0] == 200
    assert read_spans(sink.out_path) == []


def test_cli_serves_until_sigterm(tmp_path: Path) -> None:
    port, out = free_port(), tmp_path / "cli.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vsm_dev.otlp_sink", "--port", str(port), "--out", str(out)],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        assert "OTLP sink on" in proc.stderr.readline().decode()
        assert tcp_accepts("127.0.0.1", port)
        body = json.dumps(node_style_request(TRACE_HEX, PARENT_HEX, CHILD_HEX)).encode()
        assert post(f"http://127.0.0.1:{port}/v1/traces", body, "application/json")[0] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        proc.wait()
    assert_node_spans(read_spans(out))


def test_trace_viewer_prints_a_tree(sink: OtlpSink, capsys: pytest.CaptureFixture[str]) -> None:
    body = json.dumps(node_style_request(TRACE_HEX, PARENT_HEX, CHILD_HEX)).encode()
    post(f"{sink.endpoint}/v1/traces", body, "application/json")

    assert traces.main([str(sink.out_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"trace {TRACE_HEX}") and "2 spans" in lines[0] and "12.00 ms" in lines[0]
    assert lines[2].split() == ["+0.00", "ms", "12.00", "ms", "gateway", "POST", "/graphql", "[server]"]
    assert lines[3].endswith("    gateway  subgraph goals  [client]  ERROR: boom")
    assert "+1.00 ms" in lines[3] and "8.00 ms" in lines[3]

    assert traces.main([str(sink.out_path), "--trace", "5b8e", "--list"]) == 0
    assert TRACE_HEX in capsys.readouterr().out
    assert traces.main([str(sink.out_path), "--trace", "ffff"]) == 1


def test_json_from_the_node_exporter(sink: OtlpSink) -> None:
    script = """
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const exporter = new OTLPTraceExporter({ url: process.argv[1] });
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'gateway' }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('node-test');
const parent = tracer.startSpan('POST /graphql', { kind: 1, attributes: { 'n': 3, 's': 'x' } });
const ctx = require('@opentelemetry/api').trace.setSpan(require('@opentelemetry/api').context.active(), parent);
const child = tracer.startSpan('subgraph goals', { kind: 2 }, ctx);
child.end(); parent.end();
provider.forceFlush().then(() => provider.shutdown()).then(() => {
  console.log(JSON.stringify({ trace: parent.spanContext().traceId, parent: parent.spanContext().spanId,
                               child: child.spanContext().spanId }));
});
"""
    result = subprocess.run(
        ["node", "-e", script, f"{sink.endpoint}/v1/traces"],
        cwd=ROOT / "services" / "gateway",
        capture_output=True,
        timeout=60,
        check=True,
    )
    ids = json.loads(result.stdout.decode().strip().splitlines()[-1])
    spans = {s["name"]: s for s in sink.wait_for_spans(2)}
    parent, child = spans["POST /graphql"], spans["subgraph goals"]
    assert parent["trace_id"] == ids["trace"] and child["trace_id"] == ids["trace"]
    assert parent["span_id"] == ids["parent"] and child["parent_span_id"] == ids["parent"]
    assert child["span_id"] == ids["child"]
    assert parent["service"] == "gateway" and parent["kind"] == "SERVER" and child["kind"] == "CLIENT"
    assert parent["attributes"] == {"n": 3, "s": "x"}
