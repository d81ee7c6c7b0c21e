"""Descriptions of the GraphQL types that every subgraph defines, written for the public API.

The gateway's composition keeps one description for a type defined in several subgraphs (that of the first
subgraph by name that has one), so a text written for one subgraph's view would describe the whole public type.
The root types and the shared entities therefore read the same in every subgraph: they say what the whole API
offers, and each field keeps its own subgraph's description. ``tests/test_schema_descriptions.py`` checks that
they stay the same.
"""

from __future__ import annotations

QUERY = (
    "Reads of the vision governance model (visionsstyrningsmodell), one API over three services. Goals: the "
    "vision, organisations, the goal structure (målstruktur) and medarbetarmål. Planning: planning cycles, "
    "planerings- and ägardirektiv, verksamhetsplaner and their sammanställning. Follow-up: reporting periods and "
    "indicators (nyckeltal). A service on its own answers its part."
)

MUTATION = (
    "Changes to the vision governance model (visionsstyrningsmodell), one API over three services. Goals: "
    "organisations, goals and their links, adoption and retirement by decision (beslut), medarbetarmål from the HR "
    "system. Planning: planning cycles and phases, analysis, directives with budget frames, skattesats, "
    "konkretiserade mål and särskilda uppdrag, verksamhetsplaner with internbudget. Follow-up: reporting "
    "periods, indicators, targets and measurements, Kolada imports, assessments and actions. A service on its own "
    "takes its part."
)

GOAL = (
    "A goal (mål) in the goal hierarchy (målstruktur): övergripande mål, handlingsprogram, konkretiserat mål or "
    "verksamhetsmål. With its revisions, the goals it serves and those that serve it, its medarbetarmål, the "
    "directive that established it and the verksamhetsplaner that hold it, and its follow-up: indicators, "
    "assessments, fulfilment and actions."
)

ORGANIZATION = (
    "An organisation of the municipality (organisation): kommunfullmäktige, kommunstyrelsen, a nämnd, a kommunalt "
    "bolag, a förvaltning or an enhet. With its place in the organisation, its budget frames, directives and "
    "verksamhetsplaner, and its follow-up report."
)
