"""Rules of an assessment (bedömning) of a goal in a period."""

from __future__ import annotations

from datetime import date

from vsm_common.errors import Conflict, DomainError

from .model import STATUS_LABEL, AssessmentStatus, ReportingPeriod

ANALYSIS_MAX = 20_000


def check_assessment(status: AssessmentStatus, analysis: str | None, rolled_up: AssessmentStatus | None) -> str | None:
    """The analysis to store, trimmed; refuses what a committee could not stand behind.

    Anything but ACHIEVED needs an analysis (why, and what is done about it). Overriding what the
    contributing goals give needs one too, even for ACHIEVED: an override is made with a reason.
    """
    text = analysis.strip() if analysis else None
    text = text or None
    if text is None and status is not AssessmentStatus.ACHIEVED:
        raise DomainError(
            f"an analysis is required when the goal is assessed as {STATUS_LABEL[status]} ({status})",
            key="analysis",
            rule="assessment.analysis_required",
        )
    if text is None and rolled_up is not None and rolled_up is not status:
        raise DomainError(
            f"the goals that serve this one give {STATUS_LABEL[rolled_up]} ({rolled_up}); "
            "overriding that needs an analysis that says why",
            key="analysis",
            rule="assessment.override_reason",
        )
    if text is not None and len(text) > ANALYSIS_MAX:
        raise DomainError(
            f"the analysis is longer than {ANALYSIS_MAX} characters", key="analysis", rule="text.too_long"
        )
    return text


def check_goal_in_force(retired_on: date | None, period: ReportingPeriod) -> None:
    """A goal retired on or before a period's last day is not followed up in that period."""
    if retired_on is not None and retired_on <= period.ends_on:
        raise Conflict(
            f"the goal was retired on {retired_on.isoformat()} and is not followed up in {period.label}",
            key="goal_id",
            rule="goal.retired",
        )
