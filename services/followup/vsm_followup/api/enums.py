"""The enums of the followup subgraph, with a description of every value (registered on the domain's enums)."""

from __future__ import annotations

import strawberry

from vsm_common.graphql import describe_enum_values

from ..domain.model import (
    ActionState,
    AssessmentStatus,
    Direction,
    FulfilmentBasis,
    IndicatorSource,
    PeriodKind,
)

strawberry.enum(
    AssessmentStatus,
    name="AssessmentStatus",
    description="Assessment scale (bedömningsskala): uppfyllt, delvis uppfyllt, ej uppfyllt, ej bedömd/data saknas.",
)
strawberry.enum(
    FulfilmentBasis,
    name="FulfilmentBasis",
    description="What a fulfilment rests on (grund): own assessment (egen bedömning), roll-up from contributors "
    "(sammanvägning), an own assessment overriding the roll-up, or nothing yet.",
)
strawberry.enum(
    PeriodKind, name="PeriodKind", description="Kind of reporting period (periodtyp): månad, tertial, delår, helår."
)
strawberry.enum(
    IndicatorSource,
    name="IndicatorSource",
    description="Source of an indicator's values (källa): own measurement, Kolada, the HR or the finance system.",
)
strawberry.enum(
    Direction,
    name="Direction",
    description="Which way is better for an indicator (riktning): higher or lower values.",
)
strawberry.enum(
    ActionState,
    name="ActionState",
    description="State of an action (åtgärdsstatus): ej påbörjad, påbörjad, genomförd, försenad, avförd.",
)
describe_enum_values(
    AssessmentStatus,
    {
        "ACHIEVED": "Achieved (uppfyllt).",
        "PARTLY_ACHIEVED": "Partly achieved (delvis uppfyllt).",
        "NOT_ACHIEVED": "Not achieved (ej uppfyllt).",
        "NOT_ASSESSED": "Not assessed or no data (ej bedömd / data saknas).",
    },
)
describe_enum_values(
    FulfilmentBasis,
    {
        "ASSESSED": "The goal's own assessment (egen bedömning); its contributors give no roll-up.",
        "ROLLED_UP": "Rolled up from the goals that serve it (sammanvägd från bidragande mål).",
        "OVERRIDDEN": "The goal's own assessment, overriding the roll-up from its contributors "
        "(egen bedömning som ersätter sammanvägningen).",
        "NONE": "Neither an own assessment nor a roll-up yet (ingen bedömning).",
    },
)
describe_enum_values(
    PeriodKind,
    {
        "MONTH": "Month (månad): one calendar month.",
        "TERTIAL": "Tertial (tertial): the year up to the end of a four-month period, e.g. T1 1 January–30 April.",
        "INTERIM": "Interim report period (delår): 1 January–31 August.",
        "ANNUAL": "Full year (helår, årsredovisning): 1 January–31 December.",
    },
)
describe_enum_values(
    IndicatorSource,
    {
        "OWN": "Own measurement (egen mätning), entered in vsm.",
        "KOLADA": "The national KPI database Kolada (kolada.se), by KPI id.",
        "HR": "The HR system (personalsystem).",
        "FINANCE": "The finance system (ekonomisystem).",
    },
)
describe_enum_values(
    Direction,
    {
        "HIGHER_IS_BETTER": "A higher value is better (högre är bättre).",
        "LOWER_IS_BETTER": "A lower value is better (lägre är bättre).",
    },
)
describe_enum_values(
    ActionState,
    {
        "NOT_STARTED": "Not started (ej påbörjad).",
        "IN_PROGRESS": "In progress (påbörjad).",
        "DONE": "Done (genomförd).",
        "DELAYED": "Delayed (försenad).",
        "CANCELLED": "Cancelled (avförd).",
    },
)
