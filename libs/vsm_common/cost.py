"""How big a list field says it is, for the front door's cost limit (federation ``@listSize``).

Hive Router estimates an operation's cost before it calls a subgraph: every object is 1, every scalar 0,
and a list multiplies what is selected under it by its size. Without ``@listSize`` that size is the
router's ``demand_control.default_list_size`` (10) whatever the client asks, so a page of 1000 goals
would cost the same as a page of 10. A Relay connection therefore names its page arguments: the size
is ``first`` (or ``last``) and it applies to the connection's ``edges``.

``requireOneSlicingArgument`` is off: a connection asked without ``first`` or ``last`` is legal (the
services' page is then 50) and would otherwise be refused by the router; it then counts
``default_list_size`` items. ``tests`` check that every field with a ``first`` argument carries
:data:`PAGE`, so a new connection cannot leave the limit blind.
"""

from __future__ import annotations

from strawberry import UNSET
from strawberry.federation.schema_directives import ListSize

# The arguments of a Relay page (vsm_common.cursors) and the list they size.
SLICING_ARGUMENTS = ["first", "last"]
SIZED_FIELDS = ["edges"]

# The directives of a connection field: `directives=cost.PAGE`.
PAGE: list[object] = [
    ListSize(
        assumed_size=UNSET,  # unset, not null: composition refuses `assumedSize: null`
        slicing_arguments=SLICING_ARGUMENTS,
        sized_fields=SIZED_FIELDS,
        require_one_slicing_argument=False,
    )
]
