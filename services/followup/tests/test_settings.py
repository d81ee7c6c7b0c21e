"""Thresholds and roll-up strategy come from VSM_FOLLOWUP_* variables and are checked at start-up."""

import pydantic
import pytest

from vsm_followup.domain.rollup import RollupStrategy
from vsm_followup.settings import FollowupSettings


def test_defaults() -> None:
    s = FollowupSettings()
    assert s.rollup.strategy is RollupStrategy.WORST_OF
    assert (s.thresholds.achieved, s.thresholds.partly) == (1.0, 0.8)
    assert s.municipality == "1380"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSM_FOLLOWUP_ROLLUP_STRATEGY", "share")
    monkeypatch.setenv("VSM_FOLLOWUP_ROLLUP_ACHIEVED_SHARE", "0.9")
    monkeypatch.setenv("VSM_FOLLOWUP_INDICATOR_PARTLY_SHARE", "0.75")
    s = FollowupSettings()
    assert s.rollup.strategy is RollupStrategy.SHARE and s.rollup.achieved_share == 0.9
    assert s.thresholds.partly == 0.75


def test_inconsistent_thresholds_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSM_FOLLOWUP_INDICATOR_PARTLY_SHARE", "1.2")
    with pytest.raises(pydantic.ValidationError, match="INDICATOR_PARTLY_SHARE"):
        FollowupSettings()
    monkeypatch.delenv("VSM_FOLLOWUP_INDICATOR_PARTLY_SHARE")
    monkeypatch.setenv("VSM_FOLLOWUP_ROLLUP_STRATEGY", "best_of")
    with pytest.raises(pydantic.ValidationError):
        FollowupSettings()
