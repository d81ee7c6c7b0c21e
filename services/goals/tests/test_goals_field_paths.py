"""The GraphQL path each mutation answers for each domain key its use cases raise (design §6).

``BEFORE`` is what the goals service answered in ``extensions.field`` while the paths were still written
where raised (at f6cb1f8): the table in ``api/errors.py`` must give every one of them unchanged.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

from vsm_common.errors import TARGET
from vsm_common.field_paths import graphql_path
from vsm_goals.api.employee_goals import row_error
from vsm_goals.api.errors import FIELD_PATHS
from vsm_goals.domain.employee_goals import RowProblem
from vsm_goals.domain.errors import Key, RowKey

DECISION = {"decision": "decision", "decision.body_id": "decision.bodyId", "decision.date": "decision.date"}

# (operation, domain key) -> the GraphQL path answered before.
BEFORE: dict[tuple[str, str], str] = {
    # rules.check_organization; organizations.register_organization (organization.exists, code_unique)
    ("registerOrganization", "code"): "input.code",
    ("registerOrganization", "name"): "input.name",
    ("registerOrganization", "parent_id"): "input.parentId",
    # goals.create_goal: check_title, check_validity, check_themes, check_parent_levels, check_organizations, lookups
    ("createGoal", "title"): "input.title",
    ("createGoal", "valid_to"): "input.validTo",
    ("createGoal", "theme_ids"): "input.themeIds",
    ("createGoal", "parent_ids"): "input.parentIds",
    ("createGoal", "organization_ids"): "input.organizationIds",
    # goals.link_goals: the child looked up and retired, the parent looked up, its level, no cycle, the decision
    ("linkGoals", TARGET): "childId",
    ("linkGoals", "parent_id"): "parentId",
    ("linkGoals", "parent_ids"): "parentId",
    ("linkGoals", "effective_from"): "effectiveFrom",
    **{("linkGoals", k): v for k, v in DECISION.items()},
    # goals.unlink_goals
    ("unlinkGoals", TARGET): "childId",
    ("unlinkGoals", "parent_id"): "parentId",
    ("unlinkGoals", "effective_from"): "effectiveFrom",
    **{("unlinkGoals", k): v for k, v in DECISION.items()},
    # goals.revise_goal: check_revisable, check_title, check_validity, the decision of a revision
    ("reviseGoal", TARGET): "id",
    ("reviseGoal", "title"): "input.title",
    ("reviseGoal", "valid_to"): "input.validTo",
    **{("reviseGoal", k): f"input.{v}" for k, v in DECISION.items()},
    # goals.adopt_goal: check_adoptable (its check_validity of the stored goal answered goal.validTo), the decision
    ("adoptGoal", TARGET): "id",
    ("adoptGoal", "parent_ids"): "parentIds",
    ("adoptGoal", "organization_ids"): "organizationIds",
    ("adoptGoal", "valid_to"): "validTo",
    ("adoptGoal", "goal.valid_to"): "goal.validTo",
    ("adoptGoal", "decision.body_id"): "decision.bodyId",
    ("adoptGoal", "decision.date"): "decision.date",
    # goals.retire_goal
    ("retireGoal", TARGET): "id",
    ("retireGoal", "decision.body_id"): "decision.bodyId",
    ("retireGoal", "decision.date"): "decision.date",
    # employee_goals.upsert_employee_goals
    ("upsertEmployeeGoals", "source_system"): "sourceSystem",
    ("upsertEmployeeGoals", "goals"): "goals",
    # reads (not in the table): employee_goals.read_page (narrow) and export_employee (check_export)
    ("employeeGoals", "employee_ref"): "employeeRef",
    ("employeeGoals", "unit_id"): "unitId",
    ("employeeDataExport", "employee_ref"): "employeeRef",
}

# A refused row of a batch of medarbetarmål: the field of EmployeeGoalInput answered before.
ROWS_BEFORE: dict[str, str] = {
    "external_id": "externalId",
    "employee_ref": "employeeRef",
    "title": "title",
    "unit_id": "unitId",
    "operational_goal_id": "operationalGoalId",
}

PACKAGE = Path(__file__).resolve().parents[1] / "vsm_goals"


@pytest.mark.parametrize(("operation", "key"), sorted(BEFORE))
def test_every_key_answers_the_path_it_answered_before(operation: str, key: str) -> None:
    assert graphql_path(key, operation, FIELD_PATHS) == BEFORE[(operation, key)]


def test_the_table_names_only_mutations_the_record_holds() -> None:
    recorded = {operation for operation, _ in BEFORE}
    assert set(FIELD_PATHS) <= recorded


def test_every_declared_key_is_answered_somewhere() -> None:
    assert set(get_args(Key)) - {key for _, key in BEFORE} == {"goal_ids"}  # establishment refusals: no GraphQL


def _raised_keys() -> set[str]:
    """Every string literal passed as ``key=`` in the domain and the use cases."""
    found: set[str] = set()
    for path in [*PACKAGE.joinpath("domain").glob("*.py"), *PACKAGE.joinpath("service").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "key":
                values = [node.value.body, node.value.orelse] if isinstance(node.value, ast.IfExp) else [node.value]
                found |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return found


def test_the_domain_raises_declared_keys_only() -> None:
    raised = _raised_keys()
    assert raised, "the scan found no key= at all"
    assert raised <= set(get_args(Key)) | {TARGET}


@pytest.mark.parametrize("key", get_args(RowKey))
def test_a_refused_row_names_the_input_field_it_named_before(key: RowKey) -> None:
    assert row_error(RowProblem(3, key, "wrong")).field == ROWS_BEFORE[key]
