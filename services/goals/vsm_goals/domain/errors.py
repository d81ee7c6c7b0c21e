"""The domain keys the goals service's rules and use cases raise with (``DomainError(key=...)``).

A key is a model attribute in snake_case, or ``target`` (:data:`vsm_common.errors.TARGET`: the goal
or organisation the operation addresses). ``api/errors.py`` maps each to the GraphQL path it is in
each mutation, so the domain never writes a GraphQL path.
"""

from __future__ import annotations

from typing import Literal

Key = Literal[
    "target",
    # organisations (organisation)
    "code",
    "name",
    "parent_id",
    # goals (mål)
    "title",
    "parent_ids",
    "organization_ids",
    "theme_ids",
    "valid_to",
    "goal.valid_to",
    "effective_from",
    "goal_ids",
    # decisions (beslut)
    "decision",
    "decision.body_id",
    "decision.date",
    # medarbetarmål
    "source_system",
    "goals",
    "employee_ref",
    "unit_id",
]

RowKey = Literal["external_id", "employee_ref", "title", "unit_id", "operational_goal_id"]
"""The fields of one row of a batch of medarbetarmål (``RowProblem.key``)."""
