"""Settings of the followup service: thresholds, roll-up strategy, Kolada, from VSM_FOLLOWUP_* variables."""

from __future__ import annotations

from functools import lru_cache
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.indicators import Thresholds
from .domain.rollup import RollupPolicy, RollupStrategy


class FollowupSettings(BaseSettings):
    """What a municipality may tune without a code change; every name carries the VSM_FOLLOWUP_ prefix."""

    model_config = SettingsConfigDict(env_prefix="VSM_FOLLOWUP_", extra="ignore")

    # Roll-up of a goal from the goals that serve it.
    rollup_strategy: RollupStrategy = RollupStrategy.WORST_OF
    rollup_achieved_share: float = Field(default=0.8, gt=0, le=1)  # share strategy: ACHIEVED from this share
    rollup_partly_share: float = Field(default=0.5, gt=0, le=1)  # ... PARTLY_ACHIEVED when at least partly
    # Suggested status from indicators: share of the target reached.
    indicator_achieved_share: float = Field(default=1.0, gt=0)
    indicator_partly_share: float = Field(default=0.8, gt=0)
    # Kolada publishes a year's values during the next year: a period may use a value this many years old.
    measurement_max_age_years: int = Field(default=1, ge=0, le=5)
    municipality: str = "1380"  # our own Kolada municipality id (Halmstad)
    kolada_api_url: str = "https://api.kolada.se/v3"  # `kolada fetch` asks here; a mirror may stand in
    # Kolada answers 429 when asked too fast and 5xx when busy: a page is asked at most this many
    # times, and a Retry-After longer than the wait below ends the fetch rather than stalling it.
    kolada_attempts: int = Field(default=5, ge=1, le=20)
    kolada_max_wait_seconds: float = Field(default=60.0, gt=0, le=3600)
    seed_wait_seconds: float = 60.0

    @model_validator(mode="after")
    def _ordered_thresholds(self) -> Self:
        if self.rollup_partly_share > self.rollup_achieved_share:
            raise ValueError("VSM_FOLLOWUP_ROLLUP_PARTLY_SHARE must not exceed VSM_FOLLOWUP_ROLLUP_ACHIEVED_SHARE")
        if self.indicator_partly_share > self.indicator_achieved_share:
            raise ValueError(
                "VSM_FOLLOWUP_INDICATOR_PARTLY_SHARE must not exceed VSM_FOLLOWUP_INDICATOR_ACHIEVED_SHARE"
            )
        return self

    @property
    def rollup(self) -> RollupPolicy:
        return RollupPolicy(self.rollup_strategy, self.rollup_achieved_share, self.rollup_partly_share)

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.indicator_achieved_share, self.indicator_partly_share)


@lru_cache(maxsize=1)
def get_settings() -> FollowupSettings:
    return FollowupSettings()
