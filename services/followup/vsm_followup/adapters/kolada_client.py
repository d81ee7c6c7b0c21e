"""Fetching data from the live Kolada API v3, following ``next_url`` page by page.

Kolada v3 answers a data request with ``{"count": N, "next_url": url|null, "previous_url": url|null,
"values": [row, ...]}`` (v2's ``next_page`` is gone) and refuses more than 25 ids in one path
segment, so KPI ids, municipality ids and years go at most 25 per request.

A page Kolada will not give right now (429 Too Many Requests, a 5xx, a dropped connection) is asked
again a bounded number of times, after what ``Retry-After`` asks or else a doubling backoff. Anything
else (another status, a page that is not a Kolada data response, a wait longer than we accept) ends
the fetch with ``KoladaFetchError`` naming the URL: a half-fetched answer must not be imported as if
it were the whole one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import product
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import httpx
import orjson

from vsm_common.errors import DomainError

from ..domain import kolada

log = logging.getLogger(__name__)

MAX_IDS_PER_REQUEST = 25
MAX_PAGES = 10_000  # a guard against a next_url that never ends
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

Sleep = Callable[[float], Awaitable[None]]


class KoladaFetchError(RuntimeError):
    """The fetch cannot go on; the message names the URL and why."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long a fetch insists on a page Kolada does not give right now."""

    attempts: int = 5  # requests per page, the first included
    max_wait_seconds: float = 60.0  # a longer Retry-After ends the fetch instead of stalling it
    backoff_seconds: float = 1.0  # first wait when Kolada names none; doubled on each retry


def chunks(ids: Sequence[str], size: int = MAX_IDS_PER_REQUEST) -> list[list[str]]:
    unique = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    return [unique[i : i + size] for i in range(0, len(unique), size)]


def data_urls(base_url: str, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int]) -> list[str]:
    """One URL per combination of id chunks: /data/kpi/{kpis}/municipality/{ids}[/year/{years}]."""
    base = base_url.rstrip("/")
    ordered_years = [str(y) for y in sorted(set(years))]
    year_parts = [f"/year/{','.join(c)}" for c in chunks(ordered_years)] or [""]
    return [
        f"{base}/data/kpi/{quote(','.join(k), safe=',')}/municipality/{quote(','.join(m), safe=',')}{y}"
        for k, m, y in product(chunks(kpis), chunks(municipalities), year_parts)
    ]


def next_page_url(first_url: str, current_url: str, next_url: str) -> str:
    """Where the page ``next_url`` names is asked: its path and query, on the server of ``first_url``.

    Kolada writes ``next_url`` absolute, with the host it believes it has (behind a proxy that may be
    ``http://`` or an inner name). Asking the configured server keeps a fetch on the server it was
    pointed at, whether that is api.kolada.se, a mirror or a test server, and never elsewhere.
    """
    resolved = urlsplit(urljoin(current_url, next_url))
    origin = urlsplit(first_url)
    return urlunsplit((origin.scheme, origin.netloc, resolved.path, resolved.query, ""))


def retry_after_seconds(header: str | None, now: datetime) -> float | None:
    """The wait a Retry-After header asks for (seconds or an HTTP date); None when absent or unreadable."""
    if header is None or not header.strip():
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT even when it fails to say so
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def wait_before_retry(attempt: int, retry_after: float | None, policy: RetryPolicy) -> float:
    """Seconds to wait before the request after ``attempt`` (1-based); raises when Kolada asks too long."""
    if retry_after is not None:
        if retry_after > policy.max_wait_seconds:
            raise KoladaFetchError(
                f"Kolada asks to wait {retry_after:g} s, longer than the {policy.max_wait_seconds:g} s "
                "a fetch waits (VSM_FOLLOWUP_KOLADA_MAX_WAIT_SECONDS); try again later"
            )
        return retry_after
    return min(policy.backoff_seconds * 2 ** (attempt - 1), policy.max_wait_seconds)


def _snippet(resp: httpx.Response) -> str:
    text = resp.text.strip().replace("\n", " ")
    return text[:200] + ("…" if len(text) > 200 else "")


async def _get_page(client: httpx.AsyncClient, url: str, policy: RetryPolicy, sleep: Sleep) -> bytes:
    """The body of a 200 answer for ``url``, asking again while the failure is one that passes."""
    attempts = max(policy.attempts, 1)
    for attempt in range(1, attempts + 1):
        retry_after: float | None = None
        try:
            resp = await client.get(url)
        except httpx.TransportError as exc:
            failure = f"could not be reached ({type(exc).__name__}: {exc})"
        else:
            if resp.status_code == 200:
                return resp.content
            if resp.status_code not in RETRYABLE_STATUS:
                raise KoladaFetchError(f"Kolada answered {resp.status_code} to {url}: {_snippet(resp)}")
            failure = f"answered {resp.status_code}"
            retry_after = retry_after_seconds(resp.headers.get("Retry-After"), datetime.now(UTC))
        if attempt == attempts:
            raise KoladaFetchError(f"Kolada {failure} for {url} on all {attempts} attempts; giving up")
        try:
            wait = wait_before_retry(attempt, retry_after, policy)
        except KoladaFetchError as exc:
            raise KoladaFetchError(f"Kolada {failure} for {url}: {exc}") from None
        log.warning(
            "Kolada %s for %s; asking again in %g s (attempt %d of %d)",
            failure,
            url,
            wait,
            attempt + 1,
            attempts,
        )
        await sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


async def fetch_pages(
    client: httpx.AsyncClient,
    urls: Sequence[str],
    *,
    policy: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
) -> list[dict[str, Any]]:
    """Every page of every URL, following ``next_url``; raises ``KoladaFetchError`` when one cannot be had.

    Each page is checked by the import's own rules as it arrives, so a malformed page stops the
    fetch at the URL that gave it instead of surfacing later as a refused import.
    """
    retry = policy or RetryPolicy()
    pages: list[dict[str, Any]] = []
    for first in urls:
        url: str | None = first
        seen: set[str] = set()
        while url is not None:
            if url in seen or len(seen) >= MAX_PAGES:
                raise KoladaFetchError(f"Kolada paging does not end (at {url})")
            seen.add(url)
            body = await _get_page(client, url, retry, sleep)
            try:
                doc = kolada.parse_document(body)
            except DomainError as exc:
                raise KoladaFetchError(f"Kolada's page {url} is malformed: {exc.text()}") from None
            pages.append(orjson.loads(body))
            url = next_page_url(first, url, doc.next_url) if doc.next_url else None
    return pages
