"""Planning's refinements of the shared domain errors: they carry what a client needs to react."""

from __future__ import annotations

from typing import Any, Literal

from vsm_common.errors import TARGET, Conflict, DomainError

from .model import YearBalance

# Where an error is, in the model's words (docs/design/unit-of-work.md §6): ``api/errors.py`` maps each to the
# GraphQL path of the mutation at hand. Besides these, TARGET (the cycle, directive or plan addressed) and the
# items of a list (``item("frames", 0, "amount")``).
Key = Literal[
    "start_year",
    "phase",
    "opens_on",
    "due_on",
    "responsible_id",
    "text",
    "kind",
    "title",
    "recipient_ids",
    "tax_rate",
    "goal_ids",
    "concrete_goal_ids",
    "decision.date",
    "decision.body_id",
    "organization_id",
    "reason",
]
ListKey = Literal["frames", "lines", "recipient_ids"]


def item(key: ListKey, index: int, attribute: str | None = None) -> str:
    """The key of one item of a list given (``frames.0.amount``, ``recipient_ids.2``)."""
    return f"{key}.{index}.{attribute}" if attribute else f"{key}.{index}"


class PhaseNotAllowed(Conflict):
    """The cycle's current phase does not allow the operation on it (TARGET); ``phase`` names the phase (or
    COMPLETED)."""

    def __init__(self, message: str, *, phase: str) -> None:
        super().__init__(message, key=TARGET, rule="cycle.phase")
        self.phase = phase

    def extensions(self, field: str | None = None) -> dict[str, Any]:
        ext: dict[str, Any] = super().extensions(field)
        ext["phase"] = self.phase
        return ext


class UnbalancedBudget(DomainError):
    """A plan's (TARGET) internbudget that does not add up to the frames; ``differences`` holds every year that is
    off."""

    def __init__(self, message: str, *, balances: tuple[YearBalance, ...]) -> None:
        super().__init__(message, key=TARGET, rule="plan.budget_unbalanced")
        self.balances = balances

    def extensions(self, field: str | None = None) -> dict[str, Any]:
        ext: dict[str, Any] = super().extensions(field)
        # Decimal strings, as everywhere money crosses a boundary.
        ext["differences"] = [
            {
                "year": b.year,
                "frame": str(b.frame) if b.frame is not None else None,
                "internalBudget": str(b.internal_budget),
                "difference": str(b.difference),
            }
            for b in self.balances
            if not b.balanced
        ]
        return ext
