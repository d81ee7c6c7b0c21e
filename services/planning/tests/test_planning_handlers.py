"""Planning's handlers of the goals service's events on the in-memory unit of work: the projection of
organisations and goals, and the answers to adopted directives and plans (the sagas)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from planning_fakes import FakePlanningUnitOfWork
from planning_fixtures import BUN, KF

from vsm_common.contracts import goals
from vsm_common.contracts.base import EventType
from vsm_common.events import CloudEvent
from vsm_planning.consumers import goal_projection
from vsm_planning.domain.model import (
    EstablishedBy,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalLevel,
    GoalLink,
    GoalRefusal,
    GoalState,
    KnownGoal,
    OrganizationKind,
)

GOAL, PARENT = uuid.uuid4(), uuid.uuid4()
DECISION = {"bodyId": str(KF.id), "date": "2027-06-15", "paragraph": "§ 1", "diaryNumber": None}
# 23:30 UTC on 14 June is already 15 June in Stockholm: the municipality's day.
LATE_EVENING = datetime(2027, 6, 14, 23, 30, tzinfo=UTC)


async def handle(uow: FakePlanningUnitOfWork, type_: EventType[Any], data: dict[str, Any], **kw: Any) -> None:
    event = CloudEvent(type=type_.name, source="/vsm/goals", subject=data.get("goalId", "x"), data=data, **kw)
    async with uow:
        await goal_projection.handlers[type_](uow, event)


def known(uow: FakePlanningUnitOfWork, state: GoalState = GoalState.DRAFT) -> FakePlanningUnitOfWork:
    uow.known_goals.given(KnownGoal(GOAL, GoalLevel.CONCRETE, state, "Läsförmåga", (BUN.id,)))
    return uow


async def test_a_registered_organisation_becomes_known() -> None:
    uow = FakePlanningUnitOfWork()
    data = {"organizationId": str(BUN.id), "code": "BUN", "name": BUN.name, "kind": "COMMITTEE", "parentId": None}
    await handle(uow, goals.ORGANIZATION_REGISTERED, data)
    org = uow.known_organizations.organizations[BUN.id]
    assert (org.code, org.kind, org.parent_id) == ("BUN", OrganizationKind.COMMITTEE, None) and uow.committed


async def test_a_created_goal_is_projected_with_its_content_state_and_links() -> None:
    uow = FakePlanningUnitOfWork()
    data = {
        "goalId": str(GOAL),
        "level": "CONCRETE",
        "title": "Läsförmåga",
        "validFrom": "2027-01-01",
        "validTo": "2029-12-31",
        "organizationIds": [str(BUN.id)],
        "parentIds": [str(PARENT)],
        "state": "DRAFT",
    }
    await handle(uow, goals.GOAL_CREATED, data)
    g = (await uow.known_goals.by_ids([GOAL]))[GOAL]
    assert (g.level, g.state, g.title, g.valid_to) == (
        GoalLevel.CONCRETE,
        GoalState.DRAFT,
        "Läsförmåga",
        date(2029, 12, 31),
    )
    assert (g.organization_ids, g.parent_ids) == ((BUN.id,), (PARENT,))


async def test_a_revision_replaces_the_content_but_an_older_one_does_not() -> None:
    uow = known(FakePlanningUnitOfWork())
    base = {"goalId": str(GOAL), "validFrom": None, "validTo": None, "organizationIds": [str(BUN.id)]}
    await handle(uow, goals.GOAL_REVISED, {**base, "revision": 3, "title": "Läsförmåga i åk 3"})
    await handle(uow, goals.GOAL_REVISED, {**base, "revision": 2, "title": "Äldre"})
    assert uow.known_goals.goals[GOAL].title == "Läsförmåga i åk 3"


async def test_an_adopted_goal_is_in_force_from_its_decision() -> None:
    uow = known(FakePlanningUnitOfWork())
    await handle(uow, goals.GOAL_ADOPTED, {"goalId": str(GOAL), "level": "CONCRETE", "decision": DECISION})
    g = uow.known_goals.goals[GOAL]
    assert (g.state, g.adopted_on) == (GoalState.ADOPTED, date(2027, 6, 15))


async def test_a_retired_goal_is_never_lowered_by_a_late_adoption() -> None:
    uow = known(FakePlanningUnitOfWork(), GoalState.ADOPTED)
    await handle(uow, goals.GOAL_RETIRED, {"goalId": str(GOAL), "retiredOn": "2028-01-01", "decision": DECISION})
    await handle(uow, goals.GOAL_ADOPTED, {"goalId": str(GOAL), "decision": DECISION})
    g = uow.known_goals.goals[GOAL]
    assert (g.state, g.retired_on) == (GoalState.RETIRED, date(2028, 1, 1))


async def test_a_link_takes_effect_on_its_own_date() -> None:
    uow = known(FakePlanningUnitOfWork())
    link = {"goalId": str(GOAL), "parentId": str(PARENT), "effectiveFrom": "2027-07-01"}
    await handle(uow, goals.GOAL_LINKED, link)
    assert uow.known_goals.links == [GoalLink(GOAL, PARENT, date(2027, 7, 1))]


async def test_an_unlinked_goal_ends_the_link_on_its_date() -> None:
    uow = known(FakePlanningUnitOfWork())
    uow.known_goals.links.append(GoalLink(GOAL, PARENT, date(2027, 1, 1)))
    await handle(uow, goals.GOAL_UNLINKED, {"goalId": str(GOAL), "parentId": str(PARENT), "effectiveTo": "2027-09-01"})
    assert uow.known_goals.links == [GoalLink(GOAL, PARENT, date(2027, 1, 1), date(2027, 9, 1))]


async def test_a_v1_link_of_a_goal_in_force_took_effect_on_the_municipalitys_day_it_was_recorded() -> None:
    uow = known(FakePlanningUnitOfWork(), GoalState.ADOPTED)
    await handle(uow, goals.GOAL_LINKED_V1, {"goalId": str(GOAL), "parentId": str(PARENT)}, time=LATE_EVENING)
    assert uow.known_goals.links == [GoalLink(GOAL, PARENT, date(2027, 6, 15))]


async def test_a_v1_unlink_of_a_draft_removes_the_link() -> None:
    uow = known(FakePlanningUnitOfWork())
    uow.known_goals.links.append(GoalLink(GOAL, PARENT))
    await handle(uow, goals.GOAL_UNLINKED_V1, {"goalId": str(GOAL), "parentId": str(PARENT)}, time=LATE_EVENING)
    assert uow.known_goals.links == []


def answer(subject: uuid.UUID, **data: Any) -> dict[str, Any]:
    return {"establishedBy": str(subject), "establishedByKind": "DIRECTIVE", "decision": DECISION, **data}


async def test_a_confirmation_establishes_the_goals_and_projects_them_adopted() -> None:
    uow = known(FakePlanningUnitOfWork())
    subject = uuid.uuid4()
    uow.establishments.given(GoalEstablishment(subject, EstablishedBy.DIRECTIVE, GoalEstablishmentState.PENDING))
    data = answer(subject, goalIds=[str(GOAL)], adoptedGoalIds=[str(GOAL)])
    await handle(uow, goals.GOAL_ESTABLISHMENT_CONFIRMED, data)
    assert uow.establishments.answers[subject].state is GoalEstablishmentState.ESTABLISHED
    g = uow.known_goals.goals[GOAL]
    assert (g.state, g.adopted_on) == (GoalState.ADOPTED, date(2027, 6, 15))


async def test_a_refusal_records_each_goal_with_its_rule() -> None:
    uow = known(FakePlanningUnitOfWork())
    subject = uuid.uuid4()
    refusal = {"goalId": str(GOAL), "rule": "goal.parent_in_force", "message": "serves a draft"}
    await handle(uow, goals.GOAL_ESTABLISHMENT_REFUSED, answer(subject, goalIds=[str(GOAL)], refusals=[refusal]))
    found = uow.establishments.answers[subject]
    assert (found.state, found.kind) == (GoalEstablishmentState.REFUSED, EstablishedBy.DIRECTIVE)
    assert found.refusals == (GoalRefusal(GOAL, "goal.parent_in_force", "serves a draft"),)
    assert uow.known_goals.goals[GOAL].state is GoalState.DRAFT
