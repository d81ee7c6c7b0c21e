"""Unit tests of the planning sagas' goals side (pure domain): which goals of an adopted directive or
plan are refused and why, and that the answers match their published JSON Schemas."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from vsm_common import contracts
from vsm_common.contracts.schemas import errors
from vsm_goals.domain import rules
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
KS = Organization(uuid.uuid4(), "KS", "Kommunstyrelsen", OrganizationKind.EXECUTIVE_BOARD, KF.id)
BUN = Organization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", OrganizationKind.COMMITTEE, KF.id)
SN = Organization(uuid.uuid4(), "SN", "Socialnämnden", OrganizationKind.COMMITTEE, KF.id)
ORGS = {o.id: o for o in (KF, KS, BUN, SN)}
JUNE = date(2026, 6, 17)


def goal(level: GoalLevel, state: GoalState = GoalState.DRAFT, **kw: Any) -> Goal:
    return Goal(id=uuid.uuid4(), level=level, title=f"{level} mål", state=state, **kw)


TOP = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED, last_decision_on=date(2023, 6, 15))
DRAFT_TOP = goal(GoalLevel.OVERARCHING)
PARENTS = {g.id: g for g in (TOP, DRAFT_TOP)}


def concrete(parent: Goal = TOP, state: GoalState = GoalState.DRAFT, **kw: Any) -> Goal:
    fields: dict[str, Any] = {
        "parent_ids": (parent.id,),
        "organization_ids": (BUN.id,),
        "valid_from": date(2027, 1, 1),
        "valid_to": date(2029, 12, 31),
    }
    return goal(GoalLevel.CONCRETE, state, **(fields | kw))


def refusals(
    by: EstablishedBy, goals: list[Goal], body: Organization | None = KF, parents: dict[uuid.UUID, Goal] | None = None
) -> list[GoalRefusal]:
    return rules.establishment_refusals(
        by, [g.id for g in goals], {g.id: g for g in goals}, parents or PARENTS, ORGS, JUNE, body
    )


def rules_of(found: list[GoalRefusal]) -> list[str]:
    return [r.rule for r in found]


def test_a_directive_with_adoptable_concrete_goals_is_refused_nothing() -> None:
    assert refusals(EstablishedBy.DIRECTIVE, [concrete(), concrete(organization_ids=(BUN.id, SN.id))]) == []


def test_goals_already_in_force_are_established_already() -> None:
    # A replay, or a later revision of the directive that holds them again: nothing to adopt, nothing refused.
    adopted = concrete(state=GoalState.ADOPTED, last_decision_on=date(2026, 11, 16))
    assert refusals(EstablishedBy.DIRECTIVE, [adopted, concrete()]) == []


def test_each_goal_that_breaks_a_rule_is_refused_with_its_rule_in_order() -> None:
    ok = concrete()
    draft_parent = concrete(parent=DRAFT_TOP)
    no_parent = concrete(parent_ids=())
    no_validity = concrete(valid_to=None)
    retired = concrete(state=GoalState.RETIRED)
    found = refusals(EstablishedBy.DIRECTIVE, [ok, draft_parent, no_parent, no_validity, retired])
    assert [r.goal_id for r in found] == [draft_parent.id, no_parent.id, no_validity.id, retired.id]
    assert rules_of(found) == [
        "goal.parent_in_force",
        "goal.adoption_needs_parent",
        "goal.concrete_validity",
        "goal.state",
    ]
    assert all(r.message for r in found)
    assert "not in force" in found[0].message


def test_a_goal_the_goals_service_does_not_know_is_refused_not_waited_for() -> None:
    unknown = uuid.uuid4()
    found = rules.establishment_refusals(EstablishedBy.DIRECTIVE, [unknown], {}, PARENTS, ORGS, JUNE, KF)
    assert found == [GoalRefusal(unknown, "goal.exists", f"the goals service has no goal {unknown}")]


def test_a_directive_establishes_concrete_goals_and_a_plan_operational_ones() -> None:
    k = concrete()
    v = goal(GoalLevel.OPERATIONAL, parent_ids=(k.id,), organization_ids=(BUN.id,))
    assert rules_of(refusals(EstablishedBy.DIRECTIVE, [v])) == ["establishment.goal_level"]
    # Even a goal in force of the wrong level: a plan never establishes a konkretiserat mål.
    in_force = concrete(state=GoalState.ADOPTED)
    assert rules_of(refusals(EstablishedBy.OPERATIONAL_PLAN, [in_force], BUN)) == ["establishment.goal_level"]


def test_a_plan_establishes_its_verksamhetsmal_with_the_owners_decision() -> None:
    k_in_force = concrete(state=GoalState.ADOPTED, last_decision_on=JUNE)
    k_draft = concrete()
    parents = {k_in_force.id: k_in_force, k_draft.id: k_draft}
    v = goal(GoalLevel.OPERATIONAL, parent_ids=(k_in_force.id,), organization_ids=(BUN.id,))
    assert refusals(EstablishedBy.OPERATIONAL_PLAN, [v], BUN, parents) == []
    # Another nämnd's decision, or KF's, does not adopt BUN's verksamhetsmål.
    assert rules_of(refusals(EstablishedBy.OPERATIONAL_PLAN, [v], SN, parents)) == ["decision.body_for_level"]
    waiting = goal(GoalLevel.OPERATIONAL, parent_ids=(k_draft.id,), organization_ids=(BUN.id,))
    assert rules_of(refusals(EstablishedBy.OPERATIONAL_PLAN, [waiting], BUN, parents)) == ["goal.parent_in_force"]


def test_the_decision_must_come_from_the_body_of_the_level() -> None:
    assert rules_of(refusals(EstablishedBy.DIRECTIVE, [concrete()], KS)) == ["decision.body_for_level"]
    assert rules_of(refusals(EstablishedBy.DIRECTIVE, [concrete()], None)) == ["organization.exists"]


# ---------------------------------------------------------------- the answers' published schemas
REQUEST = EstablishmentRequest(
    by=EstablishedBy.DIRECTIVE,
    by_id=uuid.uuid4(),
    decision=Decision(KF.id, JUNE, "§ 95", "KS 2026/00123"),
    goal_ids=(uuid.uuid4(), uuid.uuid4()),
    event_id=str(uuid.uuid4()),
)


def test_the_confirmation_matches_its_schema() -> None:
    data = events.goal_establishment_confirmed(REQUEST, REQUEST.goal_ids[:1])
    assert errors(contracts.goals.GOAL_ESTABLISHMENT_CONFIRMED, data) == []
    assert data["establishedBy"] == str(REQUEST.by_id) and data["establishedByKind"] == "DIRECTIVE"
    assert data["adoptedGoalIds"] == [str(REQUEST.goal_ids[0])]
    no_event_id = EstablishmentRequest(EstablishedBy.OPERATIONAL_PLAN, uuid.uuid4(), REQUEST.decision, ())
    assert (
        errors(contracts.goals.GOAL_ESTABLISHMENT_CONFIRMED, events.goal_establishment_confirmed(no_event_id, [])) == []
    )


def test_the_refusal_matches_its_schema_and_needs_a_refused_goal() -> None:
    refused = [GoalRefusal(REQUEST.goal_ids[1], "goal.parent_in_force", "cannot adopt: ...")]
    data = events.goal_establishment_refused(REQUEST, refused)
    assert errors(contracts.goals.GOAL_ESTABLISHMENT_REFUSED, data) == []
    assert data["refusals"] == [
        {"goalId": str(REQUEST.goal_ids[1]), "rule": "goal.parent_in_force", "message": "cannot adopt: ..."}
    ]
    assert errors(contracts.goals.GOAL_ESTABLISHMENT_REFUSED, events.goal_establishment_refused(REQUEST, [])) != []
