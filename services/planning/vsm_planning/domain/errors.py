"""Planning's refinements of the shared domain errors: they carry what a client needs to react."""

from __future__ import annotations

from typing import Any

from vsm_common.errors import Conflict, DomainError

from .model import YearBalance


class PhaseNotAllowed(Conflict):
    """The cycle's current phase does not allow the operation; ``phase`` names the phase (or COMPLETED)."""

    def __init__(self, message: str, *, field: str | None, phase: str) -> None:
        super().__init__(message, field=field, rule="cycle.phase")
        self.phase = phase

    def extensions(self, field: str | None = None) -> dict[str, Any]:
        ext: dict[str, Any] = super().extensions(field)
        ext["phase"] = self.phase
        return ext


class UnbalancedBudget(DomainError):
    """An internbudget that does not add up to the frames; ``differences`` holds every year that is off."""

    def __init__(self, message: str, *, field: str | None, balances: tuple[YearBalance, ...]) -> None:
        super().__init__(message, field=field, rule="plan.budget_unbalanced")
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
