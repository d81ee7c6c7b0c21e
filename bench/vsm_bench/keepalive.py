"""A lean HTTP/1.1 client for the load scenarios: POSTs over connections kept open, nothing else.

The load generator shares the two cores with the stack it measures, so every millisecond of its own
CPU is a millisecond the stack waits for. httpx costs about 3.5 ms of CPU per dashboard request here
(its connection pool checks every pooled socket per request, anyio's stream layer, an import attempt
per request); this client, which only writes a request and reads a Content-Length or chunked answer,
costs a fraction of that. It sends what httpx sends that matters to the server (``accept-encoding:
gzip``, so the front door compresses as it would for a browser) and is used where latency under load
is measured; everything else keeps httpx.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

_MAX_HEAD = 64 * 1024


class HTTPError(RuntimeError):
    """The server answered something this client does not read (or closed the connection)."""


@dataclass(frozen=True)
class Response:
    status_code: int  # named as httpx names it, so GraphQL.post reads either
    headers: dict[str, str]  # lower-case names
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()

    async def exchange(self, head: bytes, body: bytes) -> tuple[Response, bool]:
        """One request and its response; the flag says whether the connection may be used again."""
        self.writer.write(head + body)
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            raise HTTPError("connection closed before a response") from exc
        except asyncio.LimitOverrunError as exc:
            raise HTTPError("response head too large") from exc
        lines = raw[:-4].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise HTTPError(f"not an HTTP/1.x status line: {lines[0][:100]!r}")
        status = int(parts[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            content = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            content = await self._chunked()
        else:
            raise HTTPError("response without Content-Length or chunked encoding")
        encoding = headers.get("content-encoding", "identity").lower()
        if encoding == "gzip":
            content = zlib.decompress(content, wbits=31)
        elif encoding not in ("identity", ""):
            raise HTTPError(f"unexpected content-encoding {encoding!r}")
        reusable = headers.get("connection", "").lower() != "close" and parts[0] != "HTTP/1.0"
        return Response(status, headers, content), reusable

    async def _chunked(self) -> bytes:
        out = bytearray()
        while True:
            size_line = await self.reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                # Trailers (rarely any) end with an empty line.
                while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return bytes(out)
            out += await self.reader.readexactly(size)
            await self.reader.readexactly(2)


class KeepAliveClient:
    """POSTs to one origin; a connection per request in flight, each kept open for the next request."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"only plain http:// URLs are supported, not {url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.authority = parts.netloc
        self.timeout = timeout
        self._idle: list[_Connection] = []

    async def __aenter__(self) -> KeepAliveClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        while self._idle:
            self._idle.pop().close()

    async def post(self, content: bytes, headers: Mapping[str, str]) -> Response:
        head = [f"POST {self.path} HTTP/1.1", f"host: {self.authority}", "accept-encoding: gzip"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        head.append(f"content-length: {len(content)}")
        request_head = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        reused = bool(self._idle)
        conn = self._idle.pop() if reused else await self._connect()
        try:
            async with asyncio.timeout(self.timeout):
                response, reusable = await conn.exchange(request_head, content)
        except HTTPError:
            conn.close()
            if not reused:
                raise
            # The server may close an idle kept-alive connection at any time; one fresh try, as httpx does.
            conn = await self._connect()
            try:
                async with asyncio.timeout(self.timeout):
                    response, reusable = await conn.exchange(request_head, content)
            except BaseException:
                conn.close()
                raise
        except BaseException:
            conn.close()
            raise
        if reusable:
            self._idle.append(conn)
        else:
            conn.close()
        return response

    async def _connect(self) -> _Connection:
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=_MAX_HEAD)
        return _Connection(reader, writer)
