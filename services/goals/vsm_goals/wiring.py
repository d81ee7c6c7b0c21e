"""Composition root of the goals service."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from vsm_common.cli import one_shot
from vsm_common.definition import ServiceDefinition
from vsm_common.runtime import Runtime

from .api.context import make_context
from .api.schema import schema
from .consumers import planning_saga
from .employee_goals import dispose_employee_goals
from .seed import seed
from .settings import GoalsSettings


async def dispose(rt: Runtime) -> None:
    """The disposal job (gallring), meant for a daily schedule (cron, Kubernetes CronJob)."""
    days = GoalsSettings().employee_goal_retention_days
    removed = await dispose_employee_goals(rt, timedelta(days=days))
    print(f"gallring: {removed} medarbetarmål older than {days} days removed")


definition = ServiceDefinition(
    name="goals",
    default_port=4001,
    schema=schema,
    migrations=Path(__file__).parent / "migrations",
    context=make_context,
    consumers=(planning_saga,),
    seed=seed,
    commands={"dispose-employee-goals": one_shot(dispose, "remove medarbetarmål past their retention (gallring)")},
)
