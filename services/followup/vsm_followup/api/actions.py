"""Actions (åtgärder) on deviations."""

from __future__ import annotations

from datetime import date

import strawberry

from vsm_common import scopes
from vsm_common.clock import today

from ..domain import model
from ..domain.actions import is_overdue
from ..domain.model import (
    ActionState,
)
from .common import (
    FInfo,
    key_of,
    to_id,
)
from .goals import Goal, Organization


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, keys=["id"], description="An action on a deviation (åtgärd)."
)
class Action:
    a: strawberry.Private[model.Action]
    id: strawberry.ID = strawberry.field(description="The action's id.")

    @classmethod
    def from_domain(cls, a: model.Action) -> Action:
        return cls(a=a, id=to_id(a.id))

    @strawberry.field(description="The goal the action serves (mål).")
    def goal(self) -> Goal:
        return Goal(id=to_id(self.a.goal_id))

    @strawberry.field(description="What is to be done (åtgärd).")
    def title(self) -> str:
        return self.a.title

    @strawberry.field(description="The organisation responsible (ansvarig).")
    def owner(self) -> Organization:
        return Organization(id=to_id(self.a.owner_id))

    @strawberry.field(description="When it is to be done (klart senast).")
    def due_on(self) -> date | None:
        return self.a.due_on

    @strawberry.field(description="State (status): ej påbörjad, påbörjad, genomförd, försenad, avförd.")
    def state(self) -> ActionState:
        return self.a.state

    @strawberry.field(description="Past its due date and neither done nor cancelled (förfallen).")
    def overdue(self, info: FInfo) -> bool:
        return is_overdue(self.a.state, self.a.due_on, today())

    @classmethod
    async def resolve_reference(cls, info: FInfo, id: strawberry.ID) -> Action | None:
        key = key_of(id)
        a = await info.context.loaders.action.load(key) if key else None
        return cls.from_domain(a) if a else None


@strawberry.input(description="A new action (åtgärd).")
class ActionInput:
    title: str = strawberry.field(description="What is to be done.")
    owner_id: strawberry.ID = strawberry.field(description="The organisation responsible (ansvarig).")
    due_on: date | None = strawberry.field(default=None, description="When it is to be done (klart senast).")
