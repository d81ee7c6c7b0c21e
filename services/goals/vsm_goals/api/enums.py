"""The goals subgraph's enums: the domain's own, named and described for GraphQL."""

from __future__ import annotations

import strawberry

from vsm_common.graphql import describe_enum_values

from ..domain.model import GoalLevel, GoalState, OrganizationKind

__all__ = ["GoalLevel", "GoalState", "OrganizationKind"]


strawberry.enum(
    OrganizationKind,
    name="OrganizationKind",
    description="Kind of organisation (organisationstyp): KF, KS, nämnd, bolag, förvaltning or enhet.",
)
strawberry.enum(
    GoalLevel,
    name="GoalLevel",
    description="Level in the goal structure (målnivå): övergripande mål, handlingsprogram, "
    "konkretiserade mål, verksamhetsmål.",
)
strawberry.enum(GoalState, name="GoalState", description="Life-cycle state of a goal: utkast, antaget or avvecklat.")
describe_enum_values(
    OrganizationKind,
    {
        "COUNCIL": "Municipal council (kommunfullmäktige, KF).",
        "EXECUTIVE_BOARD": "Municipal executive board (kommunstyrelsen, KS).",
        "COMMITTEE": "Committee (nämnd), e.g. Barn- och ungdomsnämnden.",
        "COMPANY": "Municipal company (kommunalt bolag), steered by ägardirektiv.",
        "ADMINISTRATION": "Administration (förvaltning), e.g. Stadskontoret.",
        "UNIT": "Unit (enhet) of an administration, where employees work.",
    },
)
describe_enum_values(
    GoalLevel,
    {
        "OVERARCHING": "Overarching goal (övergripande mål), adopted by KF for 10–20 years.",
        "ACTION_PROGRAMME": "Action programme (handlingsprogram), adopted by KF and reviewed yearly.",
        "CONCRETE": "Concrete goal and priority (konkretiserat mål och prioritering), set by KF in the "
        "planeringsdirektiv for 1–3 years, directed to one or more nämnder or bolag.",
        "OPERATIONAL": "Operational goal (verksamhetsmål), set by a nämnd or bolag in its verksamhetsplan.",
    },
)
describe_enum_values(
    GoalState,
    {
        "DRAFT": "Draft (utkast): not yet adopted.",
        "ADOPTED": "Adopted (antaget): in force.",
        "RETIRED": "Retired (avvecklat): no longer in force, kept in the history.",
    },
)
