"""Use cases for medarbetarmål: bulk upsert from the HR system, logged reads, export, disposal (gallring)."""

from __future__ import annotations

import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from vsm_common import contracts
from vsm_common.access import RowScope
from vsm_common.cursors import Page, PageWindow
from vsm_common.errors import DomainError, Forbidden

from ..domain.employee_goals import MAX_EMPLOYEE_GOAL_BATCH, RowProblem, check_employee_goal_rows
from ..domain.model import AccessLogEntry, EmployeeGoal, GoalState
from ..ports import GoalsUnitOfWork
from . import events
from .access import admitted, check_export, narrow, reaches_by_unit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int
    unchanged: int
    errors: list[RowProblem]


def _same(a: EmployeeGoal, b: EmployeeGoal) -> bool:
    return (a.employee_ref, a.unit_id, a.operational_goal_id, a.title) == (
        b.employee_ref,
        b.unit_id,
        b.operational_goal_id,
        b.title,
    )


async def upsert_employee_goals(uow: GoalsUnitOfWork, source_system: str, rows: Sequence[EmployeeGoal]) -> UpsertResult:
    """Idempotent by (sourceSystem, externalId); a batch with any invalid row changes nothing."""
    source_system = source_system.strip()
    if not source_system:
        raise DomainError("sourceSystem must not be empty", key="source_system", rule="employee_goal.source_system")
    if len(rows) > MAX_EMPLOYEE_GOAL_BATCH:
        raise DomainError(
            f"at most {MAX_EMPLOYEE_GOAL_BATCH} medarbetarmål per call, got {len(rows)}",
            key="goals",
            rule="employee_goal.batch_size",
        )
    async with uow:
        units = await uow.organizations.by_ids(list({r.unit_id for r in rows}))
        goals = await uow.goals.by_ids(list({r.operational_goal_id for r in rows}))
        problems = check_employee_goal_rows(rows, units, goals)
        if problems:
            return UpsertResult(0, 0, 0, problems)
        existing = await uow.employee_goals.existing_by_external_id(source_system, [r.external_id for r in rows])
        to_write: list[EmployeeGoal] = []
        created = updated = 0
        for row in rows:
            row = replace(row, source_system=source_system, title=row.title.strip())
            old = existing.get(row.external_id)
            if old is None:
                to_write.append(replace(row, id=uuid.uuid4()))
                created += 1
            elif not _same(old, row):
                to_write.append(replace(row, id=old.id))
                updated += 1
        await uow.employee_goals.write_batch(to_write)
        by_goal: dict[uuid.UUID, list[EmployeeGoal]] = defaultdict(list)
        for row in to_write:
            by_goal[row.operational_goal_id].append(row)
        await uow.emit_many(
            contracts.goals.EMPLOYEE_GOALS_LINKED,
            [
                (
                    str(goal_id),
                    events.employee_goals_linked(
                        str(goal_id), [str(r.id) for r in linked], sorted({str(r.unit_id) for r in linked})
                    ),
                )
                for goal_id, linked in by_goal.items()
            ],
        )
    # Counts only: the rows are personal data.
    log.info("employee goals from %s: %d created, %d updated", source_system, created, updated)
    return UpsertResult(created, updated, len(rows) - created - updated, [])


async def _own_unit_id(uow: GoalsUnitOfWork, scope: RowScope) -> uuid.UUID | None:
    """The id of the caller's unit when ``scope`` reaches medarbetarmål by unit (a manager's), else None."""
    if not reaches_by_unit(scope):
        return None
    unit = await uow.organizations.by_code(scope.organization or "")
    if unit is None:
        # Not a GraphQL path or a domain key: the token's claim, named the same in every operation.
        raise Forbidden(
            f"the token's unit {scope.organization!r} (vsm_org) is not a registered organisation",
            field="vsm_org",
            rule="access.unknown_unit",
        )
    return unit.id


@dataclass(frozen=True)
class Reader:
    """Who reads medarbetarmål (the token's subject), why (for the access log), and whose they may see."""

    actor: str
    purpose: str
    scope: RowScope


async def read_page(
    uow: GoalsUnitOfWork,
    reader: Reader,
    *,
    employee_ref: str | None,
    unit_id: uuid.UUID | None,
    operational_goal_id: uuid.UUID | None,
    window: PageWindow,
) -> Page[EmployeeGoal]:
    """A page of medarbetarmål; the read and the access-log rows commit together."""
    async with uow:
        own_unit_id = await _own_unit_id(uow, reader.scope)
        employee_ref, unit_id = narrow(reader.scope, own_unit_id, employee_ref, unit_id)
        rows, counts = await uow.employee_goals.page(
            employee_ref=employee_ref,
            unit_id=unit_id,
            operational_goal_id=operational_goal_id,
            window=window,
        )
        page = window.page(rows, counts)
        # Only what the caller gets is logged as read, not the extra row that tells whether more follow.
        read = Counter(g.employee_ref for _, g in page.rows)
        await uow.employee_goals.log_access(reader.actor, reader.purpose, "read", dict(read))
    return page


async def read_by_ids(uow: GoalsUnitOfWork, reader: Reader, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, EmployeeGoal]:
    """Medarbetarmål by id (federated reads, ``_entities``), those the reader may see; logged like any read."""
    async with uow:
        held = await uow.employee_goals.by_ids(ids)
        # A manager's unit is looked up only when there is something to admit, as before.
        found = admitted(reader.scope, await _own_unit_id(uow, reader.scope) if held else None, held)
        read = Counter(g.employee_ref for g in found.values())
        await uow.employee_goals.log_access(reader.actor, reader.purpose, "read", dict(read))
    return found


@dataclass(frozen=True)
class EmployeeExport:
    employee_ref: str
    goals: list[EmployeeGoal]
    access_log: list[AccessLogEntry]


async def export_employee(uow: GoalsUnitOfWork, reader: Reader, employee_ref: str) -> EmployeeExport:
    """Everything held about one employee reference (registerutdrag); the export is itself logged."""
    if not employee_ref.strip():
        raise DomainError("employeeRef must not be empty", key="employee_ref", rule="employee_goal.employee_ref")
    check_export(reader.scope, employee_ref)
    async with uow:
        goals = await uow.employee_goals.by_employee(employee_ref)
        await uow.employee_goals.log_access(reader.actor, reader.purpose, "export", {employee_ref: len(goals)})
        log_rows = await uow.employee_goals.access_log_of(employee_ref)
    return EmployeeExport(employee_ref, goals, log_rows)


async def dispose_employee_goals(uow: GoalsUnitOfWork, retention: timedelta, now: datetime | None = None) -> int:
    """Gallring: remove medarbetarmål unchanged for longer than ``retention`` and tell other services."""
    cutoff = (now or datetime.now(UTC)) - retention
    async with uow:
        removed = await uow.employee_goals.delete_older_than(cutoff)
        by_goal: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for eg_id, goal_id in removed:
            by_goal[goal_id].append(eg_id)
        await uow.emit_many(
            contracts.goals.EMPLOYEE_GOALS_REMOVED,
            [
                (str(goal_id), events.employee_goals_removed(str(goal_id), [str(i) for i in ids], "disposal"))
                for goal_id, ids in by_goal.items()
            ],
        )
    log.info("disposal: %d medarbetarmål older than %s removed", len(removed), cutoff.date())
    return len(removed)


def new_row(
    external_id: str, employee_ref: str, unit_id: uuid.UUID, operational_goal_id: uuid.UUID, title: str
) -> EmployeeGoal:
    """An incoming row before it has an id (given at insert) or a source system (given per call)."""
    return EmployeeGoal(
        id=uuid.UUID(int=0),
        source_system="",
        external_id=external_id,
        employee_ref=employee_ref,
        unit_id=unit_id,
        operational_goal_id=operational_goal_id,
        title=title,
        state=GoalState.ADOPTED,
    )
