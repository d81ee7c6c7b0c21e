"""Use cases of goals (mål) on the in-memory unit of work: one happy path and one refusal each.

The rules' edge cases are the domain tests' (test_rules, test_adoption_rules, test_link_rules,
test_establishment); these check what a use case does with them: what it stores, that it commits,
and which events it publishes (each payload held to its JSON Schema by the unit of work).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from goals_fakes import BUN, HEMSTADEN, KF, KF_2023, SN, goal, municipality

from vsm_common import contracts
from vsm_common.errors import TARGET, Conflict, DomainError, NotFound
from vsm_common.testing import FIXED_TODAY
from vsm_goals.domain.model import Decision, EstablishedBy, EstablishmentRequest, GoalLevel, GoalState
from vsm_goals.service import goals as cases

G = contracts.goals
KF_2026 = Decision(KF.id, date(2026, 3, 12), "§ 40", "KS 2026/00040")
BUN_2026 = Decision(BUN.id, date(2026, 2, 20), "§ 12", "BUN 2026/00012")


# ---------------------------------------------------------------- create
async def test_create_goal_stores_a_draft_with_its_links_and_announces_it() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    uow.goals.given(top)

    created = await cases.create_goal(
        uow,
        cases.NewGoal(
            level=GoalLevel.ACTION_PROGRAMME, title="  Handlingsprogram för trygghet ", parent_ids=[top.id, top.id]
        ),
    )

    assert created.state is GoalState.DRAFT and created.title == "Handlingsprogram för trygghet"
    assert (await uow.goals.lock(created.id)).parent_ids == (top.id,)  # type: ignore[union-attr]
    assert uow.committed
    [event] = uow.published
    assert event.type == G.GOAL_CREATED.name
    assert event.data["parentIds"] == [str(top.id)] and event.data["state"] == "DRAFT"


async def test_create_goal_refuses_an_unknown_theme_and_stores_nothing() -> None:
    uow = municipality()

    with pytest.raises(NotFound) as refused:
        await cases.create_goal(
            uow,
            cases.NewGoal(level=GoalLevel.OVERARCHING, title="Trygg kommun", theme_ids=[HEMSTADEN.id, uuid.uuid4()]),
        )

    assert refused.value.rule == "theme.exists" and refused.value.key == "theme_ids"
    assert uow.goals.rows == {} and uow.rolled_back and not uow.published


# ---------------------------------------------------------------- link and unlink
async def test_link_goals_on_a_goal_in_force_is_a_decision_of_its_own() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    programme = goal(GoalLevel.ACTION_PROGRAMME, GoalState.ADOPTED)
    uow.goals.given(top, programme)

    await cases.link_goals(uow, programme.id, top.id, KF_2026, effective_from=date(2026, 4, 1))

    [link] = uow.links.rows
    assert (link.child_id, link.parent_id, link.effective_from) == (programme.id, top.id, date(2026, 4, 1))
    assert uow.decisions.rows[link.decision_id] == KF_2026  # type: ignore[index]
    [event] = uow.published
    assert event.type == G.GOAL_LINKED.name
    assert event.data["effectiveFrom"] == "2026-04-01" and event.data["decision"]["paragraph"] == "§ 40"


async def test_link_goals_refuses_a_parent_of_the_wrong_level() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    concrete = goal(GoalLevel.CONCRETE, parent_ids=(top.id,), organization_ids=(BUN.id,))
    operational = goal(GoalLevel.OPERATIONAL, parent_ids=(concrete.id,), organization_ids=(BUN.id,))
    uow.goals.given(top, concrete, operational)

    with pytest.raises(DomainError) as refused:
        await cases.link_goals(uow, concrete.id, operational.id)

    assert (refused.value.rule, refused.value.key) == ("goal.parent_level", "parent_ids")
    assert len(uow.links.rows) == 2 and not uow.published


async def test_unlink_goals_removes_a_drafts_link() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    programme = goal(GoalLevel.ACTION_PROGRAMME, parent_ids=(top.id,))
    uow.goals.given(top, programme)

    await cases.unlink_goals(uow, programme.id, top.id)

    assert uow.links.rows == [] and uow.committed
    [event] = uow.published
    assert event.type == G.GOAL_UNLINKED.name and event.data["parentId"] == str(top.id)


async def test_unlink_goals_refuses_goals_that_are_not_linked() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    programme = goal(GoalLevel.ACTION_PROGRAMME)
    uow.goals.given(top, programme)

    with pytest.raises(NotFound) as refused:
        await cases.unlink_goals(uow, programme.id, top.id)

    assert refused.value.rule == "goal.link_exists" and not uow.published


# ---------------------------------------------------------------- revise
async def test_revise_goal_gives_an_adopted_goal_a_numbered_revision() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    uow.goals.given(top)

    revised = await cases.revise_goal(uow, top.id, cases.Revision(title="Ny rubrik", decision=KF_2026))

    assert revised.revision == 2
    stored = uow.goals.rows[top.id]
    assert (stored.title, stored.revision, stored.last_decision_on) == ("Ny rubrik", 2, KF_2026.date)
    [(number, title, decision_id, effective_on)] = uow.goals.revisions[top.id]
    assert (number, title, effective_on) == (2, "Ny rubrik", KF_2026.date)
    assert uow.decisions.rows[decision_id] == KF_2026  # type: ignore[index]
    [event] = uow.published
    assert event.type == G.GOAL_REVISED.name and event.data["revision"] == 2


async def test_revise_goal_refuses_to_edit_an_adopted_goal_without_a_decision() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    uow.goals.given(top)

    with pytest.raises(DomainError) as refused:
        await cases.revise_goal(uow, top.id, cases.Revision(title="Ny rubrik"))

    assert refused.value.rule == "goal.revision_needs_decision"
    assert uow.goals.rows[top.id] == top and not uow.published


# ---------------------------------------------------------------- adopt and retire
async def test_adopt_goal_puts_a_draft_in_force_by_the_decision() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    programme = goal(GoalLevel.ACTION_PROGRAMME, parent_ids=(top.id,))
    uow.goals.given(top, programme)

    adopted = await cases.adopt_goal(uow, programme.id, KF_2026)

    assert adopted.state is GoalState.ADOPTED
    stored = uow.goals.rows[programme.id]
    assert (stored.state, stored.adopted, stored.last_decision_on) == (GoalState.ADOPTED, KF_2026, KF_2026.date)
    [event] = uow.published
    assert event.type == G.GOAL_ADOPTED.name and event.data["decision"]["date"] == "2026-03-12"


async def test_adopt_goal_refuses_a_decision_by_the_wrong_body() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    programme = goal(GoalLevel.ACTION_PROGRAMME, parent_ids=(top.id,))
    uow.goals.given(top, programme)

    with pytest.raises(DomainError) as refused:
        await cases.adopt_goal(uow, programme.id, BUN_2026)

    assert refused.value.rule == "decision.body_for_level" and refused.value.key == "decision.body_id"
    assert uow.goals.rows[programme.id].state is GoalState.DRAFT
    assert uow.decisions.rows == {} and not uow.published


async def test_retire_goal_ends_an_adopted_goal() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    uow.goals.given(top)

    retired = await cases.retire_goal(uow, top.id, KF_2026)

    assert retired.state is GoalState.RETIRED
    assert retired.retired == KF_2026  # what retireGoal answers as Goal.retired
    assert uow.goals.rows[top.id].retired == KF_2026
    [event] = uow.published
    assert event.type == G.GOAL_RETIRED.name and event.data["retiredOn"] == "2026-03-12"


async def test_retire_goal_refuses_a_draft() -> None:
    uow = municipality()
    draft = goal(GoalLevel.OVERARCHING)
    uow.goals.given(draft)

    with pytest.raises(DomainError) as refused:
        await cases.retire_goal(uow, draft.id, KF_2026)

    assert refused.value.rule == "goal.state" and not uow.published


async def test_a_goal_operated_on_must_exist() -> None:
    uow = municipality()

    with pytest.raises(NotFound) as refused:
        await cases.adopt_goal(uow, uuid.uuid4(), KF_2026)

    assert refused.value.rule == "goal.exists" and refused.value.key == TARGET


# ---------------------------------------------------------------- the planning sagas
def _directive(*goal_ids: uuid.UUID) -> EstablishmentRequest:
    return EstablishmentRequest(EstablishedBy.DIRECTIVE, uuid.uuid4(), KF_2026, goal_ids, event_id="ev-1")


async def test_establish_goals_adopts_every_draft_and_confirms() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    valid = {"valid_from": date(2027, 1, 1), "valid_to": date(2028, 12, 31)}
    one = goal(GoalLevel.CONCRETE, parent_ids=(top.id,), organization_ids=(BUN.id,), **valid)
    two = goal(GoalLevel.CONCRETE, parent_ids=(top.id,), organization_ids=(SN.id,), **valid)
    uow.goals.given(top, one, two)
    request = _directive(one.id, two.id, one.id)

    refusals = await cases.establish_goals(uow, request)

    assert refusals == []
    for g in (one, two):
        assert uow.goals.rows[g.id].state is GoalState.ADOPTED
        assert uow.goals.rows[g.id].established_by == request.by_id
    assert uow.published_types() == [G.GOAL_ADOPTED.name, G.GOAL_ADOPTED.name, G.GOAL_ESTABLISHMENT_CONFIRMED.name]
    confirmed = uow.published[-1]
    assert confirmed.subject == str(request.by_id)
    assert confirmed.data["adoptedGoalIds"] == [str(one.id), str(two.id)]
    assert confirmed.data["adoptionEventId"] == "ev-1"


async def test_establish_goals_refuses_all_when_one_goal_breaks_a_rule() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    valid = {"valid_from": date(2027, 1, 1), "valid_to": date(2028, 12, 31)}
    good = goal(GoalLevel.CONCRETE, parent_ids=(top.id,), organization_ids=(BUN.id,), **valid)
    no_validity = goal(GoalLevel.CONCRETE, parent_ids=(top.id,), organization_ids=(BUN.id,))
    uow.goals.given(top, good, no_validity)

    refusals = await cases.establish_goals(uow, _directive(good.id, no_validity.id))

    assert [(r.goal_id, r.rule) for r in refusals] == [(no_validity.id, "goal.concrete_validity")]
    assert uow.goals.rows[good.id].state is GoalState.DRAFT  # all or nothing
    assert uow.committed  # a refusal is an answer, not a failure
    [refused] = uow.published
    assert refused.type == G.GOAL_ESTABLISHMENT_REFUSED.name
    assert refused.data["refusals"][0]["rule"] == "goal.concrete_validity"


async def test_links_in_force_are_read_on_the_unit_of_works_day() -> None:
    """A link decided for after today is not yet a parent: adoption still needs one in force."""
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    programme = goal(GoalLevel.ACTION_PROGRAMME)
    uow.goals.given(top, programme)
    await cases.link_goals(uow, programme.id, top.id)
    uow.links.rows[0].effective_from = FIXED_TODAY + timedelta(days=1)

    with pytest.raises(DomainError) as refused:
        await cases.adopt_goal(uow, programme.id, KF_2026)

    assert refused.value.rule == "goal.adoption_needs_parent"


async def test_a_retired_goal_cannot_be_linked() -> None:
    uow = municipality()
    top = goal(GoalLevel.OVERARCHING, GoalState.ADOPTED)
    retired = goal(GoalLevel.ACTION_PROGRAMME, GoalState.RETIRED, retired=KF_2023)
    uow.goals.given(top, retired)

    with pytest.raises(Conflict) as refused:
        await cases.link_goals(uow, retired.id, top.id, KF_2026)

    assert refused.value.rule == "goal.retired"
