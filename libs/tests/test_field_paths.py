"""Domain keys become the operation's GraphQL paths (vsm_common.field_paths), and row scopes decide alike."""

from __future__ import annotations

import pytest
import strawberry

from vsm_common.access import RowScope
from vsm_common.errors import TARGET, DomainError, Forbidden
from vsm_common.field_paths import OperationPaths, camel, graphql_path
from vsm_common.graphql import DomainErrors

PATHS = {
    "adoptPlan": OperationPaths(target="planId", rename={"goal_ids": "goals"}),
    "createGoal": OperationPaths(prefix="input"),
    "createDetail": OperationPaths(prefix="input"),
}


def test_keys_read_as_each_operation_names_them() -> None:
    assert camel("decision.body_id") == "decision.bodyId"
    assert graphql_path(TARGET, "adoptPlan", PATHS) == "planId"
    assert graphql_path("goal_ids", "adoptPlan", PATHS) == "goals"
    assert graphql_path("decision.body_id", "adoptPlan", PATHS) == "decision.bodyId"
    assert graphql_path("decision.body_id", "createGoal", PATHS) == "input.decision.bodyId"
    assert graphql_path("valid_to", "unknownMutation", PATHS) == "validTo"


def test_a_message_names_the_field_it_is_shown_at() -> None:
    error = DomainError("{field} must not be before validFrom", key="valid_to", rule="goal.validity")
    assert error.text() == "valid_to must not be before validFrom"
    assert error.text("input.validTo") == "input.validTo must not be before validFrom"
    extensions = error.extensions("input.validTo")
    assert extensions == {"code": "BAD_USER_INPUT", "rule": "goal.validity", "field": "input.validTo"}


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Detail:
    @strawberry.field
    def title(self) -> str:
        raise DomainError("{field} cannot be shown", key="title", rule="goal.hidden")


@strawberry.type
class Mutation:
    @strawberry.mutation
    def create_detail(self) -> Detail:
        return Detail()

    @strawberry.mutation
    def create_goal(self, title: str) -> bool:
        raise DomainError("{field} is required", key="title", rule="goal.title_required")

    @strawberry.mutation
    def adopt_plan(self, plan_id: str) -> bool:
        raise DomainError("the plan is not submitted", key=TARGET, rule="plan.state")

    @strawberry.mutation
    def parse(self, value: str) -> bool:
        raise DomainError("value is not a valid id", field="value", rule="id.format")


# DomainErrors alone: the access policy and metrics of standard_extensions() are not the subject here.
SCHEMA = strawberry.Schema(Query, Mutation, extensions=[lambda: DomainErrors(field_paths=PATHS)])


@pytest.mark.parametrize(
    ("operation", "field", "message"),
    [
        ('mutation { createGoal(title: "") }', "input.title", "input.title is required"),
        ('mutation { renamed: createGoal(title: "") }', "input.title", "input.title is required"),
        ('mutation { adoptPlan(planId: "p") }', "planId", "the plan is not submitted"),
        ('mutation { parse(value: "x") }', "value", "value is not a valid id"),
        # A nested field's error is not the mutation's argument: its key is not prefixed.
        ("mutation { createDetail { title } }", "title", "title cannot be shown"),
    ],
)
async def test_the_api_maps_keys_by_the_root_field_even_aliased(operation: str, field: str, message: str) -> None:
    result = await SCHEMA.execute(operation)
    assert result.errors is not None
    [error] = result.errors
    assert (error.message, error.extensions and error.extensions["field"]) == (message, field)


def test_a_row_scope_reaches_its_own_rows_only() -> None:
    RowScope.all().require_organization({"BUN"}, "organization_id")
    RowScope.of_organization("BUN").require_organization({"BUN", "KS"}, "organization_id")
    with pytest.raises(Forbidden) as refused:
        RowScope.of_organization("SBN").require_organization({"BUN"}, "organization_id")
    assert refused.value.rule == "access.own_organization"
    assert refused.value.text() == "organization_id: this token acts for SBN and may not act for BUN"
    RowScope.of_person("e-17").require_person("e-17", "employee_ref", "access.own_employee_goals", "not yours")
    with pytest.raises(Forbidden, match="not yours"):
        RowScope().require_person("e-17", "employee_ref", "access.own_employee_goals", "not yours")
