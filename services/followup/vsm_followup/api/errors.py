"""Where followup's domain keys are in each mutation's GraphQL arguments.

The rules and use cases raise with domain keys (``domain/errors.py``); ``standard_extensions`` applies
this table by the root field's name, so a client reads the path of the argument it sent:
``owner_id`` is ``input.ownerId`` in ``addAction`` and ``defineIndicator``, ``goal_id`` is ``goalId``
wherever the goal is an argument of its own. An operation without an entry gets its keys camelCased.
"""

from __future__ import annotations

from vsm_common.field_paths import FieldPaths, OperationPaths

FIELD_PATHS: FieldPaths = {
    # year, kinds: arguments as they are
    "definePeriods": OperationPaths(),
    "closePeriod": OperationPaths(target="id"),
    "defineIndicator": OperationPaths(prefix="input"),
    # indicatorId, goalId, year, value: arguments as they are
    "linkIndicator": OperationPaths(),
    "setTarget": OperationPaths(),
    "recordMeasurement": OperationPaths(prefix="input", rename={"indicator_id": "indicatorId"}),
    "importKolada": OperationPaths(),
    # the argument names the assessing organisation by its id
    "assessGoal": OperationPaths(rename={"assessed_by": "assessedById"}),
    "addAction": OperationPaths(prefix="input", rename={"goal_id": "goalId"}),
    # the action is ``id``; the goal it serves, when follow-up no longer knows it, is still ``goalId``
    "setActionState": OperationPaths(target="id"),
}
