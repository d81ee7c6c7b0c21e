"""Use cases of directives on the in-memory unit of work: what they store, commit and publish."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from planning_fakes import FakePlanningUnitOfWork
from planning_fixtures import BUN, HEM, KF, KS, SN, cycle, directive, goal

from vsm_common import contracts
from vsm_common.errors import TARGET, Conflict, DomainError, NotFound
from vsm_planning.domain.directives import FrameInput
from vsm_planning.domain.errors import PhaseNotAllowed
from vsm_planning.domain.model import (
    Assignment,
    AssignmentState,
    BudgetFrame,
    Decision,
    Directive,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    EstablishedBy,
    GoalEstablishment,
    GoalEstablishmentState,
    GoalLevel,
    GoalState,
    PhaseKind,
    PlanningCycle,
)
from vsm_planning.service import directives as directive_cases

P = PhaseKind
KF_JUNE = Decision(KF.id, date(2026, 6, 15), "§ 112", "KS 2026/00123")
ADOPTED_PARENT = goal(GoalLevel.OVERARCHING, state=GoalState.ADOPTED)


def frames(*orgs: uuid.UUID, amount: str = "100.00") -> tuple[BudgetFrame, ...]:
    return tuple(BudgetFrame(o, y, Decimal(amount)) for o in orgs for y in (2027, 2028, 2029))


def unit(at: PhaseKind = P.DIRECTIVE) -> tuple[FakePlanningUnitOfWork, PlanningCycle]:
    uow = FakePlanningUnitOfWork()
    uow.known_organizations.given(KF, KS, BUN, SN, HEM)
    uow.known_goals.given(ADOPTED_PARENT)
    c = cycle(at=at)
    uow.cycles.given(c)
    return uow, c


def given_directive(
    uow: FakePlanningUnitOfWork,
    c: PlanningCycle,
    state: DirectiveState = DirectiveState.DRAFT,
    content: DirectiveContent | None = None,
) -> Directive:
    d = replace(directive(state=state), cycle_id=c.id)
    if state is DirectiveState.ADOPTED:
        d = replace(d, adopted=KF_JUNE)
    uow.directives.given(d, content or DirectiveContent(recipient_ids=(BUN.id, SN.id)))
    return d


async def test_creating_a_directive_stores_the_draft_and_its_recipients() -> None:
    uow, c = unit()
    d = await directive_cases.create_directive(
        uow, c.id, DirectiveKind.PLANNING_DIRECTIVE, " Planeringsdirektiv 2027 ", [BUN.id, SN.id, BUN.id]
    )
    assert uow.committed and uow.directives.directives[d.id] == d
    assert (d.title, d.state, d.revision, d.budget_year) == ("Planeringsdirektiv 2027", DirectiveState.DRAFT, 1, 2027)
    assert uow.directive_content.content[d.id].recipient_ids == (BUN.id, SN.id)
    [event] = uow.published
    assert event.type == contracts.planning.DIRECTIVE_DRAFTED.name
    assert event.data["recipientIds"] == [str(BUN.id), str(SN.id)]


async def test_a_second_directive_of_a_kind_in_a_cycle_is_refused() -> None:
    uow, c = unit()
    existing = given_directive(uow, c)
    with pytest.raises(Conflict) as info:
        await directive_cases.create_directive(uow, c.id, DirectiveKind.PLANNING_DIRECTIVE, "Igen", [BUN.id])
    assert (info.value.rule, info.value.key) == ("directive.exists", "kind")
    assert str(existing.id) in str(info.value) and uow.rolled_back and uow.published == []


async def test_frames_of_a_draft_are_set_in_place() -> None:
    uow, c = unit()
    d = given_directive(uow, c)
    target = await directive_cases.set_budget_frames(uow, d.id, [FrameInput(BUN.id, 2027, Decimal("125000000.00"))])
    assert target == d and uow.committed
    assert uow.directive_content.content[d.id].frames == (BudgetFrame(BUN.id, 2027, Decimal("125000000.00")),)
    [event] = uow.published
    assert event.type == contracts.planning.BUDGET_FRAMES_SET.name


async def test_changing_an_adopted_directive_makes_its_next_revision() -> None:
    uow, c = unit(P.TAX_RATE)
    d = given_directive(uow, c, DirectiveState.ADOPTED, DirectiveContent((BUN.id, SN.id), frames(BUN.id, SN.id)))
    target = await directive_cases.set_budget_frames(uow, d.id, [FrameInput(SN.id, 2027, Decimal("7.00"))])
    assert (target.revision, target.state, target.supersedes_id) == (2, DirectiveState.DRAFT, d.id)
    assert uow.directives.directives[d.id] == d  # the adopted revision stays as it was
    assert BudgetFrame(SN.id, 2027, Decimal("7.00")) in uow.directive_content.content[target.id].frames
    assert uow.types() == [contracts.planning.DIRECTIVE_DRAFTED.name, contracts.planning.BUDGET_FRAMES_SET.name]


async def test_a_frame_for_an_organisation_that_is_not_a_recipient_is_refused() -> None:
    uow, c = unit()
    d = given_directive(uow, c)
    with pytest.raises(DomainError) as info:
        await directive_cases.set_budget_frames(uow, d.id, [FrameInput(HEM.id, 2027, Decimal("1.00"))])
    assert (info.value.rule, info.value.key) == ("directive.frame_recipient", "frames.0.organization_id")
    assert uow.directive_content.content[d.id].frames == () and uow.published == []


async def test_new_recipients_drop_the_frames_of_those_removed() -> None:
    uow, c = unit()
    d = given_directive(uow, c, content=DirectiveContent((BUN.id, SN.id), frames(BUN.id, SN.id)))
    await directive_cases.set_directive_recipients(uow, d.id, [SN.id])
    content = uow.directive_content.content[d.id]
    assert content.recipient_ids == (SN.id,) and {f.organization_id for f in content.frames} == {SN.id}
    [event] = uow.published
    assert event.type == contracts.planning.RECIPIENTS_SET.name and event.data["removedRecipientIds"] == [str(BUN.id)]


async def test_a_planeringsdirektiv_goes_to_nämnder_not_bolag() -> None:
    uow, c = unit()
    d = given_directive(uow, c)
    with pytest.raises(DomainError) as info:
        await directive_cases.set_directive_recipients(uow, d.id, [HEM.id])
    assert (info.value.rule, info.value.key) == ("directive.recipient_kind", "recipient_ids")
    assert uow.directive_content.content[d.id].recipient_ids == (BUN.id, SN.id) and uow.rolled_back


async def test_the_tax_rate_is_set_on_the_planeringsdirektiv() -> None:
    uow, c = unit()
    d = given_directive(uow, c)
    target = await directive_cases.set_tax_rate(uow, d.id, Decimal("20.38"))
    assert uow.directives.directives[d.id].tax_rate == Decimal("20.38") == target.tax_rate
    [event] = uow.published
    assert event.type == contracts.planning.TAX_RATE_SET.name and event.data["taxRate"] == "20.38"


async def test_an_ägardirektiv_has_no_tax_rate() -> None:
    uow, c = unit()
    d = replace(given_directive(uow, c), kind=DirectiveKind.OWNER_DIRECTIVE)
    uow.directives.given(d)
    with pytest.raises(DomainError) as info:
        await directive_cases.set_tax_rate(uow, d.id, Decimal("20.38"))
    assert info.value.rule == "directive.tax_rate_kind"
    assert uow.directives.directives[d.id].tax_rate is None and uow.published == []


async def test_concrete_goals_directed_to_a_recipient_are_added_once() -> None:
    uow, c = unit()
    d = given_directive(uow, c)
    concrete = goal(GoalLevel.CONCRETE, BUN, parents=(ADOPTED_PARENT.id,))
    uow.known_goals.given(concrete)
    await directive_cases.add_concrete_goals(uow, d.id, [concrete.id, concrete.id])
    await directive_cases.add_concrete_goals(uow, d.id, [concrete.id])
    assert uow.directive_content.content[d.id].concrete_goal_ids == (concrete.id,)
    [event] = uow.published
    assert event.type == contracts.planning.CONCRETE_GOALS_ADDED.name and event.data["concreteGoalIds"] == [
        str(concrete.id)
    ]


async def test_a_directive_holds_only_konkretiserade_mål() -> None:
    uow, c = unit()
    d = given_directive(uow, c)
    operational = goal(GoalLevel.OPERATIONAL, BUN)
    uow.known_goals.given(operational)
    with pytest.raises(DomainError) as info:
        await directive_cases.add_concrete_goals(uow, d.id, [operational.id])
    assert (info.value.rule, info.value.key) == ("directive.goal_level", "goal_ids")
    assert uow.directive_content.content[d.id].concrete_goal_ids == ()


async def test_an_assignment_goes_to_recipients_of_the_directive() -> None:
    uow, c = unit()
    d = given_directive(uow, c)
    await directive_cases.add_assignment(uow, d.id, " Utred lokaler ", "Förskolor", [SN.id], date(2027, 6, 30))
    [a] = uow.directive_content.content[d.id].assignments
    assert (a.title, a.recipient_ids, a.state) == ("Utred lokaler", (SN.id,), AssignmentState.NOT_STARTED)
    [event] = uow.published
    assert event.type == contracts.planning.ASSIGNMENT_ADDED.name


async def test_an_assignment_to_an_organisation_outside_the_directive_is_refused() -> None:
    uow, c = unit()
    d = given_directive(uow, c)
    with pytest.raises(DomainError) as info:
        await directive_cases.add_assignment(uow, d.id, "Utred", None, [HEM.id], None)
    assert info.value.rule == "assignment.recipient"
    assert uow.directive_content.content[d.id].assignments == () and uow.published == []


def with_assignment(
    uow: FakePlanningUnitOfWork, c: PlanningCycle, state: DirectiveState
) -> tuple[Directive, uuid.UUID]:
    a = Assignment(uuid.uuid4(), "Utred lokaler", None, (BUN.id,), None)
    return given_directive(uow, c, state, DirectiveContent((BUN.id,), assignments=(a,))), a.id


async def test_an_assignment_of_the_directive_in_force_progresses() -> None:
    uow, c = unit(P.OPERATIONAL_PLANNING)
    d, assignment_id = with_assignment(uow, c, DirectiveState.ADOPTED)
    changed = await directive_cases.set_assignment_state(uow, assignment_id, AssignmentState.IN_PROGRESS)
    assert changed.state is AssignmentState.IN_PROGRESS
    assert uow.directive_content.content[d.id].assignments[0].state is AssignmentState.IN_PROGRESS
    [event] = uow.published
    assert event.type == contracts.planning.ASSIGNMENT_STATE_CHANGED.name and event.subject == str(d.id)


async def test_an_assignment_of_a_draft_does_not_progress() -> None:
    uow, c = unit()
    d, assignment_id = with_assignment(uow, c, DirectiveState.DRAFT)
    with pytest.raises(Conflict) as info:
        await directive_cases.set_assignment_state(uow, assignment_id, AssignmentState.DONE)
    assert info.value.rule == "assignment.not_in_force"
    assert uow.directive_content.content[d.id].assignments[0].state is AssignmentState.NOT_STARTED


def complete(uow: FakePlanningUnitOfWork, c: PlanningCycle, *goal_ids: uuid.UUID) -> Directive:
    return given_directive(uow, c, content=DirectiveContent((BUN.id,), frames(BUN.id), goal_ids))


async def test_adopting_a_directive_asks_the_goals_service_for_its_goals() -> None:
    uow, c = unit()
    concrete = goal(GoalLevel.CONCRETE, BUN, parents=(ADOPTED_PARENT.id,))
    concrete = replace(concrete, valid_from=date(2027, 1, 1), valid_to=date(2029, 12, 31))
    uow.known_goals.given(concrete)
    d = complete(uow, c, concrete.id)
    adopted = await directive_cases.adopt_directive(uow, d.id, KF_JUNE)
    assert uow.directives.directives[d.id] == adopted and adopted.state is DirectiveState.ADOPTED
    assert uow.establishments.answers[d.id].state is GoalEstablishmentState.PENDING
    [event] = uow.published
    assert event.type == contracts.planning.DIRECTIVE_ADOPTED.name
    assert event.data["concreteGoalIds"] == [str(concrete.id)]
    # The same decision again changes nothing (a client may retry).
    assert await directive_cases.adopt_directive(uow, d.id, KF_JUNE) == adopted and len(uow.published) == 1


async def test_a_revision_waits_for_the_goals_services_answer_to_the_one_it_replaces() -> None:
    uow, c = unit(P.TAX_RATE)
    first = given_directive(uow, c, DirectiveState.ADOPTED, DirectiveContent((BUN.id,), frames(BUN.id)))
    uow.establishments.given(GoalEstablishment(first.id, EstablishedBy.DIRECTIVE, GoalEstablishmentState.PENDING))
    revision = await directive_cases.set_budget_frames(uow, first.id, [FrameInput(BUN.id, 2027, Decimal("5.00"))])
    published = len(uow.published)
    with pytest.raises(Conflict) as info:
        await directive_cases.adopt_directive(uow, revision.id, replace(KF_JUNE, date=date(2026, 11, 20)))
    assert info.value.rule == "directive.goals_pending"
    assert uow.directives.directives[first.id].state is DirectiveState.ADOPTED
    assert uow.directives.directives[revision.id].state is DirectiveState.DRAFT and len(uow.published) == published


async def test_a_directive_is_adopted_by_kf_only() -> None:
    uow, c = unit()
    d = complete(uow, c)
    with pytest.raises(DomainError) as info:
        await directive_cases.adopt_directive(uow, d.id, replace(KF_JUNE, body_id=KS.id))
    assert (info.value.rule, info.value.key) == ("directive.decision_body", "decision.body_id")
    assert uow.directives.directives[d.id].state is DirectiveState.DRAFT and uow.establishments.answers == {}


async def test_a_directive_changes_only_in_the_phases_that_allow_it() -> None:
    uow, c = unit(P.OPERATIONAL_PLANNING)
    d = given_directive(uow, c)
    with pytest.raises(PhaseNotAllowed) as info:
        await directive_cases.set_budget_frames(uow, d.id, [FrameInput(BUN.id, 2027, Decimal("1.00"))])
    assert (info.value.phase, info.value.key) == ("OPERATIONAL_PLANNING", TARGET)


async def test_an_unknown_directive_is_not_found() -> None:
    uow, _ = unit()
    with pytest.raises(NotFound) as info:
        await directive_cases.adopt_directive(uow, uuid.uuid4(), KF_JUNE)
    assert (info.value.rule, info.value.key) == ("directive.exists", TARGET)


async def test_whether_its_goals_can_be_adopted_is_left_to_the_goals_service() -> None:
    uow, c = unit()
    draft_top = goal(GoalLevel.OVERARCHING)
    concrete = goal(GoalLevel.CONCRETE, BUN, parents=(draft_top.id,))  # serves a draft, has no validity
    uow.known_goals.given(draft_top, concrete)
    d = complete(uow, c, concrete.id)
    adopted = await directive_cases.adopt_directive(uow, d.id, KF_JUNE)
    assert adopted.state is DirectiveState.ADOPTED and uow.committed
    assert uow.establishments.answers[d.id].state is GoalEstablishmentState.PENDING
    assert uow.types() == [contracts.planning.DIRECTIVE_ADOPTED.name]
