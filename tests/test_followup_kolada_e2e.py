"""Indicators and the Kolada import through the gateway and the command line, from fixtures (no network)."""

from __future__ import annotations

import asyncio
import random
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import client, data_of, gql
from vsm_common.demo import demo_id
from vsm_dev.stack import ROOT, Stack

pytestmark = pytest.mark.e2e

FIXTURES = ROOT / "services" / "followup" / "tests" / "fixtures"
DEFINE = "mutation($i: IndicatorInput!) { defineIndicator(input: $i) { id koladaKpiId source owner { id code } } }"
IMPORT = """mutation($d: String!) { importKolada(document: $d) {
    imported skipped deleted missing groupAverages unknownKpis errors { index field message } } }"""
MEASUREMENTS = """query($id: ID!, $y: Int, $m: String) { indicator(id: $id) {
    measurements(year: $y, municipalityId: $m) { year value gender municipalityId status count period { id } } } }"""


def fresh_kpi() -> str:
    return f"X{random.randint(10_000, 99_999)}"


async def run_cli(stack: Stack, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vsm_followup",
        *args,
        env=stack.service_env("followup"),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


class Kolada:
    """Two test indicators on KPIs of their own; fixtures are rewritten to them."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.client, self.url = http, url
        self.pop_kpi, self.sick_kpi = fresh_kpi(), fresh_kpi()
        self.ids: dict[str, str] = {}

    async def data(self, query: str, **variables: Any) -> Any:
        return await data_of(self.client, self.url, query, variables)

    async def error(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await gql(self.client, self.url, query, variables)
        assert body.get("errors"), body
        error: dict[str, Any] = body["errors"][0]
        return error

    def document(self, name: str) -> str:
        return (FIXTURES / name).read_text().replace("N01951", self.pop_kpi).replace("N00090", self.sick_kpi)

    async def define(self) -> None:
        for kpi, name, direction in [
            (self.pop_kpi, "Invånare (test)", "HIGHER_IS_BETTER"),
            (self.sick_kpi, "Sjukfrånvaro (test)", "LOWER_IS_BETTER"),
        ]:
            found = await self.data(
                DEFINE,
                i={
                    "name": name,
                    "unit": "%",
                    "direction": direction,
                    "source": "KOLADA",
                    "koladaKpiId": kpi.lower(),
                    "ownerId": str(demo_id("org", "KS")),
                },
            )
            self.ids[kpi] = found["defineIndicator"]["id"]

    async def measurements(self, kpi: str, year: int | None = None, municipality: str | None = None) -> list[Any]:
        found: list[Any] = (await self.data(MEASUREMENTS, id=self.ids[kpi], y=year, m=municipality))["indicator"][
            "measurements"
        ]
        return found


async def test_kolada_import_handles_every_edge_case(stack: Stack) -> None:
    async with client(stack, "planner", timeout=20) as planner:  # the planning office: indicators, Kolada
        k = Kolada(planner, stack.config.gateway_url)
        await k.define()

        first = (await k.data(IMPORT, d=k.document("kolada_first.json")))["importKolada"]
        assert first == {
            "imported": 6,
            "skipped": 0,
            "deleted": 0,
            "missing": 0,
            "groupAverages": 0,
            "unknownKpis": [],
            "errors": [],
        }
        assert [(m["gender"], m["value"]) for m in await k.measurements(k.pop_kpi, 2023)] == [
            ("T", 104655.0),
            ("M", 52174.0),
            ("K", 52481.0),
        ]

        edge = (await k.data(IMPORT, d=k.document("kolada_edge_cases.json")))["importKolada"]
        assert {key: edge[key] for key in ("imported", "skipped", "deleted", "missing", "groupAverages")} == {
            "imported": 3,
            "skipped": 5,  # group average, two values of an unknown KPI, a repeated key, a deletion of nothing
            "deleted": 1,
            "missing": 1,
            "groupAverages": 1,
        }
        assert edge["unknownKpis"] == ["N99999"]
        assert [(e["index"], e["field"]) for e in edge["errors"]] == [(5, "kpi")]
        # isdeleted removed the 2023 total imported before; the women and men stay.
        assert [m["gender"] for m in await k.measurements(k.pop_kpi, 2023)] == ["M", "K"]
        # the later of two values for one key won
        assert [(m["value"], m["municipalityId"]) for m in await k.measurements(k.pop_kpi, 2024)] == [
            (105300.0, "1380")
        ]
        # Missing is stored as a known gap
        sick_2025 = await k.measurements(k.sick_kpi, 2025)
        assert [(m["gender"], m["value"], m["status"]) for m in sick_2025] == [("T", None, "Missing"), ("K", 7.4, None)]
        # another municipality is kept for comparison; the group average (0000) is not
        assert [m["municipalityId"] for m in await k.measurements(k.sick_kpi, 2024)] == ["1280", "1380", "1380", "1380"]
        assert await k.measurements(k.sick_kpi, 2024, "0000") == []
        assert len(await k.measurements(k.sick_kpi, municipality="1280")) == 1

        # A malformed document is refused whole: its valid rows are not imported either.
        before = await k.measurements(k.pop_kpi)
        bad = (
            k.document("kolada_first.json")
            .replace('"value": 104655.0', '"value": 999.0')
            .replace('"period": 2024', '"period": "2024"')
        )
        error = await k.error(IMPORT, d=bad)
        assert (error["extensions"]["rule"], error["extensions"]["field"]) == ("kolada.malformed", "document")
        assert "values[1].period" in error["message"] and "nothing was imported" in error["message"]
        assert await k.measurements(k.pop_kpi) == before
        error = await k.error(IMPORT, d="<html>Kolada is down</html>")
        assert error["extensions"]["rule"] == "kolada.malformed"


async def test_indicator_rules_and_relations(stack: Stack) -> None:
    async with client(stack, "planner", timeout=20) as planner:  # the planning office: indicators, Kolada
        k = Kolada(planner, stack.config.gateway_url)
        await k.define()
        taken = await k.error(
            DEFINE,
            i={
                "name": "Dubblett",
                "unit": "%",
                "direction": "HIGHER_IS_BETTER",
                "source": "KOLADA",
                "koladaKpiId": k.pop_kpi,
            },
        )
        assert (taken["extensions"]["code"], taken["extensions"]["rule"]) == ("CONFLICT", "indicator.kolada_kpi_unique")
        missing = await k.error(
            DEFINE, i={"name": "Utan id", "unit": "%", "direction": "HIGHER_IS_BETTER", "source": "KOLADA"}
        )
        assert (missing["extensions"]["rule"], missing["extensions"]["field"]) == (
            "indicator.kolada_kpi_required",
            "input.koladaKpiId",
        )
        nobody = await k.error(
            DEFINE,
            i={
                "name": "x",
                "unit": "%",
                "direction": "HIGHER_IS_BETTER",
                "source": "OWN",
                "ownerId": str(demo_id("org", "NOPE")),
            },
        )
        assert nobody["extensions"]["rule"] == "organization.exists"

        goal = str(demo_id("goal", "O2"))
        ind = k.ids[k.sick_kpi]
        await k.data("mutation($i: ID!, $g: ID!) { linkIndicator(indicatorId: $i, goalId: $g) { id } }", i=ind, g=goal)
        await k.data("mutation($i: ID!, $g: ID!) { linkIndicator(indicatorId: $i, goalId: $g) { id } }", i=ind, g=goal)
        for year, value in [(2027, 6.5), (2026, 6.0), (2027, 5.5)]:
            await k.data(
                "mutation($i: ID!, $y: Int!, $v: Float!) { setTarget(indicatorId: $i, year: $y, value: $v) { id } }",
                i=ind,
                y=year,
                v=value,
            )
        found = (
            await k.data(
                """query($id: ID!) { indicator(id: $id) { name direction source koladaKpiId
                    owner { code name } goals { id title } targets { year value } } }""",
                id=ind,
            )
        )["indicator"]
        assert found["koladaKpiId"] == k.sick_kpi and found["owner"] == {"code": "KS", "name": "Kommunstyrelsen"}
        assert found["goals"] == [{"id": goal, "title": "Alla barn och unga når sin fulla potential i lärandet"}]
        assert found["targets"] == [{"year": 2026, "value": 6.0}, {"year": 2027, "value": 5.5}]
        by_goal = (await k.data("query($g: ID!) { indicators(goalId: $g) { id } }", g=goal))["indicators"]
        assert {"id": ind} in by_goal
        kolada = (await k.data("{ indicators(source: KOLADA) { koladaKpiId } }"))["indicators"]
        assert {k.pop_kpi, k.sick_kpi, "N01951", "N00901", "N00090"} <= {i["koladaKpiId"] for i in kolada}
        on_goal = (await k.data("query($g: ID!) { goal(id: $g) { indicators { id } } }", g=goal))["goal"]["indicators"]
        assert {"id": ind} in on_goal
        error = await k.error(
            "mutation($i: ID!) { setTarget(indicatorId: $i, year: 2026, value: 1) { id } }", i=str(demo_id("x", "y"))
        )
        assert error["extensions"]["rule"] == "indicator.exists"


async def test_command_line_import_reads_saved_responses(stack: Stack, tmp_path: Path) -> None:
    async with client(stack, "planner", timeout=20) as planner:  # the planning office: indicators, Kolada
        k = Kolada(planner, stack.config.gateway_url)
        await k.define()
        saved = tmp_path / "kolada.json"
        saved.write_text(k.document("kolada_first.json"))
        broken = tmp_path / "broken.json"
        broken.write_text('{"values": 3}')
        code, out, err = await run_cli(stack, "kolada", "import", str(saved))
        assert code == 0, err
        assert '"imported":6' in out and '"skipped":0' in out
        assert len(await k.measurements(k.pop_kpi, 2023)) == 3
        code, out, err = await run_cli(stack, "kolada", "import", str(broken))
        assert code == 1
        assert '"values" is missing or not a list' in err
