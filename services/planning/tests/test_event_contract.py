"""The payloads planning emits match their published JSON Schemas (services/planning/events/)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from planning_fixtures import BUN, HEM, KF, SN, cycle, directive, plan

from vsm_common.contracts import EventType, planning
from vsm_common.contracts.schemas import errors
from vsm_planning.domain import cycles
from vsm_planning.domain.model import (
    AnalysisSection,
    AnalysisSectionKind,
    Assignment,
    AssignmentState,
    BudgetFrame,
    BudgetLine,
    Decision,
    DirectiveContent,
    DirectiveState,
    PhaseKind,
    PlanState,
)
from vsm_planning.service import events

DECISION = Decision(KF.id, date(2026, 6, 17), "§ 95", "KS 2026/00123")


def adopted_directive_payload() -> Any:
    d = replace(directive(), state=DirectiveState.ADOPTED, adopted=DECISION, tax_rate=Decimal("20.38"))
    content = DirectiveContent(
        recipient_ids=(BUN.id, SN.id),
        frames=tuple(BudgetFrame(o, y, Decimal("125000000.00")) for o in (BUN.id, SN.id) for y in (2027, 2028, 2029)),
        concrete_goal_ids=(uuid.uuid4(),),
        assignments=(Assignment(uuid.uuid4(), "Utred lokaler", None, (BUN.id,), date(2027, 6, 30)),),
    )
    return events.directive_adopted(d, content)


def test_directive_adopted_carries_the_contract_of_docs_events_md() -> None:
    payload = adopted_directive_payload()
    assert list(payload) == [
        "directiveId",
        "kind",
        "cycleId",
        "budgetYear",
        "revision",
        "title",
        "decision",
        "supersedes",
        "taxRate",
        "recipientIds",
        "budgetFrames",
        "concreteGoalIds",
        "assignments",
    ]
    assert payload["taxRate"] == "20.38"
    assert payload["budgetFrames"][0]["amount"] == "125000000.00"
    assert payload["decision"] == {
        "bodyId": str(KF.id),
        "date": "2026-06-17",
        "paragraph": "§ 95",
        "diaryNumber": "KS 2026/00123",
    }
    assert set(payload["assignments"][0]) == {"id", "title", "description", "recipientIds", "dueOn", "state"}
    assert errors(planning.DIRECTIVE_ADOPTED, payload) == []


def test_plan_adopted_carries_the_contract_of_docs_events_md() -> None:
    p = replace(plan(), state=PlanState.ADOPTED, adopted=Decision(BUN.id, date(2026, 11, 19), "§ 132", None))
    goal_ids = [uuid.uuid4(), uuid.uuid4()]
    payload = events.plan_adopted(p, goal_ids)
    assert list(payload) == ["planId", "organizationId", "cycleId", "years", "decision", "goalIds"]
    assert payload["years"] == [2027, 2028, 2029] and payload["goalIds"] == [str(g) for g in goal_ids]
    assert errors(planning.PLAN_ADOPTED, payload) == []


def test_schemas_refuse_floats_and_missing_fields() -> None:
    payload = adopted_directive_payload()
    floaty = {**payload, "taxRate": 20.38}
    assert errors(planning.DIRECTIVE_ADOPTED, floaty)
    frames = [{**payload["budgetFrames"][0], "amount": 125000000.0}]
    assert errors(planning.DIRECTIVE_ADOPTED, {**payload, "budgetFrames": frames})
    incomplete = {k: v for k, v in payload.items() if k != "supersedes"}
    assert errors(planning.DIRECTIVE_ADOPTED, incomplete) == ["'supersedes' is a required property"]
    assert errors(planning.DIRECTIVE_ADOPTED, {**payload, "extra": 1})
    assert errors(planning.DIRECTIVE_ADOPTED, {**payload, "directiveId": "not-a-uuid"})


def every_payload() -> list[tuple[EventType[Any], Any]]:
    c = cycle()
    _, opened, phases = cycles.advance(
        cycle(at=PhaseKind.TAX_RATE), cycles.PhaseFacts(True, Decimal("20.38")), date(2026, 11, 16)
    )
    completed = phases[2]
    d = replace(directive(revision=2), supersedes_id=uuid.uuid4(), tax_rate=Decimal("20.38"))
    adopted = replace(d, state=DirectiveState.ADOPTED, adopted=DECISION)
    a = Assignment(uuid.uuid4(), "Plan för fjärrvärme", "Beskrivning", (HEM.id,), None, AssignmentState.IN_PROGRESS)
    frames = [BudgetFrame(BUN.id, 2027, Decimal("1.00"))]
    p = plan()
    returned = replace(p, state=PlanState.RETURNED, return_reason="Saknar planår 2029")
    section = AnalysisSection(AnalysisSectionKind.BASE_FACTS, "Invånare: 105 000", 2, datetime.now(UTC))
    return [
        (planning.CYCLE_OPENED, events.cycle_opened(c)),
        (planning.PHASE_SCHEDULED, events.phase_scheduled(c, c.phases[1])),
        (planning.PHASE_ADVANCED, events.phase_advanced(c, completed, opened)),
        (planning.PHASE_ADVANCED, events.phase_advanced(c, completed, None)),
        (planning.ANALYSIS_WRITTEN, events.analysis_written(c, section)),
        (planning.DIRECTIVE_DRAFTED, events.directive_drafted(d, DirectiveContent(recipient_ids=(BUN.id,)))),
        (planning.BUDGET_FRAMES_SET, events.budget_frames_set(d, frames)),
        (planning.TAX_RATE_SET, events.tax_rate_set(d)),
        (planning.RECIPIENTS_SET, events.recipients_set(d, [BUN.id, SN.id], [HEM.id])),
        (planning.RECIPIENTS_SET, events.recipients_set(d, [BUN.id], [])),
        (planning.CONCRETE_GOALS_ADDED, events.concrete_goals_added(d, [uuid.uuid4()])),
        (planning.ASSIGNMENT_ADDED, events.assignment_added(d, a)),
        (planning.ASSIGNMENT_STATE_CHANGED, events.assignment_state_changed(adopted, a)),
        (planning.DIRECTIVE_ADOPTED, events.directive_adopted(adopted, DirectiveContent(recipient_ids=(HEM.id,)))),
        (planning.DIRECTIVE_SUPERSEDED, events.directive_superseded(directive(), adopted)),
        (planning.PLAN_CREATED, events.plan_created(p)),
        (planning.PLAN_GOALS_ADDED, events.plan_goals_added(p, [uuid.uuid4()])),
        (
            planning.PLAN_INTERNAL_BUDGET_SET,
            events.plan_internal_budget_set(p, [BudgetLine("Avgifter", 2027, Decimal("-2.50"))]),
        ),
        (planning.PLAN_SUBMITTED, events.plan_submitted(p)),
        (planning.PLAN_RETURNED, events.plan_returned(returned)),
    ]


@pytest.mark.parametrize(
    ("event_type", "payload"), every_payload(), ids=lambda v: str(v) if isinstance(v, EventType) else ""
)
def test_every_payload_matches_its_schema(event_type: EventType[Any], payload: Any) -> None:
    assert errors(event_type, payload) == []
    json.dumps(payload)  # plain JSON: no Decimal, date or UUID objects left


def test_the_payload_tests_cover_every_type() -> None:
    assert {t for t, _ in every_payload()} | {planning.PLAN_ADOPTED} == set(planning.ALL)
