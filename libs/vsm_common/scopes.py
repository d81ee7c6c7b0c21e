"""Who may read and write what: the scope sets of the access policy, declared once for the three subgraphs.

The policy lives in the subgraphs' schemas as federation ``@requiresScopes`` directives (roles are the
scopes: a caller's scopes are the ``vsm_roles`` of its token). Each set below is an OR of AND-groups, as
the directive takes it; every group here is a single role. A field is usable when the rules of its parent
type, of the field itself and of its result type (leaves have none) are each met. Every subgraph declares
its types and fields with these constants, so an entity type declared in several subgraphs carries the
same type rule everywhere (composition ANDs the type rules of a type's subgraphs). Enforced by the router
or gateway from the supergraph and again by each subgraph from its own schema (``vsm_common.authz``);
rows (an employee's own medarbetarmål, a committee's own plans) are the services' business on top.

Pure data: no imports, so any layer may read it.
"""

from __future__ import annotations

Scopes = list[list[str]]

PLANNER_ROLE = "planner"  # the planning office (planeringsavdelningen): goals, directives, plans, periods
COMMITTEE_ROLE = "committee"  # a nämnd or bolag (vsm_org): its own verksamhetsplan, assessments, actions
EMPLOYEE_ROLE = "employee"  # reads the goal structure and their own medarbetarmål
MANAGER_ROLE = "manager"  # a chef of one unit (vsm_org): the goal structure and the unit's medarbetarmål
HR_SYSTEM_ROLE = "hr-system"  # machine client: reads and upserts medarbetarmål
BUDGET_SYSTEM_ROLE = "budget-system"  # machine client: directives and what came with them, nothing else
READER_ROLE = "reader"  # reads everything except personal data
OPS_ROLE = "ops"  # operations: reads everything except personal data, to follow a request; writes nothing

ROLES: tuple[str, ...] = (
    PLANNER_ROLE,
    COMMITTEE_ROLE,
    EMPLOYEE_ROLE,
    MANAGER_ROLE,
    HR_SYSTEM_ROLE,
    BUDGET_SYSTEM_ROLE,
    READER_ROLE,
    OPS_ROLE,
)

# Roles whose writes reach only the organisation their token names (vsm_org): of the roles a mutation
# allows, these act for one organisation, any other for all (vsm_common.authz.acting_organization).
ORGANIZATION_SCOPED_ROLES: frozenset[str] = frozenset({COMMITTEE_ROLE})


def _any_of(*roles: str) -> Scopes:
    return [[role] for role in roles]


# Types the budget system reads besides everyone: directives with their frames, tax rate, decision,
# särskilda uppdrag, goal establishment and konkretiserade mål (by the goal's own fields only).
ALL: Scopes = _any_of(*ROLES)
# Everything but personal data: every role but the budget system.
PUBLIC: Scopes = _any_of(*(role for role in ROLES if role != BUDGET_SYSTEM_ROLE))
# Personal data (medarbetarmål, their access log, the registerutdrag): the roles that read everything.
PERSONAL: Scopes = _any_of(EMPLOYEE_ROLE, MANAGER_ROLE, HR_SYSTEM_ROLE)

# Writes.
PLANNER: Scopes = _any_of(PLANNER_ROLE)
PLANNER_OR_COMMITTEE: Scopes = _any_of(PLANNER_ROLE, COMMITTEE_ROLE)
COMMITTEE: Scopes = _any_of(COMMITTEE_ROLE)
HR_SYSTEM: Scopes = _any_of(HR_SYSTEM_ROLE)
