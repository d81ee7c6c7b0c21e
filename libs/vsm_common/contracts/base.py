"""What an event type is: its name on the wire, its version and the shape of its ``data``.

Nothing here does I/O, so a service's domain may import the contracts to type its payloads.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypedDict, TypeVar

# TypedDicts are Mappings of str to object, so the bound admits every payload type and nothing
# that would not serialise as a JSON object.
P = TypeVar("P", bound=Mapping[str, object])


@dataclass(frozen=True)
class EventType(Generic[P]):
    """One published event type: ``GOAL_LINKED = EventType("goals", "goal", "linked", 2, GoalLinked)``.

    A breaking change of ``data`` is a new constant with the next ``version``; the old one stays as
    long as a topic may hold its events, since consumers still read them.
    """

    service: str  # the producing service, also the topic's segment: vsm.<service>.events
    aggregate: str  # the kind of thing the event's subject is an id of
    what: str  # what happened to it
    version: int
    payload: type[P]

    @property
    def name(self) -> str:
        """The CloudEvents ``type``, e.g. ``vsm.goals.goal.linked.v2``."""
        return f"vsm.{self.service}.{self.aggregate}.{self.what}.v{self.version}"

    @property
    def schema_file(self) -> str:
        """The published JSON Schema of ``data``, relative to the repository root."""
        return f"services/{self.service}/events/{self.name}.schema.json"

    def __str__(self) -> str:
        return self.name


class Decision(TypedDict):
    """A beslut, as every event that carries one writes it (docs/events.md, "Common shapes")."""

    bodyId: str
    date: str  # YYYY-MM-DD
    paragraph: str | None
    diaryNumber: str | None
