"""Every domain key followup's use cases raise answers the GraphQL path it answered before the keys.

The table below was written down from the code before the rules and use cases raised with keys
(issue 14, design §6): each (mutation, key) a use case or a rule it calls can raise, and the path
the error's ``extensions.field`` named then. ``api/errors.py`` must map every one to that path.
"""

from __future__ import annotations

import uuid

import pytest
from followup_fakes import FakeFollowupUnitOfWork
from strawberry.types import ExecutionResult

from vsm_common import errors as common_errors
from vsm_common.auth import Principal
from vsm_common.field_paths import graphql_path
from vsm_followup.api.errors import FIELD_PATHS
from vsm_followup.api.schema import schema
from vsm_followup.domain.errors import KEYS, TARGET, Key
from vsm_followup.domain.model import ProjectedGoal, ProjectedOrganization

# (mutation, key, path answered before); the comment says where it is raised.
BEFORE: list[tuple[str, Key, str]] = [
    ("definePeriods", "year", "year"),  # periods.period_specs -> check_year
    ("definePeriods", "kinds", "kinds"),  # periods.period_specs
    ("closePeriod", TARGET, "id"),  # period.exists
    ("defineIndicator", "name", "input.name"),  # check_indicator -> check_text
    ("defineIndicator", "unit", "input.unit"),
    ("defineIndicator", "kolada_kpi_id", "input.koladaKpiId"),  # check_indicator; kolada_kpi_unique
    ("defineIndicator", "baseline_year", "input.baselineYear"),
    ("defineIndicator", "baseline", "input.baseline"),  # check_value
    ("defineIndicator", "owner_id", "input.ownerId"),  # organization.exists
    ("linkIndicator", "indicator_id", "indicatorId"),  # indicator.exists
    ("linkIndicator", "goal_id", "goalId"),  # goal.exists, goal.retired
    ("setTarget", "year", "year"),
    ("setTarget", "value", "value"),
    ("setTarget", "indicator_id", "indicatorId"),
    ("recordMeasurement", "gender", "input.gender"),
    ("recordMeasurement", "value", "input.value"),
    ("recordMeasurement", "indicator_id", "indicatorId"),
    ("recordMeasurement", "period_id", "input.periodId"),  # period.exists
    ("recordMeasurement", "year", "input.year"),  # measurement.year, measurement.when, year.range
    ("importKolada", "document", "document"),  # kolada.malformed
    ("assessGoal", "goal_id", "goalId"),  # goal.exists, access.own_organization, goal.retired
    ("assessGoal", "period_id", "periodId"),  # period.exists, period.closed
    ("assessGoal", "analysis", "analysis"),  # check_assessment
    ("assessGoal", "assessed_by", "assessedById"),  # access.own_organization, organization.exists
    ("addAction", "title", "input.title"),  # check_title
    ("addAction", "due_on", "input.dueOn"),  # check_year
    ("addAction", "goal_id", "goalId"),  # goal.exists, access.own_organization, goal.retired
    ("addAction", "owner_id", "input.ownerId"),  # organization.exists
    ("setActionState", TARGET, "id"),  # action.exists, access.own_organization
    ("setActionState", "goal_id", "goalId"),  # goal.exists (the action's goal no longer known)
    ("setActionState", "state", "state"),  # action.transition
]


@pytest.mark.parametrize(("operation", "key", "before"), BEFORE)
def test_a_key_answers_the_path_it_answered_before(operation: str, key: Key, before: str) -> None:
    assert graphql_path(key, operation, FIELD_PATHS) == before


def test_every_key_is_raised_somewhere_in_the_table() -> None:
    assert set(KEYS) == {key for _, key, _ in BEFORE}
    assert TARGET == common_errors.TARGET


def test_the_table_names_mutations_of_the_schema() -> None:
    mutation = schema._schema.mutation_type  # graphql-core's schema: the names as clients send them
    assert mutation is not None
    assert set(FIELD_PATHS) == set(mutation.fields)


class _Context:
    """Just what the mutations below read of ``FollowupContext``: the caller and a unit of work."""

    def __init__(self, uow: FakeFollowupUnitOfWork, principal: Principal) -> None:
        self.principal = principal
        self._uow = uow

    def uow(self) -> FakeFollowupUnitOfWork:
        return self._uow


async def test_the_schema_answers_mapped_paths_aliases_and_filled_in_messages() -> None:
    uow = FakeFollowupUnitOfWork()
    sn = ProjectedOrganization(uuid.uuid4(), "SN", "Socialnämnden", "COMMITTEE")
    bun = ProjectedOrganization(uuid.uuid4(), "BUN", "Barn- och ungdomsnämnden", "COMMITTEE")
    goal = ProjectedGoal(uuid.uuid4(), "CONCRETE", "ADOPTED", "Tryggare hemtjänst", organization_ids=(sn.id,))
    uow.organizations.given(sn, bun)
    uow.goals.given(goal)
    committee = _Context(uow, Principal("bun-user", frozenset({"committee"}), "BUN"))
    planner = _Context(uow, Principal("planner-user", frozenset({"planner"})))

    refused = await schema.execute(
        'mutation($g: ID!, $o: ID!) { a: addAction(goalId: $g, input: {title: " ", ownerId: $o}) { id } }',
        variable_values={"g": str(goal.id), "o": str(bun.id)},
        context_value=committee,
    )
    closed = await schema.execute(
        f'mutation {{ closing: closePeriod(id: "{uuid.uuid4()}") {{ id }} }}', context_value=planner
    )
    other = await schema.execute(
        'mutation($g: ID!, $o: ID!) { addAction(goalId: $g, input: {title: "Åtgärd", ownerId: $o}) { id } }',
        variable_values={"g": str(goal.id), "o": str(bun.id)},
        context_value=committee,
    )

    def answer(result: ExecutionResult) -> tuple[object, object, str]:
        assert result.errors, result
        [error] = result.errors
        assert error.extensions is not None
        return error.extensions["field"], error.extensions["rule"], error.message

    assert answer(refused) == ("input.title", "title.required", "title is required")
    assert answer(closed)[:2] == ("id", "period.exists")
    assert answer(other) == (
        "goalId",
        "access.own_organization",
        "goalId: the goal is neither owned by nor addressed to BUN, the organisation of this token",
    )
