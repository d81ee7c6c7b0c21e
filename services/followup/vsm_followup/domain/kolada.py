"""Reading Kolada API v3 data responses and deciding what an import does with each value.

A response is ``{"values": [row, ...], "count": N, "next_url": url|null}``; a row is
``{"kpi": "N01951", "municipality": "1380", "period": 2024, "values": [value, ...]}`` and a value
``{"gender": "T"|"K"|"M", "status": str, "value": number|null, "count": int, "isdeleted": bool}``.

The whole document is checked before anything is written: one malformed part refuses all of it,
with a message that says where. What is well-formed but not for us is counted, not refused:
- ``value: null`` (Kolada's ``status: "Missing"``): stored as a known gap, counted as missing;
- ``isdeleted: true``: removes the measurement stored earlier for that key, counted as deleted;
- ``count`` > 1: an average over a group of municipalities, not a municipality's own value:
  skipped, counted as a group average;
- a KPI no indicator follows: skipped, its id listed, and a row error per row.
When one document names the same key twice, the later value wins (the earlier is skipped).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from vsm_common.errors import DomainError

from .indicators import GENDERS, YEAR_MAX, YEAR_MIN

MAX_DOCUMENT_BYTES = 20_000_000


@dataclass(frozen=True, slots=True)
class KoladaValue:
    """One value of a row, with where it stood in the document."""

    row: int  # index of its row in the document's "values"
    kpi: str
    municipality: str
    year: int
    gender: str
    status: str
    value: float | None
    count: int | None
    deleted: bool


@dataclass(frozen=True, slots=True)
class KoladaDocument:
    values: tuple[KoladaValue, ...]
    rows: int
    next_url: str | None


@dataclass(frozen=True, slots=True)
class KoladaRowError:
    index: int
    field: str | None
    message: str


@dataclass(frozen=True, slots=True)
class MeasurementWrite:
    """A yearly measurement to store for an indicator, keyed by (indicator, year, municipality, gender)."""

    indicator_id: uuid.UUID
    year: int
    municipality: str
    gender: str
    value: float | None
    status: str | None
    count: int | None


@dataclass(frozen=True, slots=True)
class MeasurementDelete:
    indicator_id: uuid.UUID
    year: int
    municipality: str
    gender: str


@dataclass
class ImportPlan:
    writes: list[MeasurementWrite] = field(default_factory=list)
    deletes: list[MeasurementDelete] = field(default_factory=list)
    imported: int = 0  # values stored
    missing: int = 0  # gaps stored (value null)
    skipped: int = 0  # values not stored: group averages, unknown KPIs, superseded duplicates
    group_averages: int = 0
    unknown_kpis: list[str] = field(default_factory=list)
    errors: list[KoladaRowError] = field(default_factory=list)


def _malformed(where: str, what: str) -> DomainError:
    return DomainError(
        f"not a Kolada API v3 data response: {where} {what}; nothing was imported",
        key="document",
        rule="kolada.malformed",
    )


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def parse_document(document: str | bytes) -> KoladaDocument:
    """Check and read a whole response; raises DomainError ``kolada.malformed`` naming the first fault."""
    raw = document.encode() if isinstance(document, str) else document
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise _malformed("the document", f"is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _malformed("the document", f"is not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise _malformed("the document", "is not a JSON object")
    rows = doc.get("values")
    if not isinstance(rows, list):
        raise _malformed('"values"', "is missing or not a list")
    if "count" in doc and doc["count"] is not None and not (_is_int(doc["count"]) and doc["count"] >= 0):
        raise _malformed('"count"', "is not a non-negative integer")
    next_url = doc.get("next_url")
    if next_url is not None and not isinstance(next_url, str):
        raise _malformed('"next_url"', "is neither a string nor null")
    values: list[KoladaValue] = []
    for i, row in enumerate(rows):
        where = f"values[{i}]"
        if not isinstance(row, dict):
            raise _malformed(where, "is not an object")
        kpi, municipality, period, items = row.get("kpi"), row.get("municipality"), row.get("period"), row.get("values")
        if not isinstance(kpi, str) or not kpi.strip():
            raise _malformed(f"{where}.kpi", "is missing or not a string")
        if not isinstance(municipality, str) or not municipality.strip():
            raise _malformed(f"{where}.municipality", "is missing or not a string")
        if not isinstance(period, int) or isinstance(period, bool) or not YEAR_MIN <= period <= YEAR_MAX:
            raise _malformed(f"{where}.period", f"is not a year between {YEAR_MIN} and {YEAR_MAX}")
        if not isinstance(items, list):
            raise _malformed(f"{where}.values", "is missing or not a list")
        for j, item in enumerate(items):
            values.append(_value(item, f"{where}.values[{j}]", i, kpi.strip(), municipality.strip(), period))
    return KoladaDocument(tuple(values), len(rows), next_url)


def _value(item: Any, where: str, row: int, kpi: str, municipality: str, year: int) -> KoladaValue:
    if not isinstance(item, dict):
        raise _malformed(where, "is not an object")
    gender = item.get("gender", "T")
    if not isinstance(gender, str) or gender.upper() not in GENDERS:
        raise _malformed(f"{where}.gender", "is not T, K or M")
    status = item.get("status")
    if status is not None and not isinstance(status, str):
        raise _malformed(f"{where}.status", "is not a string")
    value = item.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise _malformed(f"{where}.value", "is neither a number nor null")
    count = item.get("count")
    if count is not None and not (_is_int(count) and count >= 0):
        raise _malformed(f"{where}.count", "is not a non-negative integer")
    deleted = item.get("isdeleted", False)
    if not isinstance(deleted, bool):
        raise _malformed(f"{where}.isdeleted", "is not true or false")
    return KoladaValue(
        row=row,
        kpi=kpi,
        municipality=municipality,
        year=year,
        gender=gender.upper(),
        status=status or "",
        value=float(value) if value is not None else None,
        count=count,
        deleted=deleted,
    )


def plan_import(doc: KoladaDocument, indicator_of_kpi: Mapping[str, uuid.UUID]) -> ImportPlan:
    """What to write and delete, and the counts; ``deleted`` is known only once the deletes ran."""
    plan = ImportPlan()
    unknown: dict[str, None] = {}
    errored_rows: set[int] = set()
    latest: dict[tuple[uuid.UUID, int, str, str], KoladaValue] = {}
    for v in doc.values:
        indicator_id = indicator_of_kpi.get(v.kpi)
        if indicator_id is None:
            plan.skipped += 1
            unknown.setdefault(v.kpi)
            if v.row not in errored_rows:
                errored_rows.add(v.row)
                plan.errors.append(
                    KoladaRowError(v.row, "kpi", f"no indicator follows Kolada KPI {v.kpi}; the row was skipped")
                )
            continue
        if v.count is not None and v.count > 1:
            plan.skipped += 1
            plan.group_averages += 1
            continue
        key = (indicator_id, v.year, v.municipality, v.gender)
        if key in latest:
            plan.skipped += 1  # superseded by this later value for the same key
        latest[key] = v
    for (indicator_id, year, municipality, gender), v in latest.items():
        if v.deleted:
            plan.deletes.append(MeasurementDelete(indicator_id, year, municipality, gender))
            continue
        plan.writes.append(
            MeasurementWrite(indicator_id, year, municipality, gender, v.value, v.status or None, v.count)
        )
        if v.value is None:
            plan.missing += 1
        else:
            plan.imported += 1
    plan.unknown_kpis = sorted(unknown)
    return plan


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, every value of the document accounted for."""

    imported: int
    skipped: int
    deleted: int
    missing: int
    group_averages: int
    unknown_kpis: tuple[str, ...]
    errors: tuple[KoladaRowError, ...]


def result_of(plan: ImportPlan, deleted: int) -> ImportResult:
    """The result once the deletes ran: a deletion that found nothing to remove counts as skipped."""
    return ImportResult(
        imported=plan.imported,
        skipped=plan.skipped + len(plan.deletes) - deleted,
        deleted=deleted,
        missing=plan.missing,
        group_averages=plan.group_averages,
        unknown_kpis=tuple(plan.unknown_kpis),
        errors=tuple(plan.errors),
    )


def combine_pages(pages: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One response holding the rows of every page, as if Kolada had answered in one page."""
    rows = [row for page in pages for row in page.get("values", [])]
    return {"values": rows, "count": len(rows), "next_url": None}
