"""Roll-up (sammanvägning) of fulfilment up the goal structure, with explanations a committee can read.

Rules:
- A goal's own assessment in the period decides its status. When contributors give a roll-up, the
  own assessment overrides it (basis OVERRIDDEN) and the explanation names what it overrode.
- Without an own assessment the status is rolled up from the contributors that have a status
  (basis ROLLED_UP); contributors nobody assessed are counted in the explanation, not in the result.
- The structure is the one in force on ``as_of`` (by default the period's last day): only the links
  in force that day connect a goal to its contributors (a link changed by a decision counts from the
  day the change took effect), and a goal counts as a contributor while it is still in force then:
  a goal retired on or before ``as_of`` drops out (it is named in the explanation, not counted).
  Its own subtree drops out with it. Asked for a date (``asOf``), the structure is the one decided by
  then: a goal adopted after it is not yet part of it (not counted, not named), as in planning.
- Strategies: WORST_OF (default; the worst contributor decides) and SHARE (ACHIEVED when at least
  ``achieved_share`` of the assessed contributors are achieved, PARTLY_ACHIEVED when at least
  ``partly_share`` are at least partly achieved, otherwise NOT_ACHIEVED).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .model import STATUS_LABEL, AssessmentStatus, Fulfilment, FulfilmentBasis, unassessed

S = AssessmentStatus

# Worst first: the order in which the explanation names contributors.
_RANK: dict[AssessmentStatus, int] = {S.NOT_ACHIEVED: 0, S.PARTLY_ACHIEVED: 1, S.ACHIEVED: 2}
_PLURAL: dict[AssessmentStatus, str] = {
    S.NOT_ACHIEVED: "ej uppfyllda",
    S.PARTLY_ACHIEVED: "delvis uppfyllda",
    S.ACHIEVED: "uppfyllda",
    S.NOT_ASSESSED: "ej bedömda",
}
# (singular, plural) of each goal level, as a committee would write them.
_LEVEL_NOUN: dict[str, tuple[str, str]] = {
    "OVERARCHING": ("övergripande mål", "övergripande mål"),
    "ACTION_PROGRAMME": ("handlingsprogram", "handlingsprogram"),
    "CONCRETE": ("konkretiserat mål", "konkretiserade mål"),
    "OPERATIONAL": ("verksamhetsmål", "verksamhetsmål"),
}
_MIXED_NOUN = ("bidragande mål", "bidragande mål")
# A 1,500-goal tree must not produce a page-long sentence: name this many, count the rest.
MAX_NAMED = 8


class RollupStrategy(enum.StrEnum):
    """How contributors combine: the worst decides, or the share of achieved contributors."""

    WORST_OF = "worst_of"
    SHARE = "share"


@dataclass(frozen=True, slots=True)
class RollupPolicy:
    strategy: RollupStrategy = RollupStrategy.WORST_OF
    achieved_share: float = 0.8
    partly_share: float = 0.5


@dataclass(frozen=True, slots=True)
class GoalNode:
    """One goal of the projected structure as the roll-up needs it, with its own status in the period."""

    id: uuid.UUID
    level: str
    title: str
    child_ids: tuple[uuid.UUID, ...] = ()
    retired_on: date | None = None
    own_status: AssessmentStatus | None = None
    adopted_on: date | None = None


def structure_day(as_of: date | None, period_ends_on: date | None, today: Callable[[], date]) -> date:
    """The day whose goal structure a roll-up walks: the one asked for; else the period's last day, as a
    period is followed up with the goals and links in force at its end; else today."""
    if as_of is not None:
        return as_of
    return period_ends_on if period_ends_on is not None else today()


def retired_by(node: GoalNode, as_of: date) -> bool:
    """Retired on or before ``as_of``: out of the roll-up, and named in its explanation."""
    return node.retired_on is not None and node.retired_on <= as_of


def in_force(node: GoalNode, as_of: date, *, decided_by_then: bool = False) -> bool:
    """In force on ``as_of`` (a period's last day, or an asked date): not yet retired then.

    ``decided_by_then`` (a date was asked for) also requires the adoption to be dated on or before
    it. A period's own follow-up leaves adoption dates aside: a goal adopted during or after the
    period is still followed up in it. An adoption date follow-up never learned counts as any date.
    """
    if decided_by_then and node.adopted_on is not None and node.adopted_on > as_of:
        return False
    return not retired_by(node, as_of)


def combine(statuses: Sequence[AssessmentStatus], policy: RollupPolicy) -> AssessmentStatus | None:
    """The rolled-up status of assessed contributors; None when none of them is assessed."""
    assessed = [s for s in statuses if s is not S.NOT_ASSESSED]
    if not assessed:
        return None
    if policy.strategy is RollupStrategy.WORST_OF:
        return min(assessed, key=_RANK.__getitem__)
    n = len(assessed)
    achieved = sum(1 for s in assessed if s is S.ACHIEVED)
    at_least_partly = achieved + sum(1 for s in assessed if s is S.PARTLY_ACHIEVED)
    eps = 1e-9  # 4 of 5 is exactly 80 %, whatever floating point says
    if achieved >= policy.achieved_share * n - eps:
        return S.ACHIEVED
    if at_least_partly >= policy.partly_share * n - eps:
        return S.PARTLY_ACHIEVED
    return S.NOT_ACHIEVED


def _quote(titles: Sequence[str]) -> str:
    named = ", ".join(f"”{t}”" for t in titles[:MAX_NAMED])
    rest = len(titles) - MAX_NAMED
    return f"{named} och {rest} till" if rest > 0 else named


def _noun(levels: Iterable[str | None], count: int) -> str:
    distinct = set(levels)
    singular, plural = _LEVEL_NOUN.get(next(iter(distinct)) or "", _MIXED_NOUN) if len(distinct) == 1 else _MIXED_NOUN
    return singular if count == 1 else plural


def _word(status: AssessmentStatus, count: int) -> str:
    return STATUS_LABEL[status] if count == 1 else _PLURAL[status]


def describe(contributors: Sequence[Fulfilment]) -> str:
    """'2 av 5 verksamhetsmål ej uppfyllda: ”A”, ”B”; 1 delvis uppfyllt: ”C”; 2 uppfyllda'."""
    total = len(contributors)
    noun = _noun((c.level for c in contributors), total)
    parts: list[str] = []
    for status in (S.NOT_ACHIEVED, S.PARTLY_ACHIEVED, S.ACHIEVED, S.NOT_ASSESSED):
        group = [c for c in contributors if c.status is status]
        if not group:
            continue
        count = f"{len(group)} av {total} {noun}" if not parts else str(len(group))
        text = f"{count} {_word(status, len(group))}"
        if status in (S.NOT_ACHIEVED, S.PARTLY_ACHIEVED):
            text += ": " + _quote([c.title for c in group])
        parts.append(text)
    return "; ".join(parts)


def _strategy_text(policy: RollupPolicy) -> str:
    if policy.strategy is RollupStrategy.WORST_OF:
        return "sämsta utfall avgör"
    return (
        f"andel: uppfyllt från {round(policy.achieved_share * 100)} % uppfyllda, "
        f"delvis från {round(policy.partly_share * 100)} % minst delvis uppfyllda"
    )


def _retired_note(retired: Sequence[GoalNode]) -> str:
    if not retired:
        return ""
    titles = _quote(sorted(r.title for r in retired))
    if len(retired) == 1:
        return f" 1 avvecklat mål räknas inte: {titles}."
    return f" {len(retired)} avvecklade mål räknas inte: {titles}."


def _fulfil(
    node: GoalNode,
    contributors: list[Fulfilment],
    retired: list[GoalNode],
    period_id: uuid.UUID | None,
    policy: RollupPolicy,
) -> Fulfilment:
    rolled = combine([c.status for c in contributors], policy)
    note = _retired_note(retired)
    if node.own_status is not None:
        status = node.own_status
        own = STATUS_LABEL[status]
        if rolled is None:
            basis, why = FulfilmentBasis.ASSESSED, f"Egen bedömning: {own}.{note}"
        else:
            basis = FulfilmentBasis.OVERRIDDEN
            why = (
                f"Egen bedömning ({own}) ersätter sammanvägningen ({STATUS_LABEL[rolled]}, "
                f"{_strategy_text(policy)}): {describe(contributors)}.{note}"
            )
    elif rolled is not None:
        status, basis = rolled, FulfilmentBasis.ROLLED_UP
        why = f"Sammanvägt ({_strategy_text(policy)}): {describe(contributors)}.{note}"
    else:
        base = unassessed(node.id, period_id, len(contributors))
        status, basis, why = base.status, base.basis, base.explanation + note
    return Fulfilment(
        node.id,
        period_id,
        status,
        basis,
        why,
        contributors=tuple(contributors),
        rolled_up_status=rolled,
        title=node.title,
        level=node.level,
    )


def roll_up(
    roots: Iterable[uuid.UUID],
    nodes: Mapping[uuid.UUID, GoalNode],
    *,
    period_id: uuid.UUID | None,
    as_of: date,
    policy: RollupPolicy,
    decided_by_then: bool = False,
) -> dict[uuid.UUID, Fulfilment]:
    """Fulfilment of ``roots`` and of every goal below them, each computed once (the structure is a DAG).

    ``decided_by_then``: whether a goal adopted after ``as_of`` is left out (see :func:`in_force`).

    Iterative post-order, so depth is bounded by memory rather than the recursion limit; a link
    that would close a cycle is ignored rather than looping.
    """
    done: dict[uuid.UUID, Fulfilment] = {}
    on_path: set[uuid.UUID] = set()
    for root in roots:
        if root in done or root not in nodes:
            continue
        stack: list[tuple[uuid.UUID, bool]] = [(root, False)]
        while stack:
            goal_id, expanded = stack.pop()
            node = nodes[goal_id]
            children = [nodes[c] for c in node.child_ids if c in nodes]
            live = [c for c in children if in_force(c, as_of, decided_by_then=decided_by_then)]
            if not expanded:
                if goal_id in done:
                    continue
                on_path.add(goal_id)
                stack.append((goal_id, True))
                stack.extend((c.id, False) for c in live if c.id not in done and c.id not in on_path)
                continue
            on_path.discard(goal_id)
            if goal_id in done:
                continue
            contributors = sorted((done[c.id] for c in live if c.id in done), key=lambda f: (f.title, str(f.goal_id)))
            retired = [c for c in children if retired_by(c, as_of)]
            done[goal_id] = _fulfil(node, contributors, retired, period_id, policy)
    return done
