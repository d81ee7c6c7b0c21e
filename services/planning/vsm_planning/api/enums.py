"""The planning subgraph's GraphQL enums: the domain's enums, named and described for the schema."""

from __future__ import annotations

import strawberry

from vsm_common.graphql import describe_enum_values

from ..domain.model import (
    AnalysisSectionKind,
    AssignmentState,
    CycleKind,
    DirectiveKind,
    DirectiveState,
    GoalEstablishmentState,
    PhaseKind,
    PhaseState,
    PlanState,
)

strawberry.enum(
    CycleKind,
    name="CycleKind",
    description="Kind of planning cycle: the long-term part per mandate period (mandatperiod, 4 years) "
    "or the annual part per budget year (budgetår).",
)
strawberry.enum(
    PhaseKind,
    name="PhaseKind",
    description="Phase of a cycle (fas): strategisk analys and översyn av övergripande mål (mandate period); "
    "analys av planeringsförutsättningar, planeringsdirektiv, skattesats, verksamhetsplanering, "
    "sammanställning and uppföljning (annual).",
)
strawberry.enum(PhaseState, name="PhaseState", description="State of a phase: ej påbörjad, pågår, avslutad.")
strawberry.enum(
    AnalysisSectionKind,
    name="AnalysisSectionKind",
    description="Section of an analysis: omvärldsanalys (external), invärldsanalys (internal), basfakta.",
)
strawberry.enum(
    DirectiveKind, name="DirectiveKind", description="planeringsdirektiv (to nämnder) or ägardirektiv (to bolag)."
)
strawberry.enum(DirectiveState, name="DirectiveState", description="State of a directive: utkast, antaget, ersatt.")
strawberry.enum(
    AssignmentState,
    name="AssignmentState",
    description="State of a särskilt uppdrag: ej påbörjat, pågår, genomfört.",
)
strawberry.enum(
    PlanState,
    name="PlanState",
    description="State of a verksamhetsplan: utkast, inlämnad, antagen, återremitterad.",
)
strawberry.enum(
    GoalEstablishmentState,
    name="GoalEstablishmentState",
    description="Whether the goals service has established the goals of an adopted directive or verksamhetsplan.",
)
describe_enum_values(
    GoalEstablishmentState,
    {
        "PENDING": "Adopted; the goals service has not answered yet (usually a matter of seconds).",
        "ESTABLISHED": "Every goal is in force: adopted with this decision, or in force already.",
        "REFUSED": "A goal breaks a rule of the goal structure, so none was adopted (all or nothing); see refusals.",
    },
)
describe_enum_values(
    CycleKind,
    {
        "MANDATE_PERIOD": "The long-term part (långsiktig del), every 4 years per mandate period (mandatperiod).",
        "ANNUAL": "The annual part (årlig del), per budget year (budgetår).",
    },
)
describe_enum_values(
    PhaseKind,
    {
        "STRATEGIC_ANALYSIS": "Strategic analysis (strategisk analys): omvärldsanalys, invärldsanalys and basfakta.",
        "GOAL_REVIEW": "Review of the overarching goals (översyn av de övergripande målen).",
        "CONDITIONS_ANALYSIS": "Analysis of planning conditions (analys av planeringsförutsättningar), "
        "led by KS with nämnder and bolag.",
        "DIRECTIVE": "KF's planning directive or owner directive including budget "
        "(planeringsdirektiv/ägardirektiv inklusive budget).",
        "TAX_RATE": "KF's decision on the tax rate (beslut om skattesats).",
        "OPERATIONAL_PLANNING": "Operational planning for 3 years including internal budget "
        "(verksamhetsplanering inklusive internbudget).",
        "COMPILATION": "Compilation of the verksamhetsplaner (sammanställning), reported to KS and KF.",
        "FOLLOW_UP": "Follow-up, analysis and actions (uppföljning, analys och åtgärder).",
    },
)
describe_enum_values(
    PhaseState,
    {
        "NOT_STARTED": "Not started (ej påbörjad).",
        "OPEN": "Open, in progress (pågår).",
        "DONE": "Done (avslutad).",
    },
)
describe_enum_values(
    AnalysisSectionKind,
    {
        "EXTERNAL_ANALYSIS": "External analysis (omvärldsanalys).",
        "INTERNAL_ANALYSIS": "Internal analysis (invärldsanalys).",
        "BASE_FACTS": "Base facts (basfakta).",
    },
)
describe_enum_values(
    DirectiveKind,
    {
        "PLANNING_DIRECTIVE": "Planning directive (planeringsdirektiv), to nämnder.",
        "OWNER_DIRECTIVE": "Owner directive (ägardirektiv), to kommunala bolag.",
    },
)
describe_enum_values(
    DirectiveState,
    {
        "DRAFT": "Draft (utkast): not yet adopted.",
        "ADOPTED": "Adopted by KF (antaget): the revision in force.",
        "SUPERSEDED": "Superseded (ersatt) by a later adopted revision.",
    },
)
describe_enum_values(
    AssignmentState,
    {
        "NOT_STARTED": "Not started (ej påbörjat).",
        "IN_PROGRESS": "In progress (pågår).",
        "DONE": "Done (genomfört).",
    },
)
describe_enum_values(
    PlanState,
    {
        "DRAFT": "Draft (utkast), being written by the nämnd or bolag.",
        "SUBMITTED": "Submitted (inlämnad), with an internbudget that adds up to the frame.",
        "ADOPTED": "Adopted (antagen) by the nämnd or bolag with its own decision.",
        "RETURNED": "Returned for rework (återremitterad), with a reason; it can be changed again.",
    },
)
