"""Unit tests of directives, budget frames, tax rate, concrete goals, assignments and revisions."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from planning_fixtures import BUF, BUN, HEM, KF, KS, SN, directive, goal

from vsm_common.errors import Conflict, DomainError, NotFound
from vsm_planning.api.directives import Assignment as AssignmentType
from vsm_planning.domain import cycles, directives, values
from vsm_planning.domain.model import (
    Assignment,
    AssignmentState,
    BudgetFrame,
    Decision,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    GoalLevel,
    GoalState,
    PhaseKind,
)

PD, OD = DirectiveKind.PLANNING_DIRECTIVE, DirectiveKind.OWNER_DIRECTIVE
CONTENT = DirectiveContent(recipient_ids=(BUN.id, SN.id))


def test_planeringsdirektiv_goes_to_committees_and_agardirektiv_to_companies() -> None:
    directives.check_recipients(PD, [BUN, SN])
    directives.check_recipients(OD, [HEM])
    for kind, wrong in ((PD, HEM), (OD, BUN), (PD, BUF), (PD, KS)):
        with pytest.raises(DomainError) as info:
            directives.check_recipients(kind, [wrong])
        assert (info.value.key, info.value.rule) == ("recipient_ids", "directive.recipient_kind")
        assert wrong.code in info.value.message
    with pytest.raises(DomainError) as info:
        directives.check_recipients(PD, [])
    assert info.value.rule == "directive.recipients_required"


def test_unknown_organisation_or_goal_is_not_found_naming_the_key() -> None:
    missing = uuid.uuid4()
    with pytest.raises(NotFound) as info:
        values.known_organizations([BUN.id, missing], {BUN.id: BUN}, "recipient_ids")
    assert (info.value.key, info.value.rule) == ("recipient_ids", "organization.exists")
    assert str(missing) in info.value.message
    with pytest.raises(NotFound) as info:
        values.known_goals([missing], {}, "goal_ids")
    assert (info.value.key, info.value.rule) == ("goal_ids", "goal.exists")
    linked_only = goal(GoalLevel.CONCRETE, BUN)
    with pytest.raises(NotFound):  # only a link event has arrived: level unknown yet
        values.known_goals([linked_only.id], {linked_only.id: replace(linked_only, level=None)}, "goal_ids")


def test_frames_cover_recipients_for_the_budget_year_and_two_plan_years_exactly() -> None:
    d = directive(year=2027)
    frames = directives.check_frames(
        d,
        CONTENT,
        [
            directives.FrameInput(BUN.id, 2027, Decimal("2950000000")),
            directives.FrameInput(BUN.id, 2029, Decimal("3070000000.50")),
        ],
    )
    assert [str(f.amount) for f in frames] == ["2950000000.00", "3070000000.50"]
    cases = [
        (directives.FrameInput(HEM.id, 2027, Decimal(1)), "frames.0.organization_id", "directive.frame_recipient"),
        (directives.FrameInput(BUN.id, 2030, Decimal(1)), "frames.0.year", "directive.frame_year"),
        (directives.FrameInput(BUN.id, 2026, Decimal(1)), "frames.0.year", "directive.frame_year"),
        (directives.FrameInput(BUN.id, 2027, Decimal("1.005")), "frames.0.amount", "amount.precision"),
        (directives.FrameInput(BUN.id, 2027, Decimal("-1")), "frames.0.amount", "amount.negative"),
        (directives.FrameInput(BUN.id, 2027, Decimal("NaN")), "frames.0.amount", "amount.format"),
        (directives.FrameInput(BUN.id, 2027, Decimal("1E15")), "frames.0.amount", "amount.range"),
    ]
    for given, key, rule in cases:
        with pytest.raises(DomainError) as info:
            directives.check_frames(d, CONTENT, [given])
        assert (info.value.key, info.value.rule) == (key, rule), given
    with pytest.raises(DomainError) as info:
        directives.check_frames(d, CONTENT, [directives.FrameInput(SN.id, 2028, Decimal(1))] * 2)
    assert (info.value.key, info.value.rule) == ("frames.1", "directive.frame_duplicate")


def test_setting_frames_replaces_per_organisation_and_year() -> None:
    old = (BudgetFrame(BUN.id, 2027, Decimal("10.00")), BudgetFrame(BUN.id, 2028, Decimal("11.00")))
    merged = directives.merge_frames(
        old, [BudgetFrame(BUN.id, 2028, Decimal("12.00")), BudgetFrame(SN.id, 2027, Decimal(5))]
    )
    assert {(f.organization_id, f.year): f.amount for f in merged} == {
        (BUN.id, 2027): Decimal("10.00"),
        (BUN.id, 2028): Decimal("12.00"),
        (SN.id, 2027): Decimal(5),
    }
    assert directives.merge_frames(old, [old[0]]) == directives.merge_frames(old, [])


def test_tax_rate_is_exact_kronor_per_hundred() -> None:
    assert str(values.check_tax_rate(Decimal("20.38"))) == "20.38"
    assert str(values.check_tax_rate(Decimal("21"))) == "21.00"
    for bad, rule in (
        (Decimal("20.385"), "tax_rate.precision"),
        (Decimal("0"), "tax_rate.range"),
        (Decimal("100"), "tax_rate.range"),
        (Decimal("-3"), "tax_rate.range"),
        (Decimal("Infinity"), "tax_rate.format"),
    ):
        with pytest.raises(DomainError) as info:
            values.check_tax_rate(bad)
        assert (info.value.key, info.value.rule) == ("tax_rate", rule), bad
    directives.check_tax_rate_kind(directive(PD))
    with pytest.raises(DomainError) as info:
        directives.check_tax_rate_kind(directive(OD))
    assert info.value.rule == "directive.tax_rate_kind"


def test_concrete_goals_must_be_concrete_live_and_directed_to_a_recipient() -> None:
    directives.check_concrete_goals(CONTENT, [goal(GoalLevel.CONCRETE, BUN), goal(GoalLevel.CONCRETE, SN, HEM)])
    for g, rule in (
        (goal(GoalLevel.OPERATIONAL, BUN), "directive.goal_level"),
        (goal(GoalLevel.OVERARCHING), "directive.goal_level"),
        (goal(GoalLevel.CONCRETE, BUN, state=GoalState.RETIRED), "directive.goal_retired"),
        (goal(GoalLevel.CONCRETE, HEM), "directive.goal_recipient"),
    ):
        with pytest.raises(DomainError) as info:
            directives.check_concrete_goals(CONTENT, [g])
        assert (info.value.key, info.value.rule) == ("goal_ids", rule)


def test_assignments_go_to_recipients_of_the_directive() -> None:
    title, recipients = directives.check_assignment(
        CONTENT, " Utred lokaler ", [BUN.id, SN.id, BUN.id], date(2027, 6, 30)
    )
    assert (title, recipients) == ("Utred lokaler", (BUN.id, SN.id))
    for ids, rule in (([], "assignment.recipients_required"), ([HEM.id], "assignment.recipient")):
        with pytest.raises(DomainError) as info:
            directives.check_assignment(CONTENT, "Uppdrag", ids, None)
        assert (info.value.key, info.value.rule) == ("recipient_ids", rule)
    with pytest.raises(DomainError) as info:
        directives.check_assignment(CONTENT, "  ", [BUN.id], None)
    assert info.value.rule == "title.required"


def test_adoption_needs_frames_for_every_recipient_and_year() -> None:
    d = directive(year=2027)
    full = DirectiveContent(
        recipient_ids=(BUN.id, SN.id),
        frames=tuple(BudgetFrame(o, y, Decimal(1)) for o in (BUN.id, SN.id) for y in (2027, 2028, 2029)),
    )
    directives.check_complete(d, full)
    partial = DirectiveContent(recipient_ids=full.recipient_ids, frames=full.frames[:-1])
    with pytest.raises(DomainError) as info:
        directives.check_complete(d, partial, {SN.id: "SN"})
    assert info.value.rule == "directive.frames_incomplete" and "SN 2029" in info.value.message
    with pytest.raises(DomainError) as info:
        directives.check_complete(d, DirectiveContent())
    assert info.value.rule == "directive.recipients_required"


def test_adoption_needs_a_decision_of_the_council() -> None:
    decision = Decision(KF.id, date(2026, 6, 17), "§ 95", "KS 2026/00123")
    directives.check_council_decision(decision, KF)
    with pytest.raises(DomainError) as info:
        directives.check_council_decision(Decision(KS.id, date(2026, 6, 17)), KS)
    assert (info.value.key, info.value.rule) == ("decision.body_id", "directive.decision_body")
    with pytest.raises(NotFound) as info:
        directives.check_council_decision(Decision(uuid.uuid4(), date(2026, 6, 17)), None)
    assert info.value.key == "decision.body_id"
    assert values.check_decision(Decision(KF.id, date(2026, 6, 17), "  ", " KS 1 ")) == Decision(
        KF.id, date(2026, 6, 17), None, "KS 1"
    )


def test_adopting_twice_with_the_same_decision_is_a_no_op_and_with_another_a_conflict() -> None:
    decision = Decision(KF.id, date(2026, 6, 17), "§ 95")
    draft = directive()
    assert directives.check_adoption(draft, decision, None) is True
    adopted = directive(state=DirectiveState.ADOPTED)
    adopted = replace(adopted, adopted=decision)
    assert directives.check_adoption(adopted, decision, None) is False
    with pytest.raises(Conflict) as info:
        directives.check_adoption(adopted, Decision(KF.id, date(2026, 6, 18)), None)
    assert info.value.rule == "directive.already_adopted"
    with pytest.raises(Conflict):
        directives.check_adoption(directive(state=DirectiveState.SUPERSEDED), decision, None)


def test_a_change_after_adoption_is_a_new_revision_that_supersedes_it() -> None:
    decision = Decision(KF.id, date(2026, 6, 17))
    adopted = replace(directive(state=DirectiveState.ADOPTED), adopted=decision, tax_rate=Decimal("20.38"))
    directives.check_revisable(adopted, None)
    new_id = uuid.uuid4()
    rev = directives.next_revision(adopted, new_id)
    assert (rev.id, rev.lineage_id, rev.revision, rev.state, rev.supersedes_id, rev.adopted) == (
        new_id,
        adopted.lineage_id,
        2,
        DirectiveState.DRAFT,
        adopted.id,
        None,
    )
    assert rev.tax_rate == Decimal("20.38") and rev.budget_year == adopted.budget_year
    with pytest.raises(Conflict) as info:
        directives.check_revisable(adopted, rev)
    assert info.value.rule == "directive.revision_pending" and str(rev.id) in info.value.message
    with pytest.raises(Conflict) as info:
        directives.check_revisable(replace(adopted, state=DirectiveState.SUPERSEDED), None)
    assert info.value.rule == "directive.superseded"
    # The revision's decision cannot predate the one it replaces.
    with pytest.raises(DomainError) as info:
        directives.check_adoption(rev, Decision(KF.id, date(2026, 6, 1)), adopted)
    assert info.value.rule == "directive.decision_order"
    assert directives.check_adoption(rev, Decision(KF.id, date(2026, 11, 16)), adopted)


def test_a_first_draft_changes_only_in_the_directive_phase_a_revision_for_the_rest_of_the_cycle() -> None:
    assert directives.change_phases(directive()) == {PhaseKind.DIRECTIVE}
    adopted = directive(state=DirectiveState.ADOPTED)
    assert directives.change_phases(adopted) == cycles.REVISION_PHASES
    assert directives.change_phases(directive(revision=2)) == cycles.REVISION_PHASES
    assert PhaseKind.CONDITIONS_ANALYSIS not in cycles.REVISION_PHASES
    assert directives.change_phases(adopted) & cycles.TAX_RATE_PHASES == {PhaseKind.DIRECTIVE, PhaseKind.TAX_RATE}


def test_only_the_assignments_of_an_adopted_directive_progress() -> None:
    directives.check_assignment_directive(directive(state=DirectiveState.ADOPTED))
    with pytest.raises(Conflict) as info:
        directives.check_assignment_directive(directive())
    assert info.value.rule == "assignment.not_in_force"


def test_an_assignment_is_overdue_when_not_done_after_its_due_date() -> None:
    # The rule of Phase.overdue (försenat): the due day itself is still on time.
    a = Assignment(uuid.uuid4(), "Utred lokaler", None, (BUN.id,), date(2027, 6, 30), AssignmentState.IN_PROGRESS)
    assert not a.overdue(date(2027, 6, 30))
    assert a.overdue(date(2027, 7, 1))
    assert replace(a, state=AssignmentState.NOT_STARTED).overdue(date(2027, 7, 1))
    assert not replace(a, state=AssignmentState.DONE).overdue(date(2028, 1, 1))
    assert not replace(a, due_on=None).overdue(date(2030, 1, 1))
    # The API answers by the day it is given (the municipality's, vsm_common.clock), not its own.
    assert AssignmentType.from_domain(a, date(2027, 7, 1)).overdue
    assert not AssignmentType.from_domain(a, date(2027, 6, 30)).overdue
