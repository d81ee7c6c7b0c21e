"""Where the goals service's domain keys are in each mutation's GraphQL arguments (design §6).

The rules and use cases raise with domain keys (``domain/errors.py``); ``vsm_common.graphql``'s
``DomainErrors`` answers the path this table gives for the root field being resolved. An operation not
named here (the reads: ``employeeGoals``, ``employeeDataExport``, ``_entities``) gets its keys in
camelCase (``employee_ref`` -> ``employeeRef``), which is what they take as arguments.
"""

from __future__ import annotations

from vsm_common.field_paths import FieldPaths, OperationPaths

# Mutations taking an input object name its fields under ``input``; the others take their arguments
# at the top (``decision.bodyId``, ``effectiveFrom``).
FIELD_PATHS: FieldPaths = {
    "registerOrganization": OperationPaths(prefix="input"),
    "createGoal": OperationPaths(prefix="input"),
    # The link's child is the goal operated on; the one parent is an argument of its own (parentId).
    "linkGoals": OperationPaths(target="childId", rename={"parent_ids": "parentId"}),
    "unlinkGoals": OperationPaths(target="childId"),
    "reviseGoal": OperationPaths(target="id", prefix="input"),
    "adoptGoal": OperationPaths(target="id"),
    "retireGoal": OperationPaths(target="id"),
    "upsertEmployeeGoals": OperationPaths(),
}
