"""Use cases of goals (mål): create, link, revise, adopt, retire, and the planning sagas' establishment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from vsm_common import contracts
from vsm_common.errors import TARGET, Conflict, DomainError, NotFound

from ..domain import rules
from ..domain.model import (
    Decision,
    EstablishmentRequest,
    Goal,
    GoalLevel,
    GoalRefusal,
    GoalState,
    Organization,
)
from ..ports import GoalsUnitOfWork
from . import events


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


async def create_goal(uow: GoalsUnitOfWork, new: NewGoal, goal_id: uuid.UUID | None = None) -> Goal:
    """Create a DRAFT goal with its upward links, organisations and themes."""
    title = rules.check_title(new.title)
    rules.check_validity(new.level, new.valid_from, new.valid_to)
    rules.check_themes(new.level, new.theme_ids)
    parent_ids = tuple(dict.fromkeys(new.parent_ids))
    org_ids = tuple(dict.fromkeys(new.organization_ids))
    theme_ids = tuple(dict.fromkeys(new.theme_ids))
    async with uow:
        levels = await uow.goals.levels(parent_ids)
        for pid in parent_ids:
            if pid not in levels:
                raise NotFound(f"no goal {pid}", key="parent_ids", rule="goal.exists")
        rules.check_parent_levels(new.level, levels)
        orgs = await uow.organizations.by_ids(org_ids)
        for oid in org_ids:
            if oid not in orgs:
                raise NotFound(f"no organisation {oid}", key="organization_ids", rule="organization.exists")
        rules.check_organizations(new.level, [orgs[o] for o in org_ids])
        themes = await uow.themes.by_ids(theme_ids)
        for tid in theme_ids:
            if tid not in themes:
                raise NotFound(f"no vision theme {tid}", key="theme_ids", rule="theme.exists")
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
        await uow.goals.add(goal)
        await uow.emit(contracts.goals.GOAL_CREATED, str(goal.id), events.goal_created(goal))
    return goal


async def link_goals(
    uow: GoalsUnitOfWork,
    child_id: uuid.UUID,
    parent_id: uuid.UUID,
    decision: Decision | None = None,
    effective_from: date | None = None,
) -> Goal:
    """Link a goal upward. On a goal in force the link is a decision of its own, in force from
    ``effective_from`` (default: the decision's date); a draft's links take effect with its adoption.
    Linking goals already linked changes nothing."""
    async with uow:
        child = await uow.goals.lock(child_id)
        if child is None:
            raise NotFound(f"no goal {child_id}", key=TARGET, rule="goal.exists")
        levels = await uow.goals.levels([parent_id])
        if parent_id not in levels:
            raise NotFound(f"no goal {parent_id}", key="parent_id", rule="goal.exists")
        if child.state is GoalState.RETIRED:
            raise Conflict("a retired goal cannot be linked", key=TARGET, rule="goal.retired")
        rules.check_parent_levels(child.level, levels)
        starts = rules.link_change_effective_on(child, decision, effective_from)
        if decision is not None:
            rules.check_decision_body(child, await _decision_body(uow, decision))
        rules.check_no_cycle(child_id, parent_id, await uow.links.ancestors(parent_id, starts or uow.today()))
        linked, ended = await uow.links.state(child_id, parent_id)
        if linked:
            return child
        rules.check_relink(starts, ended)
        decision_id = await uow.decisions.add(decision) if decision is not None else None
        await uow.links.add(child_id, parent_id, starts, decision_id)
        await uow.emit(
            contracts.goals.GOAL_LINKED, str(child_id), events.goal_linked(child_id, parent_id, starts, decision)
        )
    return child


async def unlink_goals(
    uow: GoalsUnitOfWork,
    child_id: uuid.UUID,
    parent_id: uuid.UUID,
    decision: Decision | None = None,
    effective_from: date | None = None,
) -> Goal:
    """End a goal's link upward. On a goal in force the removal is a decision of its own and the link
    stands until ``effective_from`` (exclusive; default: the decision's date); a draft's link is removed."""
    async with uow:
        child = await uow.goals.lock(child_id)
        if child is None:
            raise NotFound(f"no goal {child_id}", key=TARGET, rule="goal.exists")
        ends = rules.link_change_effective_on(child, decision, effective_from)
        if decision is not None:
            rules.check_decision_body(child, await _decision_body(uow, decision))
        linked, _ = await uow.links.state(child_id, parent_id)
        if not linked:
            raise NotFound("these goals are not linked", key="parent_id", rule="goal.link_exists")
        decision_id = await uow.decisions.add(decision) if decision is not None else None
        await uow.links.end(child_id, parent_id, ends, decision_id)
        await uow.emit(
            contracts.goals.GOAL_UNLINKED, str(child_id), events.goal_unlinked(child_id, parent_id, ends, decision)
        )
    return child


@dataclass(frozen=True)
class Revision:
    title: str | None = None
    description: str | None = None
    valid_to: date | None = None
    decision: Decision | None = None


async def _decision_body(uow: GoalsUnitOfWork, d: Decision) -> Organization:
    body = (await uow.organizations.by_ids([d.body_id])).get(d.body_id)
    if body is None:
        raise NotFound(f"no organisation {d.body_id}", key="decision.body_id", rule="organization.exists")
    return body


async def revise_goal(uow: GoalsUnitOfWork, goal_id: uuid.UUID, change: Revision) -> Goal:
    """A draft is edited in place; an adopted goal gets a new numbered revision with its own decision."""
    async with uow:
        goal = await uow.goals.lock(goal_id)
        if goal is None:
            raise NotFound(f"no goal {goal_id}", key=TARGET, rule="goal.exists")
        rules.check_revisable(goal, change.decision is not None)
        revised = replace(
            goal,
            title=rules.check_title(change.title) if change.title is not None else goal.title,
            description=change.description if change.description is not None else goal.description,
            valid_to=change.valid_to if change.valid_to is not None else goal.valid_to,
        )
        rules.check_validity(revised.level, revised.valid_from, revised.valid_to)
        if goal.state is GoalState.DRAFT:
            if change.decision is not None:
                raise DomainError(
                    "a draft is revised without a decision; adopt it with adoptGoal",
                    key="decision",
                    rule="goal.draft_revision_without_decision",
                )
            await uow.goals.update_draft(revised)
            await uow.emit(contracts.goals.GOAL_REVISED, str(goal.id), events.goal_revised(revised, None))
            return revised
        assert change.decision is not None
        d = change.decision
        body = await _decision_body(uow, d)
        rules.check_decision_body(goal, body)
        rules.check_decision_order(goal, d.date)
        revised = replace(revised, revision=goal.revision + 1, last_decision_on=d.date)
        decision_id = await uow.decisions.add(d)
        await uow.goals.add_revision(revised, decision_id, d.date)
        await uow.emit(contracts.goals.GOAL_REVISED, str(goal.id), events.goal_revised(revised, d))
    return revised


async def _adopt(uow: GoalsUnitOfWork, goal: Goal, d: Decision, established_by: uuid.UUID | None) -> Goal:
    parents = await uow.goals.by_ids(goal.parent_ids)
    orgs = await uow.organizations.by_ids(goal.organization_ids)
    rules.check_adoptable(goal, [parents[p] for p in goal.parent_ids], [orgs[o] for o in goal.organization_ids])
    body = await _decision_body(uow, d)
    rules.check_decision_body(goal, body)
    rules.check_decision_order(goal, d.date)
    return await _record_adoption(uow, goal, d, established_by)


async def _record_adoption(uow: GoalsUnitOfWork, goal: Goal, d: Decision, established_by: uuid.UUID | None) -> Goal:
    """Store and report an adoption the rules have allowed."""
    decision_id = await uow.decisions.add(d)
    await uow.goals.mark_adopted(goal, decision_id, d.date, established_by)
    adopted = replace(goal, state=GoalState.ADOPTED, adopted=d, last_decision_on=d.date, established_by=established_by)
    await uow.emit(contracts.goals.GOAL_ADOPTED, str(goal.id), events.goal_adopted(adopted, d))
    return adopted


async def adopt_goal(
    uow: GoalsUnitOfWork, goal_id: uuid.UUID, d: Decision, established_by: uuid.UUID | None = None
) -> Goal:
    async with uow:
        goal = await uow.goals.lock(goal_id)
        if goal is None:
            raise NotFound(f"no goal {goal_id}", key=TARGET, rule="goal.exists")
        return await _adopt(uow, goal, d, established_by)


async def retire_goal(uow: GoalsUnitOfWork, goal_id: uuid.UUID, d: Decision) -> Goal:
    async with uow:
        goal = await uow.goals.lock(goal_id)
        if goal is None:
            raise NotFound(f"no goal {goal_id}", key=TARGET, rule="goal.exists")
        rules.check_retirable(goal)
        body = await _decision_body(uow, d)
        rules.check_decision_body(goal, body)
        rules.check_decision_order(goal, d.date)
        decision_id = await uow.decisions.add(d)
        await uow.goals.mark_retired(goal.id, decision_id)
        await uow.emit(contracts.goals.GOAL_RETIRED, str(goal.id), events.goal_retired(goal, d))
    return replace(goal, state=GoalState.RETIRED, retired=d)


async def establish_goals(uow: GoalsUnitOfWork, request: EstablishmentRequest) -> list[GoalRefusal]:
    """The goals side of the directive/plan saga: establish the goals of an adopted directive or plan,
    all or nothing, and answer planning in the same transaction. Returns the refusals (empty: established).

    All or nothing, because a planning office reads an adopted directive as one decision: when KF's
    directive cannot establish one of its konkretiserade mål, adopting the others would leave the
    directive half in force with nobody having decided that. So either every DRAFT goal is adopted with
    the decision (goals already in force are left alone, which makes replays and later revisions that
    hold them again harmless) and ``goal_establishment.confirmed`` is published, or none is and
    ``goal_establishment.refused`` names each refused goal and its rule. A refusal is an answer, not a
    failure: the event is consumed, nothing is dead-lettered, and planning shows the directive's or
    plan's goals as REFUSED until someone acts (fixes the goal and adopts a revision, or adopts it directly).
    """
    async with uow:
        ids = list(dict.fromkeys(request.goal_ids))
        request = replace(request, goal_ids=tuple(ids))
        goals = await uow.goals.lock_many(ids)
        parents = await uow.goals.by_ids(list({p for g in goals.values() for p in g.parent_ids}))
        org_ids = {o for g in goals.values() for o in g.organization_ids} | {request.decision.body_id}
        orgs = await uow.organizations.by_ids(list(org_ids))
        d = request.decision
        refusals = rules.establishment_refusals(request.by, ids, goals, parents, orgs, d.date, orgs.get(d.body_id))
        subject = str(request.by_id)
        if refusals:
            await uow.emit(
                contracts.goals.GOAL_ESTABLISHMENT_REFUSED,
                subject,
                events.goal_establishment_refused(request, refusals),
            )
            return refusals
        adopted: list[uuid.UUID] = []
        for goal_id in ids:
            goal = goals[goal_id]
            if goal.state is GoalState.DRAFT:
                await _record_adoption(uow, goal, d, request.by_id)
                adopted.append(goal_id)
        await uow.emit(
            contracts.goals.GOAL_ESTABLISHMENT_CONFIRMED, subject, events.goal_establishment_confirmed(request, adopted)
        )
        return []
