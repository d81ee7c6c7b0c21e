"""Rules of plain values in planning: years, titles, amounts (öre), the tax rate (skattesats), decisions (beslut),
and organisations and goals planning knows of. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from vsm_common.errors import DomainError, NotFound

from .errors import Key
from .model import (
    Decision,
    KnownGoal,
    KnownOrganization,
)

YEAR_MIN, YEAR_MAX = 2000, 2200
TITLE_MAX = 300
ACTIVITY_MAX = 200
TEXT_MAX = 100_000
CENT = Decimal("0.01")
# numeric(16,2) in the database: up to 99 999 999 999 999.99 SEK.
AMOUNT_LIMIT = Decimal("100000000000000")


def check_year(year: int, key: Key) -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(f"{{field}} must be between {YEAR_MIN} and {YEAR_MAX}", key=key, rule="year.range")
    return year


def check_title(title: str) -> str:
    cleaned = title.strip()
    if not cleaned:
        raise DomainError("title must not be empty", key="title", rule="title.required")
    if len(cleaned) > TITLE_MAX:
        raise DomainError(f"title must be at most {TITLE_MAX} characters", key="title", rule="title.max_length")
    return cleaned


def optional_text(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip()
    return cleaned or None


def check_amount(value: Decimal, key: str, *, allow_negative: bool = False) -> Decimal:
    """An exact amount in SEK with at most two decimals (öre); ``key`` names the item (``frames.0.amount``)."""
    try:
        if not value.is_finite():
            raise InvalidOperation
        cents = value.quantize(CENT)
    except InvalidOperation:
        raise DomainError("amount must be a finite decimal number", key=key, rule="amount.format") from None
    if cents != value:
        raise DomainError("amount has more than two decimals (öre)", key=key, rule="amount.precision")
    if abs(cents) >= AMOUNT_LIMIT:
        raise DomainError("amount is too large", key=key, rule="amount.range")
    if cents < 0 and not allow_negative:
        raise DomainError("amount must not be negative", key=key, rule="amount.negative")
    return cents


def check_tax_rate(rate: Decimal) -> Decimal:
    """Skattesats in kronor per 100 kr of taxable income, e.g. 20.38."""
    try:
        if not rate.is_finite():
            raise InvalidOperation
        exact = rate.quantize(CENT)
    except InvalidOperation:
        raise DomainError("rate must be a finite decimal number", key="tax_rate", rule="tax_rate.format") from None
    if exact != rate:
        raise DomainError("a tax rate has at most two decimals, e.g. 20.38", key="tax_rate", rule="tax_rate.precision")
    if not Decimal("0") < exact < Decimal("100"):
        raise DomainError(
            "a tax rate is kronor per 100 kr of taxable income: more than 0 and less than 100",
            key="tax_rate",
            rule="tax_rate.range",
        )
    return exact


def check_decision(decision: Decision) -> Decision:
    check_year(decision.date.year, "decision.date")
    return Decision(
        body_id=decision.body_id,
        date=decision.date,
        paragraph=optional_text(decision.paragraph),
        diary_number=optional_text(decision.diary_number),
    )


def known_organizations(
    ids: Sequence[uuid.UUID], known: Mapping[uuid.UUID, KnownOrganization], key: Key
) -> list[KnownOrganization]:
    """The organisations, or NotFound naming the first one planning has not learned of (yet)."""
    out = []
    for oid in ids:
        org = known.get(oid)
        if org is None:
            raise NotFound(
                f"organisation {oid} is not known to planning: the goals service has not registered it, "
                "or its event has not reached planning yet",
                key=key,
                rule="organization.exists",
            )
        out.append(org)
    return out


def known_goals(ids: Sequence[uuid.UUID], known: Mapping[uuid.UUID, KnownGoal], key: Key) -> list[KnownGoal]:
    out = []
    for gid in ids:
        goal = known.get(gid)
        if goal is None or goal.level is None:
            raise NotFound(
                f"goal {gid} is not known to planning: the goals service has not created it, "
                "or its event has not reached planning yet",
                key=key,
                rule="goal.exists",
            )
        out.append(goal)
    return out
