"""The domain keys followup's rules and use cases raise with (where an error is, in the model's words).

``api/errors.py`` maps each to the GraphQL path of the mutation it was raised in, so no rule writes a
GraphQL path. Typed as a ``Literal`` so that mypy refuses a key no table knows (a typo).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Key = Literal[
    "target",  # the aggregate the operation addresses (the period closed, the action moved)
    "year",
    "kinds",
    "name",
    "unit",
    "kolada_kpi_id",
    "baseline",
    "baseline_year",
    "owner_id",
    "indicator_id",
    "goal_id",
    "period_id",
    "value",
    "gender",
    "document",
    "analysis",
    "assessed_by",
    "title",
    "due_on",
    "state",
]

KEYS: Final[tuple[Key, ...]] = get_args(Key)

# vsm_common.errors.TARGET, typed as one of this service's keys (a unit test holds them equal).
TARGET: Final[Key] = "target"
