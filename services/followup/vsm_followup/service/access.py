"""Whose goals a caller follows up (uppföljningens radbehörighet): pure checks over what the use case loaded.

A committee (nämnd) follows up the goals it owns (OPERATIONAL) or that are addressed to it (CONCRETE),
and assesses in its own name only. The use case loads the goal's organisations through its unit of
work; the decision is :class:`~vsm_common.access.RowScope`'s, so it reads the same in every service.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from vsm_common.access import RowScope

from ..domain.errors import Key
from ..domain.model import ProjectedOrganization


def acting_organization(scope: RowScope, goal_orgs: Collection[ProjectedOrganization], key: Key) -> uuid.UUID | None:
    """The goal's organisation the caller acts for, None when it reaches every goal; refuses any other goal."""
    scope.require_organization(
        {o.code for o in goal_orgs},
        key,
        message=(
            f"{{field}}: the goal is neither owned by nor addressed to {scope.organization}, "
            "the organisation of this token"
        ),
    )
    if scope.everyone:
        return None
    return next(o.id for o in goal_orgs if o.code == scope.organization)


def require_own_assessor(
    scope: RowScope, goal_orgs: Collection[ProjectedOrganization], assessed_by: uuid.UUID, key: Key
) -> None:
    """Refuse a committee naming another organisation than its own as the assessor (bedömd av).

    Its own is one of the goal's (:func:`acting_organization` admitted it), so the assessor's code is
    looked up among those: any other organisation, known or not, has none the scope reaches.
    """
    scope.require_organization(
        {o.code for o in goal_orgs if o.id == assessed_by},
        key,
        message=f"{{field}}: a committee token for {scope.organization} assesses in its own name only",
    )
