"""A tiny OTLP/HTTP trace receiver for development and tests.

Accepts POST /v1/traces as protobuf (the Python exporter) or JSON (Node's exporter) and
appends one JSON object per span to a JSON Lines file:

    {"trace_id": hex, "span_id": hex, "parent_span_id": hex | null, "name", "kind",
     "service", "scope", "start_ns", "end_ns", "attributes": {...},
     "status": {"code": "UNSET"|"OK"|"ERROR", "message"}, "events": [...]}

Run it standalone with `python -m vsm_dev.otlp_sink --port 4318 --out spans.jsonl`, or in a
thread with `OtlpSink(port, out_path).start()`; view traces with `python -m vsm_dev.traces`.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import gzip
import json
import logging
import signal
import sys
import threading
import time
import zlib
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from google.protobuf.json_format import ParseDict, ParseError  # type: ignore[import-untyped]
from google.protobuf.message import DecodeError  # type: ignore[import-untyped]
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

_log = logging.getLogger(__name__)

_MAX_BODY = 64 * 1024 * 1024
# Signals and logs from the same SDKs are accepted and dropped, so an SDK configured with
# one OTLP endpoint for everything does not log export errors every few seconds.
_DISCARDED_PATHS = frozenset({"/v1/metrics", "/v1/logs"})
_ID_FIELDS = {"traceId": 16, "trace_id": 16, "spanId": 8, "span_id": 8, "parentSpanId": 8, "parent_span_id": 8}

Record = dict[str, Any]


# -- decoding -----------------------------------------------------------------------------


def _id_to_base64(value: object, size: int) -> str:
    """OTLP/JSON says ids are hex; protobuf's canonical JSON (and some exporter versions)
    uses base64.  The lengths never collide: hex is 2*size characters, base64 at most
    4*ceil(size/3)."""
    if not isinstance(value, str):
        raise ValueError(f"id must be a string, got {value!r}")
    if value == "":
        return ""
    if len(value) == 2 * size:
        try:
            return base64.b64encode(bytes.fromhex(value)).decode()
        except ValueError:
            pass
    text = value.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise ValueError(f"id {value!r} is neither hex nor base64") from None
    if len(raw) != size:
        raise ValueError(f"id {value!r} is not {size} bytes")
    return base64.b64encode(raw).decode()


def _normalise_json(node: Any) -> Any:
    """Rewrite an OTLP/JSON document into what protobuf's ParseDict accepts."""
    if isinstance(node, list):
        return [_normalise_json(item) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) <= {"low", "high", "unsigned"} and "low" in node and "high" in node:
        # protobufjs "long bits", emitted for 64-bit values by older Node exporters.
        return ((int(node["high"]) & 0xFFFFFFFF) << 32) | (int(node["low"]) & 0xFFFFFFFF)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _ID_FIELDS:
            out[key] = _id_to_base64(value, _ID_FIELDS[key])
        elif key == "instrumentationLibrarySpans":  # OTLP < 0.15 (old exporters)
            out["scopeSpans"] = _normalise_json(value)
        elif key == "instrumentationLibrary":
            out["scope"] = _normalise_json(value)
        else:
            out[key] = _normalise_json(value)
    return out


def decode_request(body: bytes, content_type: str) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    if content_type == "application/json":
        ParseDict(_normalise_json(json.loads(body)), request, ignore_unknown_fields=True)
    else:
        request.ParseFromString(body)
    return request


def _any_value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_any_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values)
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)


def _attributes(kvs: Any) -> dict[str, Any]:
    items: list[KeyValue] = list(kvs)
    return {kv.key: _any_value(kv.value) for kv in items}


def _enum_suffix(full_name: str, prefix: str) -> str:
    return full_name[len(prefix) :] if full_name.startswith(prefix) else full_name


def _span_kind(kind: int) -> str:
    try:
        return _enum_suffix(Span.SpanKind.Name(kind), "SPAN_KIND_")
    except ValueError:
        return str(kind)


def _status_code(code: int) -> str:
    try:
        return _enum_suffix(Status.StatusCode.Name(code), "STATUS_CODE_")
    except ValueError:
        return str(code)


def spans_to_records(request: ExportTraceServiceRequest) -> list[Record]:
    records: list[Record] = []
    for resource_spans in request.resource_spans:
        resource = _attributes(resource_spans.resource.attributes)
        service = resource.get("service.name")
        for scope_spans in resource_spans.scope_spans:
            scope = scope_spans.scope.name or None
            for span in scope_spans.spans:
                records.append(
                    {
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex() or None,
                        "name": span.name,
                        "kind": _span_kind(span.kind),
                        "service": service,
                        "scope": scope,
                        "start_ns": span.start_time_unix_nano,
                        "end_ns": span.end_time_unix_nano,
                        "attributes": _attributes(span.attributes),
                        "status": {
                            "code": _status_code(span.status.code),
                            "message": span.status.message,
                        },
                        "events": [
                            {
                                "name": e.name,
                                "time_ns": e.time_unix_nano,
                                "attributes": _attributes(e.attributes),
                            }
                            for e in span.events
                        ],
                    }
                )
    return records


def read_spans(path: Path) -> list[Record]:
    """All spans in a sink's output file, in arrival order ([] if there is no file yet)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    spans: list[Record] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            spans.append(json.loads(line))
        except json.JSONDecodeError:
            # Another process may be half-way through appending the last line.
            if i != len(lines) - 1:
                raise
    return spans


# -- HTTP server --------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A restart right after a stop must not fail on a port in TIME_WAIT.
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], out_path: Path) -> None:
        super().__init__(address, _Handler)
        self.out_path = out_path
        self.write_lock = threading.Lock()
        self.spans_received = 0

    def append(self, records: list[Record]) -> None:
        if not records:
            return
        data = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
        with self.write_lock:
            # Opened per batch: the file can be truncated or rotated while we run.
            with self.out_path.open("a", encoding="utf-8") as f:
                f.write(data)
            self.spans_received += len(records)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: exporters reuse one connection

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("%s " + format, self.address_string(), *args)

    def _reply(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        _log.warning("rejected %s %s: %s", self.command, self.path, message)
        self._reply(status, message.encode() + b"\n", "text/plain; charset=utf-8")

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            # Node's OTLP exporter streams its body chunked, without Content-Length.
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024)
                try:
                    size = int(size_line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise ValueError(f"bad chunk size line {size_line!r}") from None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > _MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)  # CRLF after the chunk
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length)

    def do_GET(self) -> None:
        if self.path in ("/", "/health"):
            self._reply(HTTPStatus.OK, b"ok\n", "text/plain")
        else:
            self._error(HTTPStatus.NOT_FOUND, "not found")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        try:
            body = self._read_body()
        except ValueError as exc:
            self.close_connection = True
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        is_json = content_type == "application/json"
        if path not in _DISCARDED_PATHS and path != "/v1/traces":
            self._error(HTTPStatus.NOT_FOUND, f"no OTLP endpoint at {path}")
            return
        if content_type not in ("application/json", "application/x-protobuf"):
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported {content_type!r}")
            return
        try:
            encoding = (self.headers.get("Content-Encoding") or "").lower()
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "deflate":
                body = zlib.decompress(body)
            if path == "/v1/traces":
                self.server.append(spans_to_records(decode_request(body, content_type)))
        except (OSError, EOFError, zlib.error, ValueError, DecodeError, ParseError) as exc:
            self._error(HTTPStatus.BAD_REQUEST, f"cannot decode OTLP request: {exc}")
            return
        if is_json:
            self._reply(HTTPStatus.OK, b"{}", "application/json")
        else:
            self._reply(
                HTTPStatus.OK,
                ExportTraceServiceResponse().SerializeToString(),
                "application/x-protobuf",
            )


class OtlpSink:
    """The receiver in a background thread.  port=0 picks a free port (see .port)."""

    def __init__(self, port: int, out_path: Path, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self.out_path = Path(out_path)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        """Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (exporters append /v1/traces)."""
        return f"http://{self.host}:{self.port}"

    @property
    def spans_received(self) -> int:
        return self._server.spans_received if self._server is not None else 0

    def start(self) -> str:
        if self._server is not None:
            raise RuntimeError("sink already started")
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        self._server = _Server((self.host, self.port), self.out_path)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name=f"otlp-sink-{self.port}",
            daemon=True,
        )
        self._thread.start()
        _log.info("OTLP sink on %s writing %s", self.endpoint, self.out_path)
        return self.endpoint

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def wait_for_spans(
        self,
        count: int,
        timeout: float = 10,
        where: Callable[[Record], bool] | None = None,
    ) -> list[Record]:
        """Wait until the file holds at least count spans (matching `where`); return them.

        Exporters batch and send asynchronously, so tests must wait rather than read once.
        """
        deadline = time.monotonic() + timeout
        while True:
            spans = [s for s in read_spans(self.out_path) if where is None or where(s)]
            if len(spans) >= count:
                return spans
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(spans)} of {count} spans after {timeout}s")
            time.sleep(0.05)

    def __enter__(self) -> OtlpSink:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vsm_dev.otlp_sink",
        description="Receive OTLP/HTTP traces and append them to a JSON Lines file.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4318)
    parser.add_argument("--out", type=Path, default=Path("spans.jsonl"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    server = _Server((args.host, args.port), args.out)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        # shutdown() blocks until serve_forever returns, so it cannot run in this thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(
        f"OTLP sink on http://{args.host}:{server.server_address[1]}/v1/traces writing {args.out}",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
