"""The goal structure on a date: which goals are in force and which links in effect, and what plans serve. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from .model import (
    GoalLink,
    GoalState,
    KnownGoal,
)


def goal_in_force(goal: KnownGoal | None, on: date) -> bool:
    """Whether the goal was in force on ``on``: adopted by a decision dated on or before it and not
    retired by then. An adoption or retirement whose date planning never learned (projected before
    the dates were) counts as on every date, so such a goal is in force always or never."""
    if goal is None or goal.state is GoalState.DRAFT:
        return False
    if goal.adopted_on is not None and goal.adopted_on > on:
        return False
    if goal.state is GoalState.RETIRED:
        return goal.retired_on is not None and on < goal.retired_on
    return True


def link_in_effect(link: GoalLink, on: date) -> bool:
    """Whether the link's own period holds ``on`` (from inclusive, to exclusive); a link without a start
    takes effect with its child's adoption, which ``goal_in_force`` of the child decides."""
    started = link.effective_from is None or link.effective_from <= on
    return started and (link.effective_to is None or on < link.effective_to)


def parents_on(
    child: KnownGoal | None,
    links: Iterable[GoalLink],
    goals: Mapping[uuid.UUID, KnownGoal],
    on: date,
    *,
    in_force_only: bool,
) -> list[uuid.UUID]:
    """The goals ``child`` serves on ``on``: by the links whose own period holds the day. ``in_force_only``
    (a date asked for): only between goals both in force then. Otherwise (now): whatever the goals' states,
    so a draft verksamhetsmål serves what its plan proposes."""
    if in_force_only and not goal_in_force(child, on):
        return []
    return list(
        dict.fromkeys(
            ln.parent_id
            for ln in links
            if link_in_effect(ln, on) and (not in_force_only or goal_in_force(goals.get(ln.parent_id), on))
        )
    )


def served_by_plans(
    plan_goal_ids: Mapping[uuid.UUID, Sequence[uuid.UUID]],
    links: Mapping[uuid.UUID, Sequence[GoalLink]],
    goals: Mapping[uuid.UUID, KnownGoal],
    as_of: date | None,
    today: date,
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Per plan: the goals its verksamhetsmål serve (``parents_on`` each), in the order of the plan; on
    ``as_of`` by the structure in force then, without it as the structure stands ``today``."""
    on = as_of or today
    return {
        plan_id: list(
            dict.fromkeys(
                p
                for gid in goal_ids
                for p in parents_on(goals.get(gid), links.get(gid, ()), goals, on, in_force_only=as_of is not None)
            )
        )
        for plan_id, goal_ids in plan_goal_ids.items()
    }


def goals_on(
    goal_ids: Sequence[uuid.UUID], goals: Mapping[uuid.UUID, KnownGoal], as_of: date | None
) -> list[uuid.UUID]:
    """``goal_ids`` as they stand now, or only those in force on ``as_of``."""
    if as_of is None:
        return list(goal_ids)
    return [g for g in goal_ids if goal_in_force(goals.get(g), as_of)]


def link_date_of_legacy_event(child_state: GoalState | None, recorded_on: date) -> date | None:
    """The date a goal.linked.v1 or goal.unlinked.v1 took effect, by the meaning those events had: a change
    to a goal in force took effect the day it was recorded; a draft's links take effect with its adoption
    (linked: None) or never did (unlinked: None, the link is removed)."""
    if child_state is None or child_state is GoalState.DRAFT:
        return None
    return recorded_on
