"""What a service declares about itself; the shared wiring does the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .consumer import Handler
from .contracts import EventType
from .uow import SqlUnitOfWork

if TYPE_CHECKING:
    import strawberry
    from fastapi import Request

    from .runtime import Runtime


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer group of the service: which services' topics, which handlers."""

    group: str
    sources: Sequence[str]  # service names whose event topics it reads, e.g. ("goals",)
    handlers: Mapping[EventType[Any], Handler]

    @property
    def handlers_by_name(self) -> dict[str, Handler]:
        """The handlers by the CloudEvents ``type`` they apply, as the inbox looks them up."""
        return {event_type.name: handler for event_type, handler in self.handlers.items()}


# A service's own command: ``python -m vsm_<name> <command> [arguments...]``. It gets the definition
# (to open a Runtime) and the arguments after its name, parses them itself and returns the exit status.
Command = Callable[["ServiceDefinition", Sequence[str]], int]


@dataclass(frozen=True)
class ServiceDefinition:
    name: str  # also the database schema and the topic segment
    default_port: int
    schema: strawberry.federation.Schema
    migrations: Path
    context: Callable[[Runtime, Request], Awaitable[Any]]
    consumers: Sequence[ConsumerSpec] = field(default_factory=tuple)
    seed: Callable[[Runtime], Awaitable[None]] | None = None
    # The service's own commands beside serve/migrate/seed/sdl/dlq, e.g. a disposal job or an import.
    commands: Mapping[str, Command] = field(default_factory=dict)
    # The service's unit of work: SqlUnitOfWork with the service's repositories bound in ``_bind``.
    unit_of_work: type[SqlUnitOfWork] = SqlUnitOfWork

    @property
    def source(self) -> str:
        """The CloudEvents ``source`` of every event this service emits."""
        return f"/vsm/{self.name}"
