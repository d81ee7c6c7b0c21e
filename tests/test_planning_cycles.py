"""Planning cycles and phases through the gateway: opening, order, gates, dates, analysis, phase errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support import client
from tests.test_planning_support import (
    CYCLE_FIELDS,
    Api,
    Scenario,
    decision,
    fresh_mandate_start,
    fresh_past_year,
    fresh_year,
)
from vsm_dev.stack import Stack

pytestmark = pytest.mark.e2e

ANNUAL = ["CONDITIONS_ANALYSIS", "DIRECTIVE", "TAX_RATE", "OPERATIONAL_PLANNING", "COMPILATION", "FOLLOW_UP"]

WRITE = """mutation($c: ID!, $s: AnalysisSectionKind!, $t: String!) {
  writeAnalysisSection(cycleId: $c, section: $s, text: $t) { id analysis { kind text version } } }"""


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with client(stack, "planner") as http:  # the planning office opens and runs the cycles
        yield Api(http, stack)


async def test_mandate_period_holds_a_written_strategic_analysis_then_the_goal_review(api: Api) -> None:
    start = fresh_mandate_start()
    cycle = await api.open_cycle("MANDATE_PERIOD", start)
    assert (cycle["startYear"], cycle["endYear"]) == (start, start + 3)
    assert cycle["title"] == f"Mandatperiod {start}–{start + 3}"
    assert [p["kind"] for p in cycle["phases"]] == ["STRATEGIC_ANALYSIS", "GOAL_REVIEW"]
    assert cycle["currentPhase"]["kind"] == "STRATEGIC_ANALYSIS"
    assert cycle["phases"][0]["responsible"]["code"] == "KS"
    assert cycle["phases"][1]["responsible"]["code"] == "KF"

    for section, text in (
        ("EXTERNAL_ANALYSIS", "Befolkningen växer"),
        ("INTERNAL_ANALYSIS", "Kompetensbrist"),
        ("BASE_FACTS", "105 000 invånare"),
        ("EXTERNAL_ANALYSIS", "Befolkningen växer snabbare än väntat"),
    ):
        data = await api.data(WRITE, c=cycle["id"], s=section, t=text)
    assert data["writeAnalysisSection"]["analysis"] == [
        {"kind": "EXTERNAL_ANALYSIS", "text": "Befolkningen växer snabbare än väntat", "version": 2},
        {"kind": "INTERNAL_ANALYSIS", "text": "Kompetensbrist", "version": 1},
        {"kind": "BASE_FACTS", "text": "105 000 invånare", "version": 1},
    ]

    cycle = await api.advance(cycle["id"])
    assert [p["state"] for p in cycle["phases"]] == ["DONE", "OPEN"]
    assert cycle["phases"][0]["completedOn"] is not None
    err = await api.error(WRITE, c=cycle["id"], s="BASE_FACTS", t="För sent")
    assert err["extensions"]["code"] == "CONFLICT"
    assert err["extensions"]["rule"] == "cycle.phase"
    assert err["extensions"]["phase"] == "GOAL_REVIEW"
    assert "GOAL_REVIEW" in err["message"]

    cycle = await api.advance(cycle["id"])
    assert cycle["currentPhase"] is None and [p["state"] for p in cycle["phases"]] == ["DONE", "DONE"]
    err = await api.error("mutation($c: ID!) { advancePhase(cycleId: $c) { id } }", c=cycle["id"])
    assert err["extensions"]["rule"] == "cycle.completed"


async def test_overlapping_cycles_and_bad_years_are_refused(api: Api) -> None:
    start = fresh_mandate_start()
    await api.open_cycle("MANDATE_PERIOD", start)
    open_ = "mutation($k: CycleKind!, $y: Int!) { openCycle(kind: $k, startYear: $y) { id } }"
    err = await api.error(open_, k="MANDATE_PERIOD", y=start + 2)
    assert (err["extensions"]["code"], err["extensions"]["rule"]) == ("CONFLICT", "cycle.overlap")
    year = fresh_year()
    await api.open_cycle("ANNUAL", year)
    err = await api.error(open_, k="ANNUAL", y=year)
    assert err["extensions"]["rule"] == "cycle.overlap"
    err = await api.error(open_, k="ANNUAL", y=1850)
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("startYear", "year.range")


async def test_annual_phases_move_forward_in_order_through_their_gates(api: Api) -> None:
    s = await Scenario(api).setup()
    cycle = s.cycle
    assert [p["kind"] for p in cycle["phases"]] == ANNUAL
    assert cycle["title"] == f"Budgetår {s.year}"
    assert [p["responsible"]["code"] for p in cycle["phases"][:3]] == ["KS", "KF", "KF"]
    assert cycle["phases"][0]["opensOn"] == f"{s.year - 1}-01-15"

    cycle = await s.to_phase("DIRECTIVE")
    # No directive adopted yet: the directive phase cannot end.
    err = await api.error("mutation($c: ID!) { advancePhase(cycleId: $c) { id } }", c=cycle["id"])
    assert (err["extensions"]["rule"], err["extensions"]["field"]) == ("phase.directive_not_adopted", "cycleId")

    await s.adopted_directive(tax_rate=None)
    cycle = await api.advance(cycle["id"])
    assert cycle["currentPhase"]["kind"] == "TAX_RATE"
    err = await api.error("mutation($c: ID!) { advancePhase(cycleId: $c) { id } }", c=cycle["id"])
    assert err["extensions"]["rule"] == "phase.tax_rate_missing"

    revision = await api.set_tax_rate(s.directive["id"], "20.38")
    assert (revision["revision"], revision["state"]) == (2, "DRAFT")
    err = await api.error("mutation($c: ID!) { advancePhase(cycleId: $c) { id } }", c=cycle["id"])
    assert err["extensions"]["rule"] == "phase.tax_rate_missing"  # a draft revision decides nothing

    await api.adopt(revision["id"], decision(s.kf, f"{s.year - 1}-11-16", "§ 160"))
    data = await api.data("query($c: ID!) { cycle(id: $c) { taxRate } }", c=cycle["id"])
    assert data["cycle"]["taxRate"] == "20.38"

    seen = [cycle["currentPhase"]["kind"]]
    while cycle["currentPhase"] is not None:
        cycle = await api.advance(cycle["id"])
        if cycle["currentPhase"]:
            seen.append(cycle["currentPhase"]["kind"])
    assert seen == ANNUAL[2:]
    assert all(p["state"] == "DONE" and p["completedOn"] for p in cycle["phases"])


async def test_phases_report_overdue(api: Api) -> None:
    future = await api.open_cycle("ANNUAL", fresh_year())
    assert not any(p["overdue"] for p in future["phases"])
    past = await api.open_cycle("ANNUAL", fresh_past_year())
    # Every phase of a long-gone budget year is past its due date, open or not started.
    assert all(p["overdue"] for p in past["phases"]) and past["currentPhase"]["overdue"] is True
    past = await api.advance(past["id"])
    assert [p["overdue"] for p in past["phases"][:2]] == [False, True]  # done is never overdue
    assert past["phases"][0]["completedOn"] is not None


async def test_phases_can_be_rescheduled_within_the_cycle(api: Api) -> None:
    year = fresh_year()
    cycle = await api.open_cycle("ANNUAL", year)
    ks = await api.org("KS")
    schedule = f"""mutation($c: ID!, $p: PhaseKind!, $o: Date, $d: Date, $r: ID) {{
        schedulePhase(cycleId: $c, phase: $p, opensOn: $o, dueOn: $d, responsibleId: $r) {{ {CYCLE_FIELDS} }} }}"""
    data = await api.data(schedule, c=cycle["id"], p="DIRECTIVE", o=None, d=None, r=ks)
    directive = data["schedulePhase"]["phases"][1]
    assert directive["responsible"]["code"] == "KS"
    assert (directive["opensOn"], directive["dueOn"]) == (f"{year - 1}-04-01", f"{year - 1}-06-30")  # kept
    data = await api.data(schedule, c=cycle["id"], p="DIRECTIVE", o=f"{year - 1}-03-15", d=f"{year - 1}-06-20", r=None)
    directive = data["schedulePhase"]["phases"][1]
    assert (directive["opensOn"], directive["dueOn"]) == (f"{year - 1}-03-15", f"{year - 1}-06-20")
    assert directive["responsible"]["code"] == "KS"  # kept

    err = await api.error(schedule, c=cycle["id"], p="DIRECTIVE", o=f"{year - 1}-07-01", d=None, r=None)
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("dueOn", "phase.dates_order")
    err = await api.error(schedule, c=cycle["id"], p="DIRECTIVE", o="2020-01-01", d=None, r=None)
    assert (err["extensions"]["field"], err["extensions"]["rule"]) == ("opensOn", "phase.dates_range")
    err = await api.error(schedule, c=cycle["id"], p="GOAL_REVIEW", o=None, d=None, r=None)
    assert err["extensions"]["rule"] == "phase.kind"
    err = await api.error(
        schedule, c=cycle["id"], p="TAX_RATE", o=None, d=None, r="00000000-0000-4000-8000-000000000009"
    )
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("NOT_FOUND", "responsibleId")


async def test_operations_outside_their_phase_are_refused_naming_the_phase(api: Api) -> None:
    s = await Scenario(api).setup()
    create = """mutation($i: DirectiveInput!) { createDirective(input: $i) { id } }"""
    err = await api.error(
        create,
        i={"cycleId": s.cycle["id"], "kind": "PLANNING_DIRECTIVE", "title": "För tidigt", "recipientIds": [s.n1]},
    )
    assert err["extensions"]["phase"] == "CONDITIONS_ANALYSIS"
    assert err["extensions"]["field"] == "input.cycleId"
    assert "createDirective" in err["message"] and "CONDITIONS_ANALYSIS" in err["message"]

    plan = "mutation($c: ID!, $o: ID!) { createOperationalPlan(cycleId: $c, organizationId: $o) { id } }"
    err = await api.error(plan, c=s.cycle["id"], o=s.n1)
    assert (err["extensions"]["rule"], err["extensions"]["phase"]) == ("cycle.phase", "CONDITIONS_ANALYSIS")
    assert "OPERATIONAL_PLANNING" in err["message"]

    await s.to_phase("DIRECTIVE")
    err = await api.error(WRITE, c=s.cycle["id"], s="BASE_FACTS", t="Basfakta")
    assert err["extensions"]["phase"] == "DIRECTIVE"

    mandate = await api.open_cycle("MANDATE_PERIOD", fresh_mandate_start())
    err = await api.error(
        create, i={"cycleId": mandate["id"], "kind": "PLANNING_DIRECTIVE", "title": "Fel cykel", "recipientIds": [s.n1]}
    )
    assert err["extensions"]["rule"] == "cycle.kind"


async def test_cycles_and_current_cycle_queries(api: Api) -> None:
    year = fresh_year()
    opened = await api.open_cycle("ANNUAL", year)
    data = await api.data(
        "query($id: ID!) { cycles(kind: ANNUAL) { id startYear } cycle(id: $id) { id title } "
        "currentCycle(kind: ANNUAL) { id startYear currentPhase { kind } } }",
        id=opened["id"],
    )
    assert {"id": opened["id"], "startYear": year} in data["cycles"]
    assert data["cycle"] == {"id": opened["id"], "title": f"Budgetår {year}"}
    # Current is the newest cycle that has begun: the demo's budget year 2027, not one planned for the 2100s.
    assert data["currentCycle"]["startYear"] == 2027 and data["currentCycle"]["currentPhase"] is not None
    err = await api.error('{ cycle(id: "not-a-uuid") { id } }')
    assert err["extensions"]["rule"] == "id.format"
