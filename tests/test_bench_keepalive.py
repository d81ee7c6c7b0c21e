"""The load generator's lean HTTP/1.1 client (bench/vsm_bench/keepalive.py) against a real local socket server."""

from __future__ import annotations

import asyncio
import gzip
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from vsm_bench.keepalive import HTTPError, KeepAliveClient  # noqa: E402

Answer = Callable[[bytes], bytes]  # request body -> whole raw response


async def _serve(answer: Answer, close_after: int | None = None) -> tuple[asyncio.Server, list[int]]:
    """A server that reads each request (Content-Length body) and writes ``answer(body)``; it closes a
    connection after ``close_after`` requests on it. Returns the server and the requests per connection."""
    per_connection: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        per_connection.append(0)
        me = len(per_connection) - 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                per_connection[me] += 1
                writer.write(answer(body))
                await writer.drain()
                if close_after is not None and per_connection[me] >= close_after:
                    break
        except asyncio.IncompleteReadError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, per_connection


def _url(server: asyncio.Server) -> str:
    host, port = server.sockets[0].getsockname()[:2]
    return f"http://{host}:{port}/graphql"


def _length(body: bytes, extra: str = "") -> bytes:
    head = f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{extra}content-length: {len(body)}\r\n\r\n"
    return head.encode() + body


def _chunked_gzip(body: bytes) -> bytes:
    packed = gzip.compress(body)
    head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-encoding: gzip\r\n\r\n"
    chunks = [packed[:7], packed[7:]]
    return head + b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks) + b"0\r\n\r\n"


def test_requests_reuse_one_connection_and_read_either_framing() -> None:
    async def run() -> None:
        answers = iter([_length, _chunked_gzip, _length])
        server, per_connection = await _serve(lambda body: next(answers)(b'{"echo":' + body + b"}"))
        async with server, KeepAliveClient(_url(server)) as client:
            bodies = [
                (await client.post(f'"{n}"'.encode(), {"content-type": "application/json"})).content for n in range(3)
            ]
        assert bodies == [b'{"echo":"0"}', b'{"echo":"1"}', b'{"echo":"2"}']
        assert per_connection == [3]

    asyncio.run(run())


def test_a_connection_the_server_closed_is_replaced_once() -> None:
    async def run() -> None:
        server, per_connection = await _serve(lambda body: _length(body), close_after=1)
        async with server, KeepAliveClient(_url(server)) as client:
            first = await client.post(b"a", {})
            second = await client.post(b"b", {})  # its kept connection was closed by the server
        assert (first.content, second.content) == (b"a", b"b")
        assert per_connection == [1, 1]

    asyncio.run(run())


def test_connection_close_is_honoured_and_unknown_framing_refused() -> None:
    async def run() -> None:
        server, per_connection = await _serve(lambda body: _length(body, "connection: close\r\n"))
        async with server, KeepAliveClient(_url(server)) as client:
            await client.post(b"a", {})
            await client.post(b"b", {})
        assert per_connection == [1, 1]

        bare, _ = await _serve(lambda body: b"HTTP/1.1 200 OK\r\n\r\n" + body)
        async with bare, KeepAliveClient(_url(bare)) as client:
            with pytest.raises(HTTPError, match="Content-Length or chunked"):
                await client.post(b"a", {})

    asyncio.run(run())


def test_only_plain_http_urls() -> None:
    with pytest.raises(ValueError, match="only plain http"):
        KeepAliveClient("https://example.org/graphql")
