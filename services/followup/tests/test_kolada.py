"""Reading Kolada API v3 responses: every edge case, refusal of malformed documents, paging (no network)."""

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from vsm_common.errors import DomainError
from vsm_followup.adapters import kolada_client
from vsm_followup.domain import kolada

FIXTURES = Path(__file__).parent / "fixtures"
POP, SICK = uuid.uuid4(), uuid.uuid4()
KNOWN = {"N01951": POP, "N00090": SICK}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_reads_a_plain_response() -> None:
    doc = kolada.parse_document(fixture("kolada_first.json"))
    assert doc.rows == 2 and doc.next_url is None
    assert [(v.kpi, v.municipality, v.year, v.gender, v.value) for v in doc.values[:3]] == [
        ("N01951", "1380", 2023, "K", 52481.0),
        ("N01951", "1380", 2023, "M", 52174.0),
        ("N01951", "1380", 2023, "T", 104655.0),
    ]
    plan = kolada.plan_import(doc, KNOWN)
    assert (plan.imported, plan.missing, plan.skipped, len(plan.deletes)) == (6, 0, 0, 0)


def test_every_edge_case_is_handled_and_counted() -> None:
    plan = kolada.plan_import(kolada.parse_document(fixture("kolada_edge_cases.json")), KNOWN)
    writes = {(w.indicator_id, w.year, w.municipality, w.gender): (w.value, w.status) for w in plan.writes}
    # the later of two values for one key wins
    assert writes[(POP, 2024, "1380", "T")] == (105300.0, None)
    # Missing with a null value is stored as a known gap
    assert writes[(SICK, 2025, "1380", "T")] == (None, "Missing")
    assert writes[(SICK, 2025, "1380", "K")] == (7.4, None)
    # another municipality's value is kept for comparison
    assert writes[(SICK, 2024, "1280", "T")] == (8.2, None)
    # the group average and the unknown KPI are not stored
    assert len(writes) == 4
    assert {(d.indicator_id, d.year, d.municipality, d.gender) for d in plan.deletes} == {
        (POP, 2023, "1380", "T"),
        (SICK, 2019, "1380", "T"),
    }
    assert (plan.imported, plan.missing, plan.group_averages) == (3, 1, 1)
    assert plan.skipped == 4  # group average + two values of the unknown KPI + the superseded duplicate
    assert plan.unknown_kpis == ["N99999"]
    assert [(e.index, e.field) for e in plan.errors] == [(5, "kpi")]
    assert "N99999" in plan.errors[0].message
    # one deletion removed a stored value, the other found nothing: that one counts as skipped
    result = kolada.result_of(plan, deleted=1)
    assert (result.imported, result.skipped, result.deleted, result.missing) == (3, 5, 1, 1)


def test_group_average_is_recognised_by_count() -> None:
    doc = {
        "values": [
            {
                "kpi": "N00090",
                "municipality": "G124",
                "period": 2024,
                "values": [{"gender": "T", "status": "", "value": 6.8, "count": 12, "isdeleted": False}],
            }
        ]
    }
    plan = kolada.plan_import(kolada.parse_document(json.dumps(doc)), KNOWN)
    assert (plan.group_averages, plan.skipped, plan.writes) == (1, 1, [])


def valid() -> dict[str, Any]:
    return json.loads(fixture("kolada_first.json"))


def broken(change: Any) -> str:
    doc = valid()
    change(doc)
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ("not json at all", "is not JSON"),
        ('{"values": [', "is not JSON"),
        ("[]", "is not a JSON object"),
        ('{"count": 0}', '"values" is missing'),
        ('{"values": {}}', '"values" is missing or not a list'),
        (broken(lambda d: d.update(count="two")), '"count"'),
        (broken(lambda d: d.update(next_url=5)), '"next_url"'),
        (broken(lambda d: d["values"].append("row")), "values[2] is not an object"),
        (broken(lambda d: d["values"][1].pop("kpi")), "values[1].kpi"),
        (broken(lambda d: d["values"][0].update(municipality=1380)), "values[0].municipality"),
        (broken(lambda d: d["values"][0].update(period="2023")), "values[0].period"),
        (broken(lambda d: d["values"][0].update(period=23)), "values[0].period"),
        (broken(lambda d: d["values"][0].update(values=None)), "values[0].values"),
        (broken(lambda d: d["values"][0]["values"][1].update(value="52174")), "values[0].values[1].value"),
        (broken(lambda d: d["values"][0]["values"][1].update(value=True)), "values[0].values[1].value"),
        (broken(lambda d: d["values"][1]["values"][0].update(gender="X")), "values[1].values[0].gender"),
        (broken(lambda d: d["values"][1]["values"][0].update(isdeleted="no")), "values[1].values[0].isdeleted"),
        (broken(lambda d: d["values"][1]["values"][0].update(count=-1)), "values[1].values[0].count"),
        (broken(lambda d: d["values"][1]["values"][0].update(status=0)), "values[1].values[0].status"),
    ],
)
def test_a_malformed_document_is_refused_naming_the_fault(document: str, where: str) -> None:
    with pytest.raises(DomainError) as info:
        kolada.parse_document(document)
    assert (info.value.rule, info.value.key) == ("kolada.malformed", "document")
    assert where in info.value.message
    assert "nothing was imported" in info.value.message


def test_defaults_of_optional_value_fields() -> None:
    doc = {"values": [{"kpi": "N00090", "municipality": "1380", "period": 2024, "values": [{"value": 6}]}]}
    [v] = kolada.parse_document(json.dumps(doc)).values
    assert (v.gender, v.status, v.value, v.count, v.deleted) == ("T", "", 6.0, None, False)


def test_pages_combine_into_one_document() -> None:
    combined = kolada.combine_pages(
        [json.loads(fixture("kolada_page1.json")), json.loads(fixture("kolada_page2.json"))]
    )
    assert combined["count"] == 2 and combined["next_url"] is None
    assert kolada.parse_document(json.dumps(combined)).rows == 2


def test_urls_carry_at_most_25_ids_each() -> None:
    kpis = [f"N{i:05}" for i in range(30)]
    urls = kolada_client.data_urls("https://api.kolada.se/v3/", kpis, ["1380"], [2025, 2024])
    assert len(urls) == 2
    assert urls[0].startswith("https://api.kolada.se/v3/data/kpi/N00000,N00001,")
    assert all(u.endswith("/municipality/1380/year/2024,2025") for u in urls)
    per_url = [u.split("/data/kpi/")[1].split("/")[0].split(",") for u in urls]
    assert [len(ids) for ids in per_url] == [25, 5]
    assert [i for ids in per_url for i in ids] == kpis
    many = [str(1000 + i) for i in range(26)]
    assert len(kolada_client.data_urls("https://x/v3", ["N01951"], many, [])) == 2


async def test_fetch_follows_next_url_without_the_network() -> None:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        assert request.url.path == "/v3/data/kpi/N01951,N00090/municipality/1380"
        page = "kolada_page2.json" if request.url.params.get("page") == "2" else "kolada_page1.json"
        return httpx.Response(200, content=fixture(page))

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        urls = kolada_client.data_urls("https://api.kolada.se/v3", ["N01951", "N00090"], ["1380"], [])
        found = await kolada_client.fetch_pages(client, urls)
    assert len(asked) == 2 and asked[1].endswith("page=2")
    assert len(kolada.combine_pages(found)["values"]) == 2


async def test_fetch_refuses_endless_paging() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"values": [], "count": 0, "next_url": str(request.url)})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(RuntimeError, match="does not end"):
            await kolada_client.fetch_pages(client, ["https://api.kolada.se/v3/data/kpi/N01951/municipality/1380"])


async def test_fetch_command_chunks_pages_and_combines_without_the_network() -> None:
    from vsm_followup import commands

    asked: list[httpx.URL] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url)
        kpis = request.url.path.split("/data/kpi/")[1].split("/")[0].split(",")
        assert len(kpis) <= 25
        row = {"kpi": kpis[0], "municipality": "1380", "period": 2025, "values": [{"gender": "T", "value": 1.0}]}
        if request.url.params.get("page") == "2" or len(kpis) < 25:
            return httpx.Response(200, json={"values": [row], "count": 1, "next_url": None})
        return httpx.Response(200, json={"values": [row], "count": 1, "next_url": f"{request.url}?page=2"})

    args = commands.parser().parse_args(["fetch", "--kpi", ",".join(f"N{i:05}" for i in range(30)), "--year", "2025"])
    document, requests, pages = await commands.fetch_document(
        "https://api.kolada.se/v3", commands._split(args.kpi), ["1380"], [2025], httpx.MockTransport(answer)
    )
    assert (requests, pages, len(asked)) == (2, 3, 3)
    doc = kolada.parse_document(document)
    assert doc.rows == 3 and doc.next_url is None
