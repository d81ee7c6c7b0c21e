"""Unit tests of fulfilment without assessments."""

import uuid

from vsm_followup.domain.model import AssessmentStatus, FulfilmentBasis, unassessed


def test_unassessed_goal_explains_itself() -> None:
    f = unassessed(uuid.uuid4(), None, 0)
    assert f.status is AssessmentStatus.NOT_ASSESSED
    assert f.basis is FulfilmentBasis.NONE
    assert "ingen bedömning" in f.explanation


def test_unassessed_goal_counts_contributors() -> None:
    f = unassessed(uuid.uuid4(), None, 3)
    assert "3 bidragande mål" in f.explanation
