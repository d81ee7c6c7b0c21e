"""The caller (inloggad användare): who the verified token says is asking, for a client that must not read it."""

from __future__ import annotations

import strawberry

from vsm_common import scopes

from ..service import organizations as organization_cases
from .common import GInfo
from .organizations import Organization


@strawberry.federation.type(
    requires_scopes=scopes.ALL,
    description="The caller (inloggad användare) as the verified access token names it: subject, roles and the "
    "organisation it speaks for. What a client shows or offers; the API still decides every read and change.",
)
class Viewer:
    subject: str = strawberry.field(
        description="The token's subject (`sub`): for an employee the pseudonymous employee reference "
        "(medarbetarreferens) their medarbetarmål are kept under."
    )
    roles: list[str] = strawberry.field(
        description='The token\'s vsm roles (`vsm_roles`) in alphabetical order, e.g. "committee" or "planner"; '
        "docs/api.md lists what each may read and change."
    )
    organization: Organization | None = strawberry.field(
        description="The organisation the token speaks for (`vsm_org`, by code): a committee's nämnd or bolag, a "
        "manager's enhet. Null when the token names none, or a code no organisation has."
    )

    @classmethod
    def from_domain(cls, v: organization_cases.Viewer) -> Viewer:
        return cls(
            subject=v.subject,
            roles=list(v.roles),
            organization=Organization.from_domain(v.organization) if v.organization else None,
        )


async def resolve_viewer(info: GInfo) -> Viewer:
    return Viewer.from_domain(await organization_cases.viewer(info.context.uow(), info.context.principal))


VIEWER_FIELD: Viewer = strawberry.federation.field(
    resolver=resolve_viewer,
    requires_scopes=scopes.ALL,
    description="The caller (inloggad användare): the subject, roles and organisation of the verified access "
    "token, so a client need not read the token itself.",
)
