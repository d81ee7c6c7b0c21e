"""Unit tests of setting a directive's recipients (a new revision on an adopted directive)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from planning_fixtures import BUN, HEM, KS, SN, directive, goal

from vsm_common.errors import Conflict, DomainError
from vsm_planning.domain import directives
from vsm_planning.domain.model import (
    Assignment,
    BudgetFrame,
    DirectiveContent,
    DirectiveKind,
    DirectiveState,
    GoalLevel,
    KnownOrganization,
    OrganizationKind,
)

TFN = KnownOrganization(uuid.uuid4(), "TFN", "Teknik- och fritidsnämnden", OrganizationKind.COMMITTEE)


def frames(*orgs: KnownOrganization) -> tuple[BudgetFrame, ...]:
    return tuple(BudgetFrame(o.id, y, Decimal("1000.00")) for o in orgs for y in (2027, 2028, 2029))


def test_recipients_are_at_least_one_and_each_once() -> None:
    with pytest.raises(DomainError) as empty:
        directives.check_recipient_list([])
    assert (empty.value.key, empty.value.rule) == ("recipient_ids", "directive.recipients_required")
    with pytest.raises(DomainError) as twice:
        directives.check_recipient_list([BUN.id, SN.id, BUN.id])
    assert (twice.value.key, twice.value.rule) == ("recipient_ids.2", "directive.recipient_duplicate")
    assert directives.check_recipient_list([SN.id, BUN.id]) == (SN.id, BUN.id)


def test_recipients_are_of_the_kind_the_directive_goes_to() -> None:
    directives.check_recipients(DirectiveKind.PLANNING_DIRECTIVE, [BUN, TFN])
    for kind, wrong in ((DirectiveKind.PLANNING_DIRECTIVE, HEM), (DirectiveKind.OWNER_DIRECTIVE, BUN)):
        with pytest.raises(DomainError) as err:
            directives.check_recipients(kind, [wrong])
        assert (err.value.key, err.value.rule) == ("recipient_ids", "directive.recipient_kind")
    with pytest.raises(DomainError) as err:
        directives.check_recipients(DirectiveKind.PLANNING_DIRECTIVE, [KS])
    assert err.value.rule == "directive.recipient_kind"


def test_a_removed_recipient_loses_its_frames_and_its_place_in_assignments() -> None:
    shared = Assignment(uuid.uuid4(), "Gemensam lokalplan", None, (BUN.id, SN.id), date(2027, 6, 30))
    content = DirectiveContent(recipient_ids=(BUN.id, SN.id), frames=frames(BUN, SN), assignments=(shared,))
    change = directives.change_recipients(directive(), content, [BUN.id, TFN.id], {})
    assert change.recipient_ids == (BUN.id, TFN.id)
    assert change.removed_ids == (SN.id,)
    assert change.frames == frames(BUN)  # TFN needs frames of its own before adoption
    assert change.assignments == (replace(shared, recipient_ids=(BUN.id,)),)


def test_an_assignment_or_concrete_goal_left_without_recipients_is_refused() -> None:
    only_sn = Assignment(uuid.uuid4(), "Utred hemtjänsten", None, (SN.id,), None)
    content = DirectiveContent(recipient_ids=(BUN.id, SN.id), assignments=(only_sn,))
    with pytest.raises(Conflict) as err:
        directives.change_recipients(directive(), content, [BUN.id], {})
    assert (err.value.key, err.value.rule) == ("recipient_ids", "directive.recipient_assignment")
    assert "Utred hemtjänsten" in str(err.value)

    k = goal(GoalLevel.CONCRETE, SN)
    content = DirectiveContent(recipient_ids=(BUN.id, SN.id), concrete_goal_ids=(k.id,))
    with pytest.raises(Conflict) as err:
        directives.change_recipients(directive(), content, [BUN.id, TFN.id], {k.id: k})
    assert (err.value.key, err.value.rule) == ("recipient_ids", "directive.goal_recipient")
    shared_goal = goal(GoalLevel.CONCRETE, SN, BUN)
    content = replace(content, concrete_goal_ids=(shared_goal.id,))
    assert directives.change_recipients(directive(), content, [BUN.id], {shared_goal.id: shared_goal}).removed_ids == (
        SN.id,
    )


def test_a_superseded_directive_is_never_revised_and_an_adopted_one_once_at_a_time() -> None:
    with pytest.raises(Conflict) as err:
        directives.check_revisable(directive(state=DirectiveState.SUPERSEDED), None)
    assert err.value.rule == "directive.superseded"
    adopted = directive(state=DirectiveState.ADOPTED)
    directives.check_revisable(adopted, None)
    revision = directives.next_revision(adopted, uuid.uuid4())
    assert (revision.state, revision.revision, revision.supersedes_id) == (DirectiveState.DRAFT, 2, adopted.id)
    with pytest.raises(Conflict) as err:
        directives.check_revisable(adopted, revision)
    assert err.value.rule == "directive.revision_pending"
