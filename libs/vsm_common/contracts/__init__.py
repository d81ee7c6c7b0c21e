"""Every event type vsm publishes, one constant each, with the shape of its ``data``.

Producers emit these constants and consumers key their handlers by them, so a type is named once
(here) and a reader finds every emitter and handler of, say, ``planning.DIRECTIVE_ADOPTED`` by that
name. Each type's JSON Schema is ``services/<service>/events/<name>.schema.json``; the tests hold the
two in step (libs/tests/test_event_contracts.py). No module here does I/O: the use cases' payload
builders (`service/events.py`) and the ports import them.
"""

from typing import Any

from . import followup, goals, planning
from .base import Decision, EventType

ALL: tuple[EventType[Any], ...] = goals.ALL + planning.ALL + followup.ALL

_BY_NAME: dict[str, EventType[Any]] = {t.name: t for t in ALL}


def by_name(name: str) -> EventType[Any] | None:
    """The event type a CloudEvent's ``type`` names, or None for one vsm does not publish."""
    return _BY_NAME.get(name)


__all__ = ["ALL", "Decision", "EventType", "by_name", "followup", "goals", "planning"]
