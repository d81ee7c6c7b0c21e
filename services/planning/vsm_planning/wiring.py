"""Composition root of the planning service."""

from __future__ import annotations

from pathlib import Path

from vsm_common.definition import ServiceDefinition

from .adapters.unit_of_work import SqlPlanningUnitOfWork
from .api.context import make_context
from .api.schema import schema
from .commands import COMMANDS
from .consumers import goal_projection
from .seed import seed

definition = ServiceDefinition(
    name="planning",
    default_port=4002,
    schema=schema,
    migrations=Path(__file__).parent / "migrations",
    context=make_context,
    consumers=(goal_projection,),
    seed=seed,
    commands=COMMANDS,
    unit_of_work=SqlPlanningUnitOfWork,
)
