"""Rules of actions (åtgärder): allowed state transitions and when an action is overdue."""

from __future__ import annotations

from datetime import date

from vsm_common.errors import Conflict

from .indicators import check_text
from .model import ACTION_STATE_LABEL, ActionState

A = ActionState
TITLE_MAX = 500

# Done and cancelled are final: a new need is a new action, so history stays readable.
TRANSITIONS: dict[ActionState, frozenset[ActionState]] = {
    A.NOT_STARTED: frozenset({A.IN_PROGRESS, A.DELAYED, A.DONE, A.CANCELLED}),
    A.IN_PROGRESS: frozenset({A.DELAYED, A.DONE, A.CANCELLED}),
    A.DELAYED: frozenset({A.IN_PROGRESS, A.DONE, A.CANCELLED}),
    A.DONE: frozenset(),
    A.CANCELLED: frozenset(),
}
FINAL = frozenset({A.DONE, A.CANCELLED})


def check_title(title: str) -> str:
    return check_text(title, "title", TITLE_MAX, "title")


def check_transition(current: ActionState, new: ActionState) -> bool:
    """True when the state changes; False for a repeat of the current state (a harmless retry)."""
    if new is current:
        return False
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none, it is final"
        raise Conflict(
            f"an action that is {ACTION_STATE_LABEL[current]} ({current}) cannot become "
            f"{ACTION_STATE_LABEL[new]} ({new}); allowed: {allowed}",
            key="state",
            rule="action.transition",
        )
    return True


def is_overdue(state: ActionState, due_on: date | None, today: date) -> bool:
    """Past its due date and neither done nor cancelled."""
    return due_on is not None and due_on < today and state not in FINAL
