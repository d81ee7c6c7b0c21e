"""Composition root of the goals service."""

from __future__ import annotations

from pathlib import Path

from vsm_common.definition import ServiceDefinition

from .adapters.unit_of_work import SqlGoalsUnitOfWork
from .api.context import make_context
from .api.schema import schema
from .commands import COMMANDS
from .consumers import planning_saga
from .seed import seed

definition = ServiceDefinition(
    name="goals",
    default_port=4001,
    schema=schema,
    migrations=Path(__file__).parent / "migrations",
    context=make_context,
    consumers=(planning_saga,),
    seed=seed,
    commands=COMMANDS,
    unit_of_work=SqlGoalsUnitOfWork,
)
