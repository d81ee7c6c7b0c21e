"""Every domain key planning's use cases raise answers, per operation, the GraphQL path it answered before the
domain spoke in keys (docs/design/unit-of-work.md §6): ``api/errors.py`` maps what the domain no longer writes."""

from __future__ import annotations

import pytest

from vsm_common.errors import TARGET
from vsm_common.field_paths import graphql_path
from vsm_planning.api.errors import FIELD_PATHS
from vsm_planning.api.schema import schema

# (operation, domain key, the path the operation answered at b0d017f), for every key its use case can raise.
ANSWERED_BEFORE = [
    # cycles
    ("openCycle", "start_year", "startYear"),
    ("advancePhase", TARGET, "cycleId"),
    ("schedulePhase", TARGET, "cycleId"),
    ("schedulePhase", "phase", "phase"),
    ("schedulePhase", "opens_on", "opensOn"),
    ("schedulePhase", "due_on", "dueOn"),
    ("schedulePhase", "responsible_id", "responsibleId"),
    ("writeAnalysisSection", TARGET, "cycleId"),
    ("writeAnalysisSection", "text", "text"),
    # directives
    ("createDirective", TARGET, "input.cycleId"),
    ("createDirective", "title", "input.title"),
    ("createDirective", "kind", "input.kind"),
    ("createDirective", "recipient_ids", "input.recipientIds"),
    ("setBudgetFrames", TARGET, "directiveId"),
    ("setBudgetFrames", "frames.0.organization_id", "frames.0.organizationId"),
    ("setBudgetFrames", "frames.1.year", "frames.1.year"),
    ("setBudgetFrames", "frames.1", "frames.1"),
    ("setBudgetFrames", "frames.0.amount", "frames.0.amount"),
    ("setDirectiveRecipients", TARGET, "directiveId"),
    ("setDirectiveRecipients", "recipient_ids", "recipientIds"),
    ("setDirectiveRecipients", "recipient_ids.2", "recipientIds.2"),
    ("setTaxRate", TARGET, "directiveId"),
    ("setTaxRate", "tax_rate", "rate"),
    ("addConcreteGoals", TARGET, "directiveId"),
    ("addConcreteGoals", "goal_ids", "goalIds"),
    ("addAssignment", TARGET, "directiveId"),
    ("addAssignment", "title", "input.title"),
    ("addAssignment", "recipient_ids", "input.recipientIds"),
    ("addAssignment", "due_on", "input.dueOn"),
    ("setAssignmentState", TARGET, "id"),
    ("adoptDirective", TARGET, "id"),
    ("adoptDirective", "decision.date", "decision.date"),
    ("adoptDirective", "decision.body_id", "decision.bodyId"),
    ("adoptDirective", "concrete_goal_ids", "concreteGoals"),
    ("adoptDirective", "goal_ids", "goalIds"),
    # verksamhetsplaner
    ("createOperationalPlan", TARGET, "cycleId"),
    ("createOperationalPlan", "organization_id", "organizationId"),
    ("addPlanGoals", TARGET, "planId"),
    ("addPlanGoals", "goal_ids", "goalIds"),
    ("setInternalBudget", TARGET, "planId"),
    ("setInternalBudget", "lines.0.activity", "lines.0.activity"),
    ("setInternalBudget", "lines.0.year", "lines.0.year"),
    ("setInternalBudget", "lines.1", "lines.1"),
    ("setInternalBudget", "lines.0.amount", "lines.0.amount"),
    ("submitPlan", TARGET, "id"),
    ("returnPlan", TARGET, "id"),
    ("returnPlan", "reason", "reason"),
    ("adoptPlan", TARGET, "id"),
    ("adoptPlan", "decision.date", "decision.date"),
    ("adoptPlan", "decision.body_id", "decision.bodyId"),
    ("adoptPlan", "goal_ids", "goals"),
    # reads
    ("compilation", TARGET, "cycleId"),
]


@pytest.mark.parametrize(("operation", "key", "path"), ANSWERED_BEFORE)
def test_each_key_answers_the_path_the_operation_answered_before(operation: str, key: str, path: str) -> None:
    assert graphql_path(key, operation, FIELD_PATHS) == path


def test_every_mutation_is_in_the_table() -> None:
    """A new mutation gets its row, so its TARGET is never answered as the bare word "target"."""
    mutation = schema._schema.mutation_type
    assert mutation is not None
    assert set(mutation.fields) <= set(FIELD_PATHS)
    assert {operation for operation, _, _ in ANSWERED_BEFORE} == set(FIELD_PATHS)
