"""Fetching data from the live Kolada API v3, following ``next_url`` page by page.

Kolada answers at most a page per request and accepts a limited number of ids per path segment,
so KPI and municipality ids go at most 25 per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import Any
from urllib.parse import quote

import httpx
import orjson

MAX_IDS_PER_REQUEST = 25
MAX_PAGES = 10_000  # a guard against a next_url that never ends


def chunks(ids: Sequence[str], size: int = MAX_IDS_PER_REQUEST) -> list[list[str]]:
    unique = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    return [unique[i : i + size] for i in range(0, len(unique), size)]


def data_urls(base_url: str, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int]) -> list[str]:
    """One URL per combination of id chunks: /data/kpi/{kpis}/municipality/{ids}[/year/{years}]."""
    base = base_url.rstrip("/")
    year_part = f"/year/{','.join(str(y) for y in sorted(set(years)))}" if years else ""
    return [
        f"{base}/data/kpi/{quote(','.join(k), safe=',')}/municipality/{quote(','.join(m), safe=',')}{year_part}"
        for k, m in product(chunks(kpis), chunks(municipalities))
    ]


async def fetch_pages(client: httpx.AsyncClient, urls: Sequence[str]) -> list[dict[str, Any]]:
    """Every page of every URL, following ``next_url``; raises on an HTTP error or a non-object page."""
    pages: list[dict[str, Any]] = []
    for first in urls:
        url: str | None = first
        seen: set[str] = set()
        while url is not None:
            if url in seen or len(seen) >= MAX_PAGES:
                raise RuntimeError(f"Kolada paging does not end (at {url})")
            seen.add(url)
            resp = await client.get(url)
            resp.raise_for_status()
            page = orjson.loads(resp.content)
            if not isinstance(page, dict):
                raise RuntimeError(f"Kolada answered {url} with something else than a JSON object")
            pages.append(page)
            nxt = page.get("next_url")
            url = nxt if isinstance(nxt, str) and nxt else None
    return pages
