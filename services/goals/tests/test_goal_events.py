"""Every payload the goals service emits matches the published JSON Schema of its event type."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest

from vsm_common.contracts import EventType, goals
from vsm_common.contracts.schemas import errors
from vsm_goals.domain.model import (
    Decision,
    EstablishedBy,
    EstablishmentRequest,
    Goal,
    GoalLevel,
    GoalRefusal,
    GoalState,
    Organization,
    OrganizationKind,
)
from vsm_goals.service import events

KF = Organization(uuid.uuid4(), "KF", "Kommunfullmäktige", OrganizationKind.COUNCIL)
BUN = Organization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", OrganizationKind.COMMITTEE, KF.id)
DECISION = Decision(KF.id, date(2026, 6, 17), "§ 95", "KS 2026/00123")
BARE_DECISION = Decision(KF.id, date(2026, 6, 17))
# The goals service publishes these no more; no builder makes them (they are read, not written).
NOT_EMITTED = {goals.GOAL_LINKED_V1, goals.GOAL_UNLINKED_V1}


def every_payload() -> list[tuple[EventType[Any], Any]]:
    top = Goal(uuid.uuid4(), GoalLevel.OVERARCHING, "Hemstaden", GoalState.ADOPTED, adopted=DECISION)
    draft = Goal(
        uuid.uuid4(),
        GoalLevel.CONCRETE,
        "Fler barn läser",
        GoalState.DRAFT,
        valid_from=date(2027, 1, 1),
        valid_to=date(2027, 12, 31),
        parent_ids=(top.id,),
        organization_ids=(BUN.id,),
    )
    established = Goal(
        uuid.uuid4(), GoalLevel.OPERATIONAL, "Läsprojekt", GoalState.ADOPTED, revision=2, established_by=uuid.uuid4()
    )
    request = EstablishmentRequest(EstablishedBy.DIRECTIVE, uuid.uuid4(), DECISION, (draft.id,), str(uuid.uuid4()))
    refusal = GoalRefusal(draft.id, "goal.parent_in_force", "the parent goal is not in force")
    return [
        (goals.ORGANIZATION_REGISTERED, events.organization_registered(KF)),
        (goals.ORGANIZATION_REGISTERED, events.organization_registered(BUN)),
        (goals.GOAL_CREATED, events.goal_created(draft)),
        (goals.GOAL_CREATED, events.goal_created(Goal(uuid.uuid4(), GoalLevel.OVERARCHING, "Vision", GoalState.DRAFT))),
        (goals.GOAL_REVISED, events.goal_revised(draft, None)),
        (goals.GOAL_REVISED, events.goal_revised(top, BARE_DECISION)),
        (goals.GOAL_ADOPTED, events.goal_adopted(top, DECISION)),
        (goals.GOAL_ADOPTED, events.goal_adopted(established, BARE_DECISION)),
        (goals.GOAL_RETIRED, events.goal_retired(top, DECISION)),
        (goals.GOAL_LINKED, events.goal_linked(draft.id, top.id, None, None)),
        (goals.GOAL_LINKED, events.goal_linked(draft.id, top.id, date(2027, 1, 1), DECISION)),
        (goals.GOAL_UNLINKED, events.goal_unlinked(draft.id, top.id, None, None)),
        (goals.GOAL_UNLINKED, events.goal_unlinked(draft.id, top.id, date(2027, 1, 1), DECISION)),
        (goals.EMPLOYEE_GOALS_LINKED, events.employee_goals_linked(str(draft.id), [str(uuid.uuid4())], [str(BUN.id)])),
        (goals.EMPLOYEE_GOALS_REMOVED, events.employee_goals_removed(str(draft.id), [str(uuid.uuid4())], "disposal")),
        (goals.GOAL_ESTABLISHMENT_CONFIRMED, events.goal_establishment_confirmed(request, [draft.id])),
        (goals.GOAL_ESTABLISHMENT_REFUSED, events.goal_establishment_refused(request, [refusal])),
    ]


@pytest.mark.parametrize(
    ("event_type", "payload"), every_payload(), ids=lambda v: str(v) if isinstance(v, EventType) else ""
)
def test_every_payload_matches_its_schema(event_type: EventType[Any], payload: Any) -> None:
    assert errors(event_type, payload) == []
    json.dumps(payload)  # plain JSON: no date or UUID objects left


def test_the_payload_tests_cover_every_type_the_service_emits() -> None:
    assert {t for t, _ in every_payload()} | NOT_EMITTED == set(goals.ALL)
