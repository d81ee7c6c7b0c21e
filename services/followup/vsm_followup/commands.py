"""Commands of the followup service (``COMMANDS``): ``python -m vsm_followup kolada import FILE...`` and
``... kolada fetch --kpi ... --municipality ...``.

``import`` reads saved Kolada API v3 responses through the same code as the ``importKolada``
mutation. ``fetch`` asks the live API at ``VSM_FOLLOWUP_KOLADA_API_URL`` (following ``next_url``, at
most 25 ids per request, waiting out 429 and 5xx a bounded number of times) and writes the
combined response to a file, imports it, or both.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx
import orjson

from vsm_common.definition import Command, ServiceDefinition
from vsm_common.errors import DomainError
from vsm_common.runtime import Runtime
from vsm_common.settings import ServiceSettings

from .adapters import kolada_client
from .adapters.unit_of_work import followup_unit
from .domain import kolada
from .service import indicators as indicator_cases
from .settings import get_settings


def _split(values: list[str]) -> list[str]:
    return [v for arg in values for v in arg.split(",") if v.strip()]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vsm_followup kolada", description="Kolada API v3 import")
    sub = p.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="import saved Kolada API v3 responses (JSON files)")
    imp.add_argument("files", nargs="+", type=Path)
    fetch = sub.add_parser("fetch", help="fetch from the live Kolada API")
    fetch.add_argument("--kpi", action="append", required=True, help="KPI ids, comma-separated or repeated")
    fetch.add_argument("--municipality", action="append", default=None, help="municipality ids (default: ours)")
    fetch.add_argument("--year", action="append", default=[], help="years, comma-separated or repeated")
    fetch.add_argument("--out", type=Path, help="write the combined response to this file")
    fetch.add_argument("--import", dest="do_import", action="store_true", help="import what was fetched")
    return p


async def _import(definition: ServiceDefinition, documents: list[tuple[str, bytes]]) -> int:
    runtime = Runtime(definition, ServiceSettings())
    await runtime.open_database()
    failed = 0
    try:
        for name, doc in documents:
            try:
                result = await indicator_cases.import_kolada(followup_unit(runtime.unit_of_work()), doc)
            except DomainError as exc:
                failed += 1
                print(f"{name}: refused: {exc.text()}", file=sys.stderr)  # text(): a {field} filled in
                continue
            summary = {k: v for k, v in dataclasses.asdict(result).items() if k != "errors"}
            print(f"{name}: {orjson.dumps(summary).decode()}")
            for e in result.errors:
                print(f"{name}: row {e.index} ({e.field}): {e.message}", file=sys.stderr)
    finally:
        await runtime.close()
    return 1 if failed else 0


async def fetch_document(
    base_url: str,
    kpis: list[str],
    municipalities: list[str],
    years: list[int],
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    policy: kolada_client.RetryPolicy | None = None,
    sleep: kolada_client.Sleep = asyncio.sleep,
) -> tuple[bytes, int, int]:
    """The combined response of every request and page, with how many requests and pages it took."""
    urls = kolada_client.data_urls(base_url, kpis, municipalities, years)
    async with httpx.AsyncClient(timeout=60, follow_redirects=True, transport=transport) as client:
        pages = await kolada_client.fetch_pages(client, urls, policy=policy, sleep=sleep)
    return orjson.dumps(kolada.combine_pages(pages), option=orjson.OPT_INDENT_2), len(urls), len(pages)


async def _fetch(definition: ServiceDefinition, args: argparse.Namespace) -> int:
    settings = get_settings()
    policy = kolada_client.RetryPolicy(
        attempts=settings.kolada_attempts, max_wait_seconds=settings.kolada_max_wait_seconds
    )
    try:
        combined, requests, pages = await fetch_document(
            settings.kolada_api_url,
            _split(args.kpi),
            _split(args.municipality or [settings.municipality]),
            [int(y) for y in _split(args.year)],
            policy=policy,
        )
    except kolada_client.KoladaFetchError as exc:
        print(f"kolada fetch: {exc}; nothing was written or imported", file=sys.stderr)
        return 1
    print(f"fetched {pages} page(s) from {requests} request(s)", file=sys.stderr)
    if args.out:
        args.out.write_bytes(combined)
    if args.do_import:
        return await _import(definition, [("kolada", combined)])
    if not args.out:
        sys.stdout.write(combined.decode() + "\n")
    return 0


def main(definition: ServiceDefinition, argv: Sequence[str]) -> int:
    """``python -m vsm_followup kolada ...`` (a command of ``ServiceDefinition.commands``)."""
    logging.basicConfig(level=logging.WARNING)
    args = parser().parse_args(list(argv))
    if args.action == "import":
        return asyncio.run(_import(definition, [(str(f), f.read_bytes()) for f in args.files]))
    return asyncio.run(_fetch(definition, args))


COMMANDS: Mapping[str, Command] = {"kolada": main}
