"""The projection's event handlers on the in-memory unit of work: what each goals event leaves behind.

``tests/test_followup_projection.py`` runs the same handlers on PostgreSQL.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from followup_fakes import FakeFollowupUnitOfWork

from vsm_common.contracts import goals
from vsm_common.contracts.base import EventType
from vsm_common.events import CloudEvent
from vsm_followup.consumers import goal_projection
from vsm_followup.domain.model import ProjectedGoal, ProjectedOrganization

KF = uuid.uuid4()
SN = uuid.uuid4()


def decision(day: date) -> dict[str, Any]:
    return {"bodyId": str(KF), "date": day.isoformat(), "paragraph": "§ 1", "diaryNumber": "KS 2027/1"}


async def deliver(uow: FakeFollowupUnitOfWork, type_: EventType[Any], subject: uuid.UUID, **data: Any) -> None:
    event = CloudEvent(type=type_.name, source="/vsm/goals", subject=str(subject), data=data)
    await goal_projection.handlers[type_](uow, event)


async def deliver_at(uow: FakeFollowupUnitOfWork, type_: EventType[Any], at: datetime, **data: Any) -> None:
    event = replace(CloudEvent(type=type_.name, source="/vsm/goals", subject=data["goalId"], data=data), time=at)
    await goal_projection.handlers[type_](uow, event)


def with_goal(state: str = "DRAFT") -> tuple[FakeFollowupUnitOfWork, ProjectedGoal]:
    uow = FakeFollowupUnitOfWork()
    g = ProjectedGoal(uuid.uuid4(), "CONCRETE", state, "Tryggare hemtjänst", organization_ids=(SN,))
    uow.goals.given(g)
    return uow, g


async def test_organization_registered_projects_the_organisation() -> None:
    uow = FakeFollowupUnitOfWork()
    await deliver(
        uow,
        goals.ORGANIZATION_REGISTERED,
        SN,
        organizationId=str(SN),
        code="SN",
        name="Socialnämnden",
        kind="COMMITTEE",
        parentId=str(KF),
    )
    assert uow.organizations.rows[SN] == ProjectedOrganization(SN, "SN", "Socialnämnden", "COMMITTEE", KF)


async def test_goal_created_projects_the_goal_with_its_links() -> None:
    uow = FakeFollowupUnitOfWork()
    goal_id, parent = uuid.uuid4(), uuid.uuid4()
    await deliver(
        uow,
        goals.GOAL_CREATED,
        goal_id,
        goalId=str(goal_id),
        level="CONCRETE",
        state="DRAFT",
        title="Trygghet",
        parentIds=[str(parent)],
        organizationIds=[str(SN)],
        validFrom="2027-01-01",
        validTo=None,
    )
    g = uow.goals.rows[goal_id]
    assert (g.level, g.state, g.title, g.valid_from, g.organization_ids) == (
        "CONCRETE",
        "DRAFT",
        "Trygghet",
        date(2027, 1, 1),
        (SN,),
    )
    assert [(x.parent, x.effective_from) for x in uow.goals.links if x.child == goal_id] == [(parent, None)]


async def test_goal_revised_changes_title_validity_and_organisations() -> None:
    uow, g = with_goal()
    other = uuid.uuid4()
    await deliver(
        uow,
        goals.GOAL_REVISED,
        g.id,
        goalId=str(g.id),
        revision=2,
        title="Reviderat",
        validFrom="2027-01-01",
        validTo="2028-12-31",
        organizationIds=[str(SN), str(other)],
        decision=decision(date(2027, 3, 1)),
    )
    revised = uow.goals.rows[g.id]
    assert (revised.title, revised.valid_to, revised.organization_ids) == ("Reviderat", date(2028, 12, 31), (SN, other))
    assert uow.goals.revisions[g.id] == 2


async def test_goal_adopted_dates_the_adoption_by_the_decision() -> None:
    uow, g = with_goal()
    await deliver(
        uow,
        goals.GOAL_ADOPTED,
        g.id,
        goalId=str(g.id),
        level="CONCRETE",
        revision=1,
        decision=decision(date(2027, 2, 10)),
        establishedBy=None,
    )
    assert (uow.goals.rows[g.id].state, uow.goals.rows[g.id].adopted_on) == ("ADOPTED", date(2027, 2, 10))


async def test_goal_retired_dates_the_retirement_and_a_late_adoption_does_not_undo_it() -> None:
    uow, g = with_goal("ADOPTED")
    await deliver(
        uow, goals.GOAL_RETIRED, g.id, goalId=str(g.id), decision=decision(date(2027, 6, 1)), retiredOn="2027-06-15"
    )
    await deliver(
        uow,
        goals.GOAL_ADOPTED,
        g.id,
        goalId=str(g.id),
        level="CONCRETE",
        revision=1,
        decision=decision(date(2027, 2, 10)),
        establishedBy=None,
    )
    assert (uow.goals.rows[g.id].state, uow.goals.rows[g.id].retired_on) == ("RETIRED", date(2027, 6, 15))


async def test_an_adoption_and_a_retirement_without_a_decision_date_count_from_the_municipalitys_day() -> None:
    uow, g = with_goal()
    # Older events carry no decision date: 23:30 UTC on 1 March is 2 March in Stockholm.
    late_evening = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)
    await deliver_at(uow, goals.GOAL_ADOPTED, late_evening, goalId=str(g.id), level="CONCRETE", revision=1)
    await deliver_at(uow, goals.GOAL_RETIRED, late_evening.replace(month=9), goalId=str(g.id))
    assert (uow.goals.rows[g.id].adopted_on, uow.goals.rows[g.id].retired_on) == (date(2027, 3, 2), date(2027, 9, 2))


async def test_goal_linked_adds_a_link_from_its_day_once() -> None:
    uow, g = with_goal("ADOPTED")
    parent = uuid.uuid4()
    event = CloudEvent(
        type=goals.GOAL_LINKED.name,
        source="/vsm/goals",
        subject=str(g.id),
        data={
            "goalId": str(g.id),
            "parentId": str(parent),
            "effectiveFrom": "2027-07-01",
            "decision": decision(date(2027, 5, 20)),
        },
    )
    for _ in range(2):  # a redelivery changes nothing
        await goal_projection.handlers[goals.GOAL_LINKED](uow, event)
    assert [(x.parent, x.effective_from, x.effective_to) for x in uow.goals.links] == [(parent, date(2027, 7, 1), None)]
    assert uow.goals.applied[g.id] == 2


async def test_goal_unlinked_ends_the_link_on_its_day() -> None:
    uow, g = with_goal("ADOPTED")
    parent = uuid.uuid4()
    uow.goals.link(g.id, parent)
    await deliver(
        uow,
        goals.GOAL_UNLINKED,
        g.id,
        goalId=str(g.id),
        parentId=str(parent),
        effectiveTo="2027-07-01",
        decision=decision(date(2027, 5, 20)),
    )
    assert [(x.parent, x.effective_to) for x in uow.goals.links] == [(parent, date(2027, 7, 1))]


async def test_goal_linked_v1_on_a_goal_in_force_counts_from_the_municipalitys_day() -> None:
    uow, g = with_goal("ADOPTED")
    parent = uuid.uuid4()
    # 23:30 UTC on 1 March is 00:30 on 2 March in Stockholm.
    await deliver_at(
        uow, goals.GOAL_LINKED_V1, datetime(2027, 3, 1, 23, 30, tzinfo=UTC), goalId=str(g.id), parentId=str(parent)
    )
    assert [(x.parent, x.effective_from) for x in uow.goals.links] == [(parent, date(2027, 3, 2))]


async def test_goal_unlinked_v1_on_a_draft_removes_the_link() -> None:
    uow, g = with_goal("DRAFT")
    parent = uuid.uuid4()
    uow.goals.link(g.id, parent)
    await deliver_at(
        uow, goals.GOAL_UNLINKED_V1, datetime(2027, 3, 1, 12, 0, tzinfo=UTC), goalId=str(g.id), parentId=str(parent)
    )
    assert uow.goals.links == []
