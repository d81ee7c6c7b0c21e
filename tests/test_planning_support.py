"""Helpers shared by the planning tests (tests/test_planning_*.py); this module holds no tests.

Every test opens cycles of its own budget years, far from the demo data's 2027, so tests never
see each other's cycles on the one stack of the session.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
from jsonschema import Draft202012Validator

from tests.support import data_of, eventually, gql
from vsm_dev.stack import ROOT, Stack

_annual_years = itertools.count(2101)
_mandate_starts = itertools.count(2160, 4)
_past_years = itertools.count(2001)


def fresh_year() -> int:
    """A budget year no other test uses."""
    return next(_annual_years)


def fresh_past_year() -> int:
    """A budget year long gone (its phases fell due years ago) that no other test uses."""
    return next(_past_years)


def fresh_mandate_start() -> int:
    return next(_mandate_starts)


CYCLE_FIELDS = """id kind startYear endYear title
    phases { kind state opensOn dueOn completedOn overdue responsible { id code } }
    currentPhase { kind state overdue }"""

DIRECTIVE_FIELDS = """id lineageId kind budgetYear title state revision taxRate
    adopted { date paragraph diaryNumber body { id code } }
    recipients { id code }
    budgetFrames { year amount organization { id code } }
    concreteGoals { id title state }
    assignments { id title description dueOn state recipients { id code } }
    supersedes { id revision state }
    supersededBy { id revision state }"""

PLAN_FIELDS = """id years state returnReason balanced
    organization { id code }
    adopted { date paragraph body { id code } }
    goals { id title }
    internalBudget { activity year amount }
    frames { year amount }
    balance { year frame internalBudget difference balanced }"""


class Api:
    """GraphQL through the gateway, as a client of the platform would use it."""

    def __init__(self, client: httpx.AsyncClient, stack: Stack) -> None:
        self.client = client
        self.stack = stack
        self.url = stack.config.gateway_url

    async def data(self, query: str, **variables: Any) -> Any:
        return await data_of(self.client, self.url, query, variables)

    async def error(self, query: str, **variables: Any) -> dict[str, Any]:
        """The single error of a request that must fail; its data must hold nothing."""
        body = await gql(self.client, self.url, query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        [err] = body["errors"]
        result: dict[str, Any] = err
        return result

    async def org(self, code: str) -> str:
        data = await self.data("query($c: String) { organization(code: $c) { id } }", c=code)
        org_id: str = data["organization"]["id"]
        return org_id

    async def register_org(self, code: str, name: str, kind: str, parent: str | None = None) -> str:
        data = await self.data(
            "mutation($i: OrganizationInput!) { registerOrganization(input: $i) { id } }",
            i={"code": code, "name": name, "kind": kind, "parentId": parent},
        )
        org_id: str = data["registerOrganization"]["id"]
        return org_id

    async def goal(
        self,
        level: str,
        title: str,
        orgs: list[str],
        parents: list[str] | None = None,
        valid: tuple[str, str] | None = None,
    ) -> str:
        fields: dict[str, Any] = {"level": level, "title": title, "organizationIds": orgs, "parentIds": parents or []}
        if valid:
            fields.update(validFrom=valid[0], validTo=valid[1])
        data = await self.data("mutation($i: CreateGoalInput!) { createGoal(input: $i) { id } }", i=fields)
        goal_id: str = data["createGoal"]["id"]
        return goal_id

    async def adopt_goal(self, goal_id: str, decision: dict[str, Any]) -> None:
        """Adopt a goal directly in the goals service (e.g. an övergripande mål, by KF)."""
        await self.data(
            "mutation($g: ID!, $d: DecisionInput!) { adoptGoal(id: $g, decision: $d) { id } }", g=goal_id, d=decision
        )

    async def open_cycle(self, kind: str, start_year: int) -> dict[str, Any]:
        data = await self.data(
            f"mutation($k: CycleKind!, $y: Int!) {{ openCycle(kind: $k, startYear: $y) {{ {CYCLE_FIELDS} }} }}",
            k=kind,
            y=start_year,
        )
        cycle: dict[str, Any] = data["openCycle"]
        return cycle

    async def advance(self, cycle_id: str) -> dict[str, Any]:
        data = await self.data(f"mutation($c: ID!) {{ advancePhase(cycleId: $c) {{ {CYCLE_FIELDS} }} }}", c=cycle_id)
        cycle: dict[str, Any] = data["advancePhase"]
        return cycle

    async def create_directive(self, cycle_id: str, kind: str, title: str, recipients: list[str]) -> dict[str, Any]:
        data = await self.data(
            f"mutation($i: DirectiveInput!) {{ createDirective(input: $i) {{ {DIRECTIVE_FIELDS} }} }}",
            i={"cycleId": cycle_id, "kind": kind, "title": title, "recipientIds": recipients},
        )
        d: dict[str, Any] = data["createDirective"]
        return d

    async def set_frames(self, directive_id: str, frames: list[tuple[str, int, str]]) -> dict[str, Any]:
        data = await self.data(
            f"""mutation($d: ID!, $f: [BudgetFrameInput!]!) {{
                setBudgetFrames(directiveId: $d, frames: $f) {{ {DIRECTIVE_FIELDS} }} }}""",
            d=directive_id,
            f=[{"organizationId": o, "year": y, "amount": a} for o, y, a in frames],
        )
        d: dict[str, Any] = data["setBudgetFrames"]
        return d

    async def set_tax_rate(self, directive_id: str, rate: str) -> dict[str, Any]:
        data = await self.data(
            f"mutation($d: ID!, $r: Decimal!) {{ setTaxRate(directiveId: $d, rate: $r) {{ {DIRECTIVE_FIELDS} }} }}",
            d=directive_id,
            r=rate,
        )
        d: dict[str, Any] = data["setTaxRate"]
        return d

    async def add_goals(self, directive_id: str, goal_ids: list[str]) -> dict[str, Any]:
        data = await self.data(
            f"""mutation($d: ID!, $g: [ID!]!) {{
                addConcreteGoals(directiveId: $d, goalIds: $g) {{ {DIRECTIVE_FIELDS} }} }}""",
            d=directive_id,
            g=goal_ids,
        )
        d: dict[str, Any] = data["addConcreteGoals"]
        return d

    async def adopt(self, directive_id: str, decision: dict[str, Any]) -> dict[str, Any]:
        data = await self.data(
            f"""mutation($d: ID!, $x: DecisionInput!) {{
                adoptDirective(id: $d, decision: $x) {{ {DIRECTIVE_FIELDS} }} }}""",
            d=directive_id,
            x=decision,
        )
        d: dict[str, Any] = data["adoptDirective"]
        return d

    async def create_plan(self, cycle_id: str, org_id: str) -> dict[str, Any]:
        data = await self.data(
            f"""mutation($c: ID!, $o: ID!) {{
                createOperationalPlan(cycleId: $c, organizationId: $o) {{ {PLAN_FIELDS} }} }}""",
            c=cycle_id,
            o=org_id,
        )
        p: dict[str, Any] = data["createOperationalPlan"]
        return p

    async def plan_mutation(self, name: str, args: str, **variables: Any) -> dict[str, Any]:
        """Run one of the plan mutations, e.g. plan_mutation("submitPlan", "id: $id", id=...)."""
        types = {
            "id": "ID!",
            "planId": "ID!",
            "goalIds": "[ID!]!",
            "lines": "[BudgetLineInput!]!",
            "reason": "String!",
            "decision": "DecisionInput!",
        }
        params = ", ".join(f"${k}: {types[k]}" for k in variables)
        data = await self.data(f"mutation({params}) {{ {name}({args}) {{ {PLAN_FIELDS} }} }}", **variables)
        p: dict[str, Any] = data[name]
        return p

    async def plan_error(self, name: str, args: str, **variables: Any) -> dict[str, Any]:
        types = {
            "id": "ID!",
            "planId": "ID!",
            "goalIds": "[ID!]!",
            "lines": "[BudgetLineInput!]!",
            "reason": "String!",
            "decision": "DecisionInput!",
        }
        params = ", ".join(f"${k}: {types[k]}" for k in variables)
        return await self.error(f"mutation({params}) {{ {name}({args}) {{ id }} }}", **variables)


ESTABLISHMENT = "goalEstablishment { state answeredAt refusals { goalId goal { id } rule message } }"
# How long the planning sagas may take to answer on a busy machine (CPU hogs beside the tests): generous,
# because the tests poll and go on as soon as the answer is there.
SAGA_TIMEOUT_S = 180.0


async def goal_establishment(api: Api, kind: str, subject_id: str, timeout: float = SAGA_TIMEOUT_S) -> dict[str, Any]:
    """The goalEstablishment of a directive (kind "directive") or plan ("operationalPlan") once the goals
    service has answered its adoption (no longer PENDING)."""
    query = f"query($id: ID!) {{ found: {kind}(id: $id) {{ {ESTABLISHMENT} }} }}"

    async def answered() -> dict[str, Any] | None:
        found: dict[str, Any] = (await api.data(query, id=subject_id))["found"]["goalEstablishment"]
        return found if found and found["state"] != "PENDING" else None

    return await eventually(
        answered, timeout=timeout, what=f"the goals service to answer the adoption of {kind} {subject_id}"
    )


def decision(
    body_id: str, date: str = "2026-06-17", paragraph: str = "§ 95", diary: str = "KS 2026/00123"
) -> dict[str, Any]:
    return {"bodyId": body_id, "date": date, "paragraph": paragraph, "diaryNumber": diary}


async def projected(
    stack: Stack, org_ids: Sequence[str] = (), goal_ids: Sequence[str] = (), timeout: float = 30
) -> None:
    """Wait until planning's projection (filled from Kafka) knows these organisations and goals."""
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:

        async def known() -> bool:
            orgs = await conn.fetchval(
                "SELECT count(*) FROM planning.projected_organizations WHERE id = ANY($1::uuid[])", list(org_ids)
            )
            goals = await conn.fetchval(
                "SELECT count(*) FROM planning.projected_goals WHERE id = ANY($1::uuid[]) AND level IS NOT NULL",
                list(goal_ids),
            )
            return bool(orgs == len(set(org_ids)) and goals == len(set(goal_ids)))

        await eventually(known, timeout=timeout, what=f"planning to project {org_ids} {goal_ids}")
    finally:
        await conn.close()


async def goal_state_projected(stack: Stack, goal_id: str, state: str, timeout: float = 45) -> None:
    """Wait until planning has learned (from goal events) that the goal is in ``state``."""
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:

        async def reached() -> bool:
            found = await conn.fetchval("SELECT state FROM planning.projected_goals WHERE id = $1", uuid.UUID(goal_id))
            return bool(found == state)

        await eventually(reached, timeout=timeout, what=f"planning to learn that goal {goal_id} is {state}")
    finally:
        await conn.close()


async def goal_links_projected(stack: Stack, child_id: str, parent_id: str, timeout: float = 30) -> None:
    assert stack.database_url
    conn = await asyncpg.connect(stack.database_url)
    try:

        async def linked() -> bool:
            return bool(
                await conn.fetchval(
                    "SELECT EXISTS (SELECT 1 FROM planning.projected_goal_links "
                    "WHERE child_id = $1 AND parent_id = $2)",
                    uuid.UUID(child_id),
                    uuid.UUID(parent_id),
                )
            )

        await eventually(linked, timeout=timeout, what="planning to project the goal link")
    finally:
        await conn.close()


ADD_ASSIGNMENT = """mutation($d: ID!, $i: AssignmentInput!) {
    addAssignment(directiveId: $d, input: $i) { id assignments { id title dueOn state overdue } } }"""


@dataclass(frozen=True)
class OverdueDraft:
    """A past budget year's cycle in its DIRECTIVE phase (so overdue) with a draft planeringsdirektiv to
    a fresh nämnd (code ``code``) and one uppdrag for it, due in that year."""

    year: int
    code: str
    cycle: dict[str, Any]
    directive: dict[str, Any]
    assignment: dict[str, Any]


async def overdue_draft(
    api: Api, prefix: str, name: str, directive_title: str, assignment: str, due: str
) -> OverdueDraft:
    """``prefix``, ``name``, ``directive_title`` and ``assignment`` get the fresh tag appended (a code, a
    nämnd's name, titles); ``due`` is the uppdrag's month and day (``"02-28"``)."""
    tag = uuid.uuid4().hex[:6].upper()
    year = fresh_past_year()
    kf = await api.org("KF")
    namnd = await api.register_org(f"{prefix}{tag}", f"{name} {tag}", "COMMITTEE", kf)
    await projected(api.stack, [kf, namnd])
    cycle = await api.open_cycle("ANNUAL", year)
    cycle = await api.advance(cycle["id"])  # to DIRECTIVE, where directives are drafted
    directive = await api.create_directive(cycle["id"], "PLANNING_DIRECTIVE", f"{directive_title} {tag}", [namnd])
    added = await api.data(
        ADD_ASSIGNMENT,
        d=directive["id"],
        i={"title": f"{assignment} {tag}", "recipientIds": [namnd], "dueOn": f"{year}-{due}"},
    )
    [made] = added["addAssignment"]["assignments"]
    return OverdueDraft(year, f"{prefix}{tag}", cycle, directive, made)


class Scenario:
    """An annual cycle of a fresh budget year with two fresh nämnder and goals directed to them."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.year = fresh_year()
        self.tag = uuid.uuid4().hex[:6].upper()

    async def setup(self) -> Scenario:
        api = self.api
        self.kf = await api.org("KF")
        self.ks = await api.org("KS")
        self.n1 = await api.register_org(f"N1{self.tag}", f"Testnämnd ett {self.tag}", "COMMITTEE", self.kf)
        self.n2 = await api.register_org(f"N2{self.tag}", f"Testnämnd två {self.tag}", "COMMITTEE", self.kf)
        self.company = await api.register_org(f"B{self.tag}", f"Testbolag {self.tag} AB", "COMPANY", self.kf)
        # An övergripande mål in force, which the konkretiserade mål serve: the goals service adopts a goal
        # only when the goals it serves are in force (and a konkretiserat mål only with its validity).
        self.top = await api.goal("OVERARCHING", f"Övergripande mål {self.tag}", [])
        await api.adopt_goal(self.top, decision(self.kf, f"{self.year - 3}-06-15", "§ 10"))
        valid = (f"{self.year}-01-01", f"{self.year + 2}-12-31")
        self.k1 = await api.goal("CONCRETE", f"Konkret mål 1 {self.tag}", [self.n1], [self.top], valid)
        self.k2 = await api.goal("CONCRETE", f"Konkret mål 2 {self.tag}", [self.n1, self.n2], [self.top], valid)
        self.v1 = await api.goal("OPERATIONAL", f"Verksamhetsmål 1 {self.tag}", [self.n1], [self.k1])
        self.v2 = await api.goal("OPERATIONAL", f"Verksamhetsmål 2 {self.tag}", [self.n2], [self.k2])
        await projected(
            api.stack,
            [self.kf, self.ks, self.n1, self.n2, self.company],
            [self.top, self.k1, self.k2, self.v1, self.v2],
        )
        await goal_links_projected(api.stack, self.v2, self.k2)
        await goal_state_projected(api.stack, self.top, "ADOPTED")
        self.cycle = await api.open_cycle("ANNUAL", self.year)
        return self

    @property
    def years(self) -> list[int]:
        return [self.year, self.year + 1, self.year + 2]

    def frames(self, org: str, *amounts: str) -> list[tuple[str, int, str]]:
        return list(zip([org] * 3, self.years, amounts, strict=True))

    async def to_phase(self, phase: str) -> dict[str, Any]:
        cycle = self.cycle
        while cycle["currentPhase"]["kind"] != phase:
            cycle = await self.api.advance(cycle["id"])
        self.cycle = cycle
        return cycle

    async def adopted_directive(self, tax_rate: str | None = "20.38", goals: list[str] | None = None) -> dict[str, Any]:
        """In the DIRECTIVE phase: a planeringsdirektiv to both nämnder with frames and goals (K1 and K2
        unless told), adopted by KF; returned once the goals service has answered for its goals, as KF's
        next revision of it may only be adopted then (rule directive.goals_pending)."""
        await self.to_phase("DIRECTIVE")
        api = self.api
        d = await api.create_directive(
            self.cycle["id"], "PLANNING_DIRECTIVE", f"Direktiv {self.year}", [self.n1, self.n2]
        )
        await api.set_frames(
            d["id"],
            self.frames(self.n1, "100000000.00", "102000000.00", "104000000.00")
            + self.frames(self.n2, "50000000.00", "51000000.00", "52000000.50"),
        )
        if tax_rate:
            await api.set_tax_rate(d["id"], tax_rate)
        concrete = [self.k1, self.k2] if goals is None else goals
        if concrete:
            await api.add_goals(d["id"], concrete)
        self.directive = await api.adopt(d["id"], decision(self.kf, f"{self.year - 1}-06-17"))
        self.establishment = await goal_establishment(api, "directive", self.directive["id"])
        return self.directive

    async def planning_open(self) -> dict[str, Any]:
        """A cycle in OPERATIONAL_PLANNING with an adopted directive and tax rate."""
        await self.adopted_directive()
        return await self.to_phase("OPERATIONAL_PLANNING")


def schema_errors(instance: Any, event_type: str) -> list[str]:
    """What is wrong with ``instance`` as the data of ``event_type``, by its published JSON Schema."""
    path = ROOT / "services" / "planning" / "events" / f"{event_type}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
