"""Rules of verksamhetsplaner: owner, verksamhetsmål, internbudget and its balance against the frames, submission,
return (återremiss) and adoption. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from vsm_common.errors import TARGET, Conflict, DomainError

from .errors import UnbalancedBudget, item
from .model import (
    BudgetFrame,
    BudgetLine,
    Decision,
    GoalLevel,
    GoalState,
    KnownGoal,
    KnownOrganization,
    OperationalPlan,
    OrganizationKind,
    PlanState,
    YearBalance,
)
from .values import ACTIVITY_MAX, TEXT_MAX, check_amount

PLAN_OWNER_KINDS = frozenset({OrganizationKind.COMMITTEE, OrganizationKind.COMPANY})
EDITABLE_PLAN_STATES = frozenset({PlanState.DRAFT, PlanState.RETURNED})


def check_plan_organization(org: KnownOrganization, receives_directive: bool) -> None:
    if org.kind not in PLAN_OWNER_KINDS:
        raise DomainError(
            f"a verksamhetsplan belongs to a nämnd or bolag; {org.code} is {org.kind}",
            key="organization_id",
            rule="plan.organization_kind",
        )
    if not receives_directive:
        raise DomainError(
            f"{org.code} has no adopted directive in this cycle, so it has no frames to plan against",
            key="organization_id",
            rule="plan.no_directive",
        )


def check_plan_editable(plan: OperationalPlan) -> None:
    if plan.state not in EDITABLE_PLAN_STATES:
        raise Conflict(
            f"a {plan.state} verksamhetsplan cannot be changed; only DRAFT or RETURNED plans can",
            key=TARGET,
            rule="plan.not_editable",
        )


def check_plan_goals(
    organization_id: uuid.UUID, goals: Sequence[KnownGoal], parents: Mapping[uuid.UUID, KnownGoal]
) -> None:
    """Verksamhetsmål: OPERATIONAL goals of the plan's own organisation that serve a CONCRETE goal directed to it."""
    for goal in goals:
        if goal.level is not GoalLevel.OPERATIONAL:
            raise DomainError(
                f"a verksamhetsplan holds verksamhetsmål (OPERATIONAL); goal {goal.id} is {goal.level}",
                key="goal_ids",
                rule="plan.goal_level",
            )
        if goal.state is GoalState.RETIRED:
            raise DomainError(f"goal {goal.id} is retired", key="goal_ids", rule="plan.goal_retired")
        if organization_id not in goal.organization_ids:
            raise DomainError(
                f"goal {goal.id} is owned by another organisation than the plan's",
                key="goal_ids",
                rule="plan.goal_owner",
            )
        served = [parents[p] for p in goal.parent_ids if p in parents]
        if not any(
            p.level is GoalLevel.CONCRETE and organization_id in p.organization_ids and p.state is not GoalState.RETIRED
            for p in served
        ):
            raise DomainError(
                f"goal {goal.id} serves no konkretiserat mål (CONCRETE) directed to the plan's organisation",
                key="goal_ids",
                rule="plan.goal_serves",
            )


@dataclass(frozen=True, slots=True)
class LineInput:
    activity: str
    year: int
    amount: Decimal


def check_budget_lines(lines: Sequence[LineInput], years: Sequence[int]) -> list[BudgetLine]:
    """The internbudget: per activity and year; an activity may be net income (negative), e.g. fee-funded."""
    out = []
    seen: set[tuple[str, int]] = set()
    for i, line in enumerate(lines):
        activity = line.activity.strip()
        if not activity:
            raise DomainError(
                "activity must not be empty", key=item("lines", i, "activity"), rule="plan.activity_required"
            )
        if len(activity) > ACTIVITY_MAX:
            raise DomainError(
                f"activity must be at most {ACTIVITY_MAX} characters",
                key=item("lines", i, "activity"),
                rule="plan.activity_length",
            )
        if line.year not in years:
            raise DomainError(
                f"the plan covers {years[0]}–{years[-1]}, not {line.year}",
                key=item("lines", i, "year"),
                rule="plan.budget_year",
            )
        if (activity.casefold(), line.year) in seen:
            raise DomainError(
                f"activity {activity!r} appears twice for {line.year}",
                key=item("lines", i),
                rule="plan.budget_line_duplicate",
            )
        seen.add((activity.casefold(), line.year))
        out.append(
            BudgetLine(activity, line.year, check_amount(line.amount, item("lines", i, "amount"), allow_negative=True))
        )
    return out


def balance(
    years: Sequence[int], lines: Sequence[BudgetLine], frames: Sequence[BudgetFrame]
) -> tuple[YearBalance, ...]:
    by_year = {f.year: f.amount for f in frames}
    return tuple(
        YearBalance(year, by_year.get(year), sum((ln.amount for ln in lines if ln.year == year), Decimal("0.00")))
        for year in years
    )


def check_balanced(balances: Sequence[YearBalance]) -> None:
    off = [b for b in balances if not b.balanced]
    if not off:
        return
    parts = []
    for b in off:
        if b.frame is None:
            parts.append(f"{b.year}: no frame (internbudget {b.internal_budget})")
        else:
            parts.append(f"{b.year}: {b.difference:+} (internbudget {b.internal_budget}, frame {b.frame})")
    raise UnbalancedBudget(
        "the internbudget does not add up to the frame; difference per year: " + "; ".join(parts),
        balances=tuple(balances),
    )


def check_submit(plan: OperationalPlan, goal_count: int, balances: Sequence[YearBalance]) -> None:
    if plan.state not in EDITABLE_PLAN_STATES:
        raise Conflict(f"a {plan.state} plan cannot be submitted", key=TARGET, rule="plan.transition")
    if goal_count == 0:
        raise DomainError("a verksamhetsplan needs at least one verksamhetsmål", key=TARGET, rule="plan.goals_required")
    check_balanced(balances)


def check_return(plan: OperationalPlan, reason: str) -> str:
    if plan.state is not PlanState.SUBMITTED:
        raise Conflict(
            f"only a SUBMITTED plan can be returned; this one is {plan.state}", key=TARGET, rule="plan.transition"
        )
    cleaned = reason.strip()
    if not cleaned:
        raise DomainError("returning a plan needs a reason (motivering)", key="reason", rule="plan.return_reason")
    if len(cleaned) > TEXT_MAX:
        raise DomainError("reason is too long", key="reason", rule="plan.return_reason")
    return cleaned


def check_plan_adoption(plan: OperationalPlan, decision: Decision, balances: Sequence[YearBalance]) -> bool:
    """Whether adopting is a change (True) or a repeat of the same adoption (False)."""
    if plan.state is PlanState.ADOPTED:
        if plan.adopted == decision:
            return False
        raise Conflict("the plan is already adopted by another decision", key=TARGET, rule="plan.already_adopted")
    if plan.state is not PlanState.SUBMITTED:
        raise Conflict(
            f"only a SUBMITTED plan can be adopted; this one is {plan.state}", key=TARGET, rule="plan.transition"
        )
    if decision.body_id != plan.organization_id:
        raise DomainError(
            "a verksamhetsplan is adopted by its own nämnd or bolag (its own decision)",
            key="decision.body_id",
            rule="plan.decision_body",
        )
    # Frames may have changed (a revised directive) since the plan was submitted.
    check_balanced(balances)
    return True
