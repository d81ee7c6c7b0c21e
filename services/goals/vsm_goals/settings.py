"""Settings of the goals service beyond the shared ones."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class GoalsSettings(BaseSettings):
    """What a municipality may tune without a code change: the retention of medarbetarmål (gallring)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    # Gallring: medarbetarmål unchanged for this long are removed by `python -m vsm_goals dispose-employee-goals`.
    employee_goal_retention_days: int = Field(default=730, ge=1, alias="VSM_EMPLOYEE_GOAL_RETENTION_DAYS")


@lru_cache(maxsize=1)
def get_settings() -> GoalsSettings:
    return GoalsSettings()
