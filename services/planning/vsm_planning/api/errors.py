"""Where planning's domain errors point, said in GraphQL: each mutation's domain keys as its argument paths.

The domain and the use cases raise with domain keys (``vsm_planning.domain.errors.Key``, ``TARGET`` for the
cycle, directive or plan the mutation addresses); ``standard_extensions(field_paths=FIELD_PATHS)`` answers
``extensions.field`` with the path below, the same path each mutation answered before the keys.
"""

from __future__ import annotations

from vsm_common.field_paths import FieldPaths, OperationPaths

# The thing operated on is named differently per mutation (cycleId, input.cycleId, directiveId, planId, id);
# an input object puts its fields under "input"; a few keys have another name in GraphQL than in the model.
FIELD_PATHS: FieldPaths = {
    # cycles
    "openCycle": OperationPaths(),
    "advancePhase": OperationPaths(target="cycleId"),
    "schedulePhase": OperationPaths(target="cycleId"),
    "writeAnalysisSection": OperationPaths(target="cycleId"),
    # directives
    "createDirective": OperationPaths(target="input.cycleId", prefix="input"),
    "setBudgetFrames": OperationPaths(target="directiveId"),
    "setDirectiveRecipients": OperationPaths(target="directiveId"),
    "setTaxRate": OperationPaths(target="directiveId", rename={"tax_rate": "rate"}),
    "addConcreteGoals": OperationPaths(target="directiveId"),
    "addAssignment": OperationPaths(target="directiveId", prefix="input"),
    "setAssignmentState": OperationPaths(target="id"),
    # adoptDirective checks the directive's concrete goals: known ones answer at concreteGoals (the
    # directive's field), a wrong level or recipient at goalIds, as before the keys.
    "adoptDirective": OperationPaths(target="id", rename={"concrete_goal_ids": "concreteGoals"}),
    # verksamhetsplaner: a new plan is made in a cycle, so the cycle is what createOperationalPlan addresses.
    "createOperationalPlan": OperationPaths(target="cycleId"),
    "addPlanGoals": OperationPaths(target="planId"),
    "setInternalBudget": OperationPaths(target="planId"),
    "submitPlan": OperationPaths(target="id"),
    "returnPlan": OperationPaths(target="id"),
    "adoptPlan": OperationPaths(target="id", rename={"goal_ids": "goals"}),
    # a read that refuses a mandate period's cycle (cycle.kind)
    "compilation": OperationPaths(target="cycleId"),
}
