"""The live Kolada fetch against a real HTTP server on loopback that answers like Kolada API v3.

The pages have the shape api.kolada.se/v3 gives (``count``, ``next_url``, ``previous_url``,
``values`` of rows with ``kpi``, ``municipality``, ``period`` and per-gender ``values`` carrying
``gender``, ``count``, ``status``, ``value`` and ``isdeleted``). The server answers each path from a
script, in order, so a test says exactly when Kolada pages, refuses, asks to wait or breaks off.
Waits go through an injected ``sleep`` that only records them: no test sleeps or measures time.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest

from vsm_followup import commands
from vsm_followup.adapters import kolada_client
from vsm_followup.adapters.kolada_client import KoladaFetchError, RetryPolicy
from vsm_followup.domain import kolada
from vsm_followup.settings import get_settings
from vsm_followup.wiring import definition

POP, SICK = uuid.uuid4(), uuid.uuid4()
KNOWN = {"N01951": POP, "N00090": SICK}
FIRST = "/v3/data/kpi/N01951,N00090/municipality/1380/year/2023,2024"
PAGE2 = f"{FIRST}?page=2&per_page=1"
PAGE3 = f"{FIRST}?page=3&per_page=1"
ORIGIN = "{origin}"  # the server writes its own http://127.0.0.1:port here, as Kolada writes its host


@dataclass
class Answer:
    status: int = 200
    body: dict[str, Any] | list[Any] | str = ""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering


class KoladaServer:
    """A threaded HTTP server on a free loopback port; each path answers its script in order, the last repeatedly."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self._script: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.base_url = f"{self.origin}/v3"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def on(self, path: str, *answers: Answer) -> None:
        with self._lock:
            self._script[path] = list(answers)

    def _next(self, path: str) -> Answer:
        with self._lock:
            self.asked.append(path)
            queue = self._script.get(path)
            if not queue:
                return Answer(404, {"detail": f"no such page: {path}"})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                answer = server._next(self.path)
                if answer.drop:
                    self.close_connection = True
                    return
                raw = answer.body if isinstance(answer.body, str) else orjson.dumps(answer.body).decode()
                body = raw.replace(ORIGIN, server.origin).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # the test output stays quiet
                pass

        return Handler

    def __enter__(self) -> KoladaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=30)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx honours proxy variables: a proxy must not stand between the client and loopback.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def server() -> Iterator[KoladaServer]:
    with KoladaServer() as s:
        yield s


class Waits:
    """An injected sleep: records what the client would have waited, and returns at once."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


# --- pages with the shape of Kolada API v3 -----------------------------------------------------


def value(gender: str, v: float | None, *, status: str = "", count: int = 1, isdeleted: bool = False) -> dict[str, Any]:
    return {"gender": gender, "count": count, "status": status, "value": v, "isdeleted": isdeleted}


def row(kpi: str, municipality: str, period: int, *values: dict[str, Any]) -> dict[str, Any]:
    return {"kpi": kpi, "municipality": municipality, "period": period, "values": list(values)}


def page(*rows: dict[str, Any], next_url: str | None = None, previous_url: str | None = None) -> dict[str, Any]:
    return {"count": len(rows), "next_url": next_url, "previous_url": previous_url, "values": list(rows)}


PAGE_1 = page(
    row("N01951", "1380", 2023, value("K", 52481.0), value("M", 52174.0), value("T", 104655.0)),
    next_url=f"{ORIGIN}{PAGE2}",
)
# Kolada names itself in next_url; a fetch pointed at another server keeps asking that one.
PAGE_2 = page(
    row(
        "N01951",
        "1380",
        2024,
        value("K", 52790.0),
        value("M", 52510.0),
        value("T", None, isdeleted=True),  # withdrawn since the last import
    ),
    next_url=f"https://api.kolada.se{PAGE3}",
    previous_url=f"{ORIGIN}{FIRST}?page=1&per_page=1",
)
PAGE_3 = page(
    row(
        "N00090",
        "1380",
        2024,
        value("K", 7.7),
        value("M", 4.5),
        value("T", None, status="Missing", count=0),  # not published: a known gap
    ),
    previous_url=f"{ORIGIN}{PAGE2}",
)


def serve_three_pages(server: KoladaServer, *, page2: tuple[Answer, ...] = (), then_page2: bool = True) -> None:
    """The three pages; page 2 first answers ``page2`` (in order), then itself unless ``then_page2`` is false."""
    server.on(FIRST, Answer(body=PAGE_1))
    server.on(PAGE2, *page2, *([Answer(body=PAGE_2)] if then_page2 else []))
    server.on(PAGE3, Answer(body=PAGE_3))


async def fetch(
    server: KoladaServer, waits: Waits | None = None, policy: RetryPolicy | None = None
) -> tuple[kolada.KoladaDocument, int, int]:
    document, requests, pages = await commands.fetch_document(
        server.base_url,
        ["N01951", "N00090"],
        ["1380"],
        [2024, 2023],
        policy=policy or RetryPolicy(attempts=3, max_wait_seconds=60, backoff_seconds=1),
        sleep=waits or Waits(),
    )
    return kolada.parse_document(document), requests, pages


# --- paging ------------------------------------------------------------------------------------


async def test_every_page_is_followed_through_next_url_on_the_configured_server(server: KoladaServer) -> None:
    serve_three_pages(server)
    doc, requests, pages = await fetch(server)
    # page 2's absolute next_url names api.kolada.se; page 3 was still asked of this server
    assert server.asked == [FIRST, PAGE2, PAGE3]
    assert (requests, pages) == (1, 3)
    assert doc.next_url is None and doc.rows == 3
    assert [(v.kpi, v.year, v.gender) for v in doc.values] == [
        ("N01951", 2023, "K"),
        ("N01951", 2023, "M"),
        ("N01951", 2023, "T"),
        ("N01951", 2024, "K"),
        ("N01951", 2024, "M"),
        ("N01951", 2024, "T"),
        ("N00090", 2024, "K"),
        ("N00090", 2024, "M"),
        ("N00090", 2024, "T"),
    ]


async def test_deleted_and_missing_values_of_a_fetch_follow_the_import_rules(server: KoladaServer) -> None:
    serve_three_pages(server)
    doc, _, _ = await fetch(server)
    plan = kolada.plan_import(doc, KNOWN)
    writes = {(w.indicator_id, w.year, w.gender): (w.value, w.status) for w in plan.writes}
    # isdeleted removes the value stored earlier for that key, and writes nothing
    assert [(d.indicator_id, d.year, d.municipality, d.gender) for d in plan.deletes] == [(POP, 2024, "1380", "T")]
    assert (POP, 2024, "T") not in writes
    # value null is stored as a known gap, with Kolada's status
    assert writes[(SICK, 2024, "T")] == (None, "Missing")
    assert writes[(SICK, 2024, "K")] == (7.7, None)
    assert writes[(POP, 2023, "T")] == (104655.0, None)
    assert (plan.imported, plan.missing, len(plan.deletes), plan.skipped, plan.errors) == (7, 1, 1, 0, [])


async def test_more_than_25_years_go_in_several_requests(server: KoladaServer) -> None:
    years = list(range(1990, 2021))  # 31 years: Kolada refuses more than 25 in one path segment
    first = "/v3/data/kpi/N01951/municipality/1380/year/" + ",".join(str(y) for y in years[:25])
    second = "/v3/data/kpi/N01951/municipality/1380/year/" + ",".join(str(y) for y in years[25:])
    server.on(first, Answer(body=page(row("N01951", "1380", 1990, value("T", 1.0)))))
    server.on(second, Answer(body=page(row("N01951", "1380", 2020, value("T", 2.0)))))
    document, requests, pages = await commands.fetch_document(
        server.base_url, ["N01951"], ["1380"], years, sleep=Waits()
    )
    assert server.asked == [first, second]
    assert (requests, pages, kolada.parse_document(document).rows) == (2, 2, 2)


# --- waiting out 429, 5xx and dropped connections ----------------------------------------------


async def test_a_429_with_retry_after_is_waited_for_and_then_the_page_is_had(server: KoladaServer) -> None:
    serve_three_pages(server, page2=(Answer(429, {"detail": "Too Many Requests"}, {"Retry-After": "2"}),))
    waits = Waits()
    doc, _, pages = await fetch(server, waits)
    assert waits.asked == [2.0]
    assert server.asked == [FIRST, PAGE2, PAGE2, PAGE3]
    assert pages == 3 and len(doc.values) == 9


async def test_without_retry_after_the_wait_doubles(server: KoladaServer) -> None:
    busy = Answer(503, "<html><body>Service Unavailable</body></html>")
    serve_three_pages(server, page2=(Answer(429), busy))
    waits = Waits()
    doc, _, _ = await fetch(server, waits, RetryPolicy(attempts=3, max_wait_seconds=60, backoff_seconds=0.5))
    assert waits.asked == [0.5, 1.0]
    assert server.asked.count(PAGE2) == 3 and doc.rows == 3


async def test_a_dropped_connection_is_asked_again(server: KoladaServer) -> None:
    serve_three_pages(server, page2=(Answer(drop=True),))
    waits = Waits()
    doc, _, _ = await fetch(server, waits)
    assert waits.asked == [1.0]
    assert server.asked.count(PAGE2) == 2 and doc.rows == 3


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_a_page_refused_again_and_again_ends_the_fetch_after_the_attempts(
    server: KoladaServer, status: int
) -> None:
    serve_three_pages(server, page2=(Answer(status, {"detail": "busy"}, {"Retry-After": "1"}),), then_page2=False)
    waits = Waits()
    with pytest.raises(KoladaFetchError) as info:
        await fetch(server, waits)
    assert server.asked == [FIRST, PAGE2, PAGE2, PAGE2]
    assert waits.asked == [1.0, 1.0]
    message = str(info.value)
    assert f"answered {status}" in message and "all 3 attempts" in message and "giving up" in message
    assert f"{server.origin}{PAGE2}" in message


async def test_a_retry_after_longer_than_accepted_ends_the_fetch_at_once(server: KoladaServer) -> None:
    serve_three_pages(server, page2=(Answer(429, {"detail": "slow down"}, {"Retry-After": "3600"}),))
    waits = Waits()
    with pytest.raises(KoladaFetchError, match="wait 3600 s, longer than the 60 s") as info:
        await fetch(server, waits)
    assert waits.asked == [] and server.asked == [FIRST, PAGE2]
    assert "VSM_FOLLOWUP_KOLADA_MAX_WAIT_SECONDS" in str(info.value)


async def test_a_refusal_that_will_not_pass_is_not_asked_again(server: KoladaServer) -> None:
    server.on(FIRST, Answer(400, {"detail": "at most 25 ids per parameter"}))
    waits = Waits()
    with pytest.raises(KoladaFetchError, match="answered 400") as info:
        await fetch(server, waits)
    assert "at most 25 ids per parameter" in str(info.value)
    assert server.asked == [FIRST] and waits.asked == []


# --- malformed pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        ("<html><body>502 Bad Gateway</body></html>", "is not JSON"),
        ([], "is not a JSON object"),
        ({"count": 0, "next_url": None}, '"values" is missing'),
        ({**PAGE_2, "next_url": 3}, '"next_url" is neither a string nor null'),
        (page(row("N01951", "1380", "2024", value("T", 1.0))), "values[0].period"),  # type: ignore[arg-type]
        (page(row("N01951", "1380", 2024, {**value("T", 1.0), "value": "1,0"})), "values[0].values[0].value"),
        (page(row("N01951", "1380", 2024, {**value("T", 1.0), "isdeleted": "false"})), "isdeleted"),
    ],
)
async def test_a_malformed_page_ends_the_fetch_naming_the_url_and_the_fault(
    server: KoladaServer, body: Any, fault: str
) -> None:
    server.on(FIRST, Answer(body=PAGE_1))
    server.on(PAGE2, Answer(body=body))
    with pytest.raises(KoladaFetchError) as info:
        await fetch(server)
    message = str(info.value)
    assert f"Kolada's page {server.origin}{PAGE2} is malformed" in message
    assert fault in message
    assert server.asked == [FIRST, PAGE2]  # a malformed page is not asked again


# --- the command, with the base URL from the settings ------------------------------------------


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch, server: KoladaServer) -> Iterator[None]:
    monkeypatch.setenv("VSM_FOLLOWUP_KOLADA_API_URL", server.base_url)
    monkeypatch.setenv("VSM_FOLLOWUP_KOLADA_ATTEMPTS", "2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()  # later tests must not see this server


def test_the_fetch_command_asks_the_configured_url_and_writes_the_combined_response(
    server: KoladaServer, settings_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Retry-After: 0 so the command's real sleep does not wait
    serve_three_pages(server, page2=(Answer(429, {"detail": "Too Many Requests"}, {"Retry-After": "0"}),))
    out = tmp_path / "kolada.json"
    argv = ["fetch", "--kpi", "N01951,N00090", "--municipality", "1380", "--year", "2023,2024", "--out", str(out)]
    assert commands.main(definition, argv) == 0
    assert server.asked == [FIRST, PAGE2, PAGE2, PAGE3]
    doc = kolada.parse_document(out.read_bytes())
    assert (doc.rows, len(doc.values), doc.next_url) == (3, 9, None)
    assert "fetched 3 page(s) from 1 request(s)" in capsys.readouterr().err


def test_the_fetch_command_reports_a_fetch_it_cannot_finish_and_writes_nothing(
    server: KoladaServer, settings_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_three_pages(server, page2=(Answer(503, "Service Unavailable", {"Retry-After": "0"}),), then_page2=False)
    out = tmp_path / "kolada.json"
    argv = ["fetch", "--kpi", "N01951,N00090", "--municipality", "1380", "--year", "2023,2024", "--out", str(out)]
    assert commands.main(definition, argv) == 1
    assert not out.exists()
    assert server.asked == [FIRST, PAGE2, PAGE2]  # VSM_FOLLOWUP_KOLADA_ATTEMPTS=2
    err = capsys.readouterr().err
    assert "kolada fetch: Kolada answered 503" in err and "on all 2 attempts" in err
    assert "nothing was written or imported" in err


# --- the rules behind the waits and the paging (no server) -------------------------------------


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 12, 5, 12, 0, 0, tzinfo=UTC)
    assert kolada_client.retry_after_seconds("7", now) == 7.0
    assert kolada_client.retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert kolada_client.retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert kolada_client.retry_after_seconds("soon", now) is None
    assert kolada_client.retry_after_seconds("", now) is None
    assert kolada_client.retry_after_seconds(None, now) is None


def test_the_wait_doubles_up_to_the_bound_and_a_longer_retry_after_is_refused() -> None:
    policy = RetryPolicy(attempts=10, max_wait_seconds=5, backoff_seconds=1)
    assert [kolada_client.wait_before_retry(a, None, policy) for a in range(1, 6)] == [1, 2, 4, 5, 5]
    assert kolada_client.wait_before_retry(1, 5.0, policy) == 5.0
    with pytest.raises(KoladaFetchError, match="wait 6 s"):
        kolada_client.wait_before_retry(1, 6.0, policy)


def test_next_url_is_asked_of_the_server_the_fetch_was_pointed_at() -> None:
    first = "http://127.0.0.1:8123/v3/data/kpi/N01951/municipality/1380"
    next_page = kolada_client.next_page_url
    assert next_page(first, first, "https://api.kolada.se/v3/data/kpi/N01951/municipality/1380?page=2") == (
        "http://127.0.0.1:8123/v3/data/kpi/N01951/municipality/1380?page=2"
    )
    assert next_page(first, first, "?page=3") == f"{first}?page=3"
    assert next_page(first, first, "/v3/data/kpi/N01951/municipality/1380?page=4&per_page=1") == (
        f"{first}?page=4&per_page=1"
    )
