"""The sammanställning of an annual cycle's verksamhetsplaner. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import date

from .model import (
    Compilation,
    OperationalPlan,
    UncoveredGoal,
)


def compile_cycle(
    cycle_id: uuid.UUID,
    plans: Sequence[OperationalPlan],
    recipients: Sequence[uuid.UUID],
    goal_recipients: Mapping[uuid.UUID, Sequence[uuid.UUID]],
    served_by_plan: Mapping[uuid.UUID, Collection[uuid.UUID]],
    as_of: date | None = None,
) -> Compilation:
    """All plans; the recipients of the cycle's directives without a plan; and each concrete goal of the
    directives with the recipients whose plan holds no verksamhetsmål serving it.

    ``goal_recipients``: concrete goal → the directive recipients it is directed to, in order.
    ``served_by_plan``: plan id → the concrete goals its verksamhetsmål serve.
    ``as_of``: the date whose structure both were taken from (None: as it stands now), for the answer.
    """
    plan_of = {p.organization_id: p for p in plans}
    missing = tuple(oid for oid in dict.fromkeys(recipients) if oid not in plan_of)
    uncovered = []
    for goal_id, orgs in goal_recipients.items():
        lacking = tuple(
            oid for oid in orgs if oid not in plan_of or goal_id not in served_by_plan.get(plan_of[oid].id, ())
        )
        if lacking:
            uncovered.append(UncoveredGoal(goal_id, lacking))
    return Compilation(cycle_id, tuple(p.id for p in plans), missing, tuple(uncovered), as_of)
