"""Settings of the planning service beyond the shared ones, from VSM_PLANNING_* variables."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlanningSettings(BaseSettings):
    """What an installation may tune without a code change; every name carries the VSM_PLANNING_ prefix."""

    model_config = SettingsConfigDict(env_prefix="VSM_PLANNING_", extra="ignore")

    # The demo data waits for the goals service: for its organisations and goals to reach planning's
    # projection, and for its answer to an adoption (establishing the goals) before going on with what
    # depends on it, the November revision of the June directive and a plan whose verksamhetsmål serve the
    # directive's goals. Usually a second; generous, because a busy machine can take much longer.
    seed_wait_seconds: float = Field(default=60.0, gt=0)
    seed_saga_wait_seconds: float = Field(default=120.0, gt=0)


@lru_cache(maxsize=1)
def get_settings() -> PlanningSettings:
    return PlanningSettings()
