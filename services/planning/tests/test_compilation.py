"""Unit tests of the sammanställning of verksamhetsplaner."""

from __future__ import annotations

import uuid

from planning_fixtures import BUN, HEM, SN, plan

from vsm_planning.domain import compilation
from vsm_planning.domain.model import PlanState, UncoveredGoal


def test_compilation_lists_plans_missing_plans_and_uncovered_goals() -> None:
    tfn = uuid.uuid4()
    bun_plan, sn_plan = plan(BUN, PlanState.ADOPTED), plan(SN, PlanState.DRAFT)
    k1, k2, k3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    c = compilation.compile_cycle(
        uuid.uuid4(),
        [bun_plan, sn_plan],
        [BUN.id, SN.id, tfn, HEM.id],
        {k1: [BUN.id], k2: [SN.id], k3: [SN.id, tfn]},
        {bun_plan.id: {k1}, sn_plan.id: {k1}},  # SN's verksamhetsmål serve another goal than K2
    )
    assert c.plan_ids == (bun_plan.id, sn_plan.id)
    assert c.missing_organization_ids == (tfn, HEM.id)
    assert c.uncovered == (UncoveredGoal(k2, (SN.id,)), UncoveredGoal(k3, (SN.id, tfn)))


def test_a_fully_covered_cycle_has_no_gaps() -> None:
    p = plan(BUN, PlanState.SUBMITTED)
    k1 = uuid.uuid4()
    c = compilation.compile_cycle(uuid.uuid4(), [p], [BUN.id, BUN.id], {k1: [BUN.id]}, {p.id: {k1, uuid.uuid4()}})
    assert (c.missing_organization_ids, c.uncovered) == ((), ())
