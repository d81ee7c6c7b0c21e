"""The goals service's own commands beside serve/migrate/seed/sdl/dlq (``python -m vsm_goals <command>``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from vsm_common.cli import one_shot
from vsm_common.definition import Command
from vsm_common.runtime import Runtime

from .adapters.unit_of_work import goals_unit
from .service.employee_goals import dispose_employee_goals
from .settings import get_settings


async def dispose(rt: Runtime) -> None:
    """The disposal job (gallring), meant for a daily schedule (cron, Kubernetes CronJob)."""
    days = get_settings().employee_goal_retention_days
    removed = await dispose_employee_goals(goals_unit(rt.unit_of_work()), timedelta(days=days))
    print(f"gallring: {removed} medarbetarmål older than {days} days removed")


COMMANDS: Mapping[str, Command] = {
    "dispose-employee-goals": one_shot(dispose, "remove medarbetarmål past their retention (gallring)"),
}
