"""Use cases of the goals service: each one unit of work (state change + its events)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vsm_common.errors import Conflict, NotFound
from vsm_common.runtime import Runtime

from .adapters import repository as repo
from .domain import events, rules
from .domain.model import Goal, GoalLevel, GoalState, Organization, OrganizationKind


@dataclass(frozen=True)
class NewGoal:
    level: GoalLevel
    title: str
    description: str | None = None
    parent_ids: Sequence[uuid.UUID] = ()
    organization_ids: Sequence[uuid.UUID] = ()
    theme_ids: Sequence[uuid.UUID] = ()
    valid_from: date | None = None
    valid_to: date | None = None


async def register_organization(
    rt: Runtime,
    code: str,
    name: str,
    kind: OrganizationKind,
    parent_id: uuid.UUID | None,
    org_id: uuid.UUID | None = None,
) -> Organization:
    async with rt.unit_of_work() as uow:
        parent = None
        if parent_id is not None:
            parent = (await repo.organizations_by_ids(uow.conn, [parent_id])).get(parent_id)
            if parent is None:
                raise NotFound(f"no organisation {parent_id}", field="input.parentId", rule="organization.exists")
        code, name = rules.check_organization(code, name, kind, parent)
        org = Organization(org_id or uuid.uuid4(), code, name, kind, parent_id)
        if not await repo.insert_organization(uow.conn, org):
            raise Conflict(
                f"an organisation with code {code} exists", field="input.code", rule="organization.code_unique"
            )
        await uow.emit(events.ORGANIZATION_REGISTERED, str(org.id), events.organization_registered(org))
    return org


async def create_goal(rt: Runtime, new: NewGoal, goal_id: uuid.UUID | None = None) -> Goal:
    """Create a DRAFT goal with its upward links, organisations and themes."""
    title = rules.check_title(new.title)
    rules.check_validity(new.level, new.valid_from, new.valid_to)
    rules.check_themes(new.level, new.theme_ids)
    parent_ids = tuple(dict.fromkeys(new.parent_ids))
    org_ids = tuple(dict.fromkeys(new.organization_ids))
    theme_ids = tuple(dict.fromkeys(new.theme_ids))
    async with rt.unit_of_work() as uow:
        levels = await repo.goal_levels(uow.conn, parent_ids)
        for pid in parent_ids:
            if pid not in levels:
                raise NotFound(f"no goal {pid}", field="input.parentIds", rule="goal.exists")
        rules.check_parent_levels(new.level, levels, "input.parentIds")
        orgs = await repo.organizations_by_ids(uow.conn, org_ids)
        for oid in org_ids:
            if oid not in orgs:
                raise NotFound(f"no organisation {oid}", field="input.organizationIds", rule="organization.exists")
        rules.check_organizations(new.level, [orgs[o] for o in org_ids])
        themes = await repo.themes_by_ids(uow.conn, theme_ids)
        for tid in theme_ids:
            if tid not in themes:
                raise NotFound(f"no vision theme {tid}", field="input.themeIds", rule="theme.exists")
        goal = Goal(
            id=goal_id or uuid.uuid4(),
            level=new.level,
            title=title,
            state=GoalState.DRAFT,
            description=new.description,
            valid_from=new.valid_from,
            valid_to=new.valid_to,
            parent_ids=parent_ids,
            organization_ids=org_ids,
            theme_ids=theme_ids,
        )
        await repo.insert_goal(uow.conn, goal)
        await uow.emit(events.GOAL_CREATED, str(goal.id), events.goal_created(goal))
    return goal


async def link_goals(rt: Runtime, child_id: uuid.UUID, parent_id: uuid.UUID) -> Goal:
    async with rt.unit_of_work() as uow:
        child = await repo.lock_goal(uow.conn, child_id)
        if child is None:
            raise NotFound(f"no goal {child_id}", field="childId", rule="goal.exists")
        levels = await repo.goal_levels(uow.conn, [parent_id])
        if parent_id not in levels:
            raise NotFound(f"no goal {parent_id}", field="parentId", rule="goal.exists")
        if child.state is GoalState.RETIRED:
            raise Conflict("a retired goal cannot be linked", field="childId", rule="goal.retired")
        rules.check_parent_levels(child.level, levels, "parentId")
        rules.check_no_cycle(child_id, parent_id, await repo.ancestors(uow.conn, parent_id))
        if await repo.insert_link(uow.conn, child_id, parent_id):
            await uow.emit(events.GOAL_LINKED, str(child_id), events.goal_link(str(child_id), str(parent_id)))
    return child


async def unlink_goals(rt: Runtime, child_id: uuid.UUID, parent_id: uuid.UUID) -> Goal:
    async with rt.unit_of_work() as uow:
        child = await repo.lock_goal(uow.conn, child_id)
        if child is None:
            raise NotFound(f"no goal {child_id}", field="childId", rule="goal.exists")
        if not await repo.delete_link(uow.conn, child_id, parent_id):
            raise NotFound("these goals are not linked", field="parentId", rule="goal.link_exists")
        await uow.emit(events.GOAL_UNLINKED, str(child_id), events.goal_link(str(child_id), str(parent_id)))
    return child
