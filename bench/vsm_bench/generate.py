"""Loads a :class:`~vsm_bench.plan.Plan` through the services' GraphQL mutations.

Everything goes through the same mutations a client uses (createGoal, adoptDirective, adoptPlan,
assessGoal, upsertEmployeeGoals, ...), so every rule is checked and every event is published and
consumed. By default the mutations go straight to each subgraph (with the gateway's secret, as the
gateway would send them) because the gateway runs aliased mutations one subgraph request at a time;
``via="gateway"`` sends them through the gateway instead.

Every request carries a development token of the role that may make it (the schema's @requiresScopes): the planning
office (``planner``) builds the structure, directives, verksamhetsplaner and periods; each nämnd or
bolag (``committee`` with its organisation code) assesses its own verksamhetsmål; the HR system
(``hr-system``) upserts the medarbetarmål.

Cross-service effects are asynchronous (a directive's adoption adopts its konkretiserade mål in the
goals service; goal events build planning's and follow-up's projections), so the loader waits for
the outboxes and consumer groups to catch up (:meth:`Observer.settle`) before a step that needs them.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx

from .client import GraphQL, Op, chunks, run_batched
from .observe import Observer
from .plan import GoalSpec, OrgSpec, Plan, assessment_for
from .target import Target

# Mutations per request, one alias each: at most the router's alias limit (limits.max_aliases, 15 in
# services/gateway/router/router.*.yaml, VSM_GATEWAY_MAX_ALIASES), which refuses a 16th alias with
# MAX_ALIASES_EXCEEDED when the generator goes through the gateway (via="gateway"). 15 of the widest
# mutation sent (assessGoal with four arguments) are about 650 tokens, well under its 1000.
BATCH = 15
CONCURRENCY = 4  # requests in flight
ACTOR = "vsm-bench"  # the `sub` of the generator's planner and committee tokens


@dataclass
class Capabilities:
    """Which mutations each subgraph offers (planning and follow-up are younger than goals)."""

    mutations: dict[str, set[str]] = field(default_factory=dict)

    def has(self, service: str, *names: str) -> bool:
        return all(n in self.mutations.get(service, set()) for n in names)

    @property
    def planning(self) -> bool:
        return self.has(
            "planning",
            "openCycle",
            "advancePhase",
            "createDirective",
            "setBudgetFrames",
            "setTaxRate",
            "addConcreteGoals",
            "adoptDirective",
            "createOperationalPlan",
            "addPlanGoals",
            "setInternalBudget",
            "submitPlan",
            "adoptPlan",
        )

    @property
    def followup(self) -> bool:
        return self.has("followup", "definePeriods", "assessGoal", "closePeriod")


async def capabilities(target: Target, client: httpx.AsyncClient) -> Capabilities:
    caps = Capabilities()
    for name in target.service_urls:
        api = GraphQL(
            client,
            target.subgraph_url(name),
            {"x-vsm-gateway-secret": target.gateway_secret},
            auth=target.auth("reader", sub=ACTOR),
        )
        sdl = (await api.data("{ _service { sdl } }"))["_service"]["sdl"]
        block = re.search(r"type Mutation\s*\{(.*?)\n\}", sdl, re.S)
        caps.mutations[name] = set(re.findall(r"^\s+(\w+)\s*[(:]", block.group(1), re.M)) if block else set()
    return caps


def decision(body: str, on: date, paragraph: str) -> dict[str, Any]:
    return {
        "bodyId": body,
        "date": on.isoformat(),
        "paragraph": paragraph,
        "diaryNumber": f"KS {on.year}/{paragraph[2:]}",
    }


@dataclass
class Generated:
    """What the scenarios need from the load: ids by plan key, periods, what was skipped."""

    ids: dict[str, str] = field(default_factory=dict)
    periods: dict[str, str] = field(default_factory=dict)  # label -> id
    plans: dict[str, str] = field(default_factory=dict)  # "<org key>:<year>" -> plan id
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    mutations: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "ids": self.ids,
            "periods": self.periods,
            "plans": self.plans,
            "skipped": self.skipped,
            "seconds": self.seconds,
            "mutations": self.mutations,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Generated:
        return cls(d["ids"], d["periods"], d["plans"], d["skipped"], d["seconds"], d["mutations"])


class Loader:
    def __init__(
        self,
        target: Target,
        plan: Plan,
        client: httpx.AsyncClient,
        observer: Observer,
        caps: Capabilities,
        *,
        via: str = "subgraphs",
        progress: Callable[[str], None] = print,
    ) -> None:
        self.t = target
        self.plan = plan
        self.obs = observer
        self.caps = caps
        self.progress = progress
        self.out = Generated()
        self.client = client
        self.via = via
        self.codes = {o.key: o.code for o in (*plan.recipients, *plan.administrations, *plan.units)}
        # The planning office: the goal structure, directives, verksamhetsplaner and periods.
        self.api = {name: self.endpoint(name, target.auth("planner", sub=ACTOR)) for name in target.service_urls}
        self.hr = self.endpoint("goals", target.auth("hr-system"))
        self._committees: dict[tuple[str, str], GraphQL] = {}

    def endpoint(self, service: str, auth: Callable[[], Mapping[str, str]]) -> GraphQL:
        """Where mutations of ``service`` go (the subgraph with the gateway's secret, or the gateway), as ``auth``."""
        if self.via == "gateway":
            return GraphQL(self.client, self.t.gateway_url, auth=auth)
        return GraphQL(
            self.client, self.t.subgraph_url(service), {"x-vsm-gateway-secret": self.t.gateway_secret}, auth=auth
        )

    def committee(self, service: str, org_key: str) -> GraphQL:
        """The nämnd or bolag ``org_key`` itself (a committee token with its code)."""
        key = (service, org_key)
        if key not in self._committees:
            auth = self.t.auth("committee", sub=ACTOR, org=self.codes[org_key])
            self._committees[key] = self.endpoint(service, auth)
        return self._committees[key]

    # ------------------------------------------------------------------ helpers
    def id(self, key: str) -> str:
        return self.out.ids[key]

    async def run(self, service: str, ops: Sequence[Op], what: str, batch: int = BATCH) -> list[Any]:
        self.out.mutations += len(ops)
        return await run_batched(
            self.api[service], "mutation", ops, batch_size=batch, concurrency=CONCURRENCY, what=what
        )

    async def run_per_committee(self, service: str, ops_by_org: Mapping[str, Sequence[Op]], what: str) -> None:
        """Mutations each organisation makes itself: every group as its committee, the batches of all
        groups sharing the usual concurrency."""
        sem = asyncio.Semaphore(CONCURRENCY)

        async def one(api: GraphQL, part: Sequence[Op]) -> None:
            async with sem:
                await api.batch("mutation", part, what)

        self.out.mutations += sum(len(ops) for ops in ops_by_org.values())
        await asyncio.gather(
            *(one(self.committee(service, org), part) for org, ops in ops_by_org.items() for part in chunks(ops, BATCH))
        )

    async def timed(self, name: str, coro: Any) -> Any:
        t0 = time.perf_counter()
        result = await coro
        self.out.seconds[name] = self.out.seconds.get(name, 0.0) + time.perf_counter() - t0
        return result

    async def settle(self, what: str) -> None:
        await self.timed("waiting for events", self.obs.settle(what=what))

    # ------------------------------------------------------------------ the whole load
    async def load(self) -> Generated:
        plan = self.plan
        t0 = time.perf_counter()
        if not self.caps.planning:
            self.out.skipped.append("planning mutations missing: goals adopted directly, no verksamhetsplaner")
        if not self.caps.followup:
            self.out.skipped.append("follow-up mutations missing: no periods or assessments")
        await self.timed("organisations", self.organisations())
        await self.timed("goal structure", self.top_goals())
        for year in plan.years:
            self.progress(f"  budget year {year} ({year - plan.years[0] + 1}/{len(plan.years)})")
            await self.year(year)
        await self.timed("drafts", self.create_goals(plan.drafts))
        await self.timed("medarbetarmål", self.employee_goals())
        await self.settle("the last events")
        self.out.seconds["total"] = time.perf_counter() - t0
        return self.out

    async def organisations(self) -> None:
        plan = self.plan
        found = await self.api["goals"].data('{ organization(code: "KF") { id } }')
        if found["organization"]:
            self.out.ids["KF"] = found["organization"]["id"]
        else:
            [kf] = await self.run(
                "goals",
                [
                    Op(
                        "registerOrganization",
                        {
                            "input": (
                                "OrganizationInput!",
                                {"code": "KF", "name": "Kommunfullmäktige", "kind": "COUNCIL"},
                            )
                        },
                        "id",
                    )
                ],
                "register KF",
            )
            self.out.ids["KF"] = kf["id"]
        for level in (plan.recipients, plan.administrations, plan.units):
            await self.register(level)
        self.progress(f"  {len(plan.recipients) + len(plan.administrations) + len(plan.units)} organisations")

    async def register(self, orgs: Sequence[OrgSpec]) -> None:
        ops = [
            Op(
                "registerOrganization",
                {
                    "input": (
                        "OrganizationInput!",
                        {"code": o.code, "name": o.name, "kind": o.kind, "parentId": self.id(o.parent or "KF")},
                    )
                },
                "id",
            )
            for o in orgs
        ]
        for o, r in zip(orgs, await self.run("goals", ops, "registerOrganization"), strict=True):
            self.out.ids[o.key] = r["id"]

    async def create_goals(self, goals: Sequence[GoalSpec], themes: Sequence[str] = ()) -> None:
        ops = []
        for i, g in enumerate(goals):
            inp: dict[str, Any] = {"level": g.level, "title": g.title}
            if g.parents:
                inp["parentIds"] = [self.id(p) for p in g.parents]
            if g.orgs:
                inp["organizationIds"] = [self.id(o) for o in g.orgs]
            if g.valid_from:
                inp["validFrom"] = g.valid_from.isoformat()
            if g.valid_to:
                inp["validTo"] = g.valid_to.isoformat()
            if themes and g.level == "OVERARCHING":
                inp["themeIds"] = [themes[i % len(themes)]]
            ops.append(Op("createGoal", {"input": ("CreateGoalInput!", inp)}, "id"))
        for g, r in zip(goals, await self.run("goals", ops, "createGoal"), strict=True):
            self.out.ids[g.key] = r["id"]

    async def adopt_goals(
        self, goals: Sequence[GoalSpec], body: Callable[[GoalSpec], str], on: date, para: str
    ) -> None:
        ops = [
            Op(
                "adoptGoal",
                {"id": ("ID!", self.id(g.key)), "decision": ("DecisionInput!", decision(body(g), on, para))},
                "id",
            )
            for g in goals
        ]
        await self.run("goals", ops, "adoptGoal")

    async def retire_goals(
        self, goals: Sequence[GoalSpec], body: Callable[[GoalSpec], str], on: date, para: str
    ) -> None:
        ops = [
            Op(
                "retireGoal",
                {"id": ("ID!", self.id(g.key)), "decision": ("DecisionInput!", decision(body(g), on, para))},
                "id",
            )
            for g in goals
        ]
        await self.run("goals", ops, "retireGoal")

    async def top_goals(self) -> None:
        """Övergripande mål and handlingsprogram, adopted by KF the year before the first budget year;
        the övergripande mål are revised at each new mandate period."""
        plan = self.plan
        vision = await self.api["goals"].data("{ vision { themes { id } } }")
        themes = [t["id"] for t in (vision["vision"] or {}).get("themes", [])]
        await self.create_goals(plan.overarching, themes)
        await self.create_goals(plan.action_programmes)
        first = plan.years[0]
        kf = self.id("KF")
        await self.adopt_goals(plan.overarching, lambda g: kf, date(first - 1, 6, 15), "§ 101")
        await self.adopt_goals(plan.action_programmes, lambda g: kf, date(first - 1, 6, 15), "§ 102")
        for year in plan.years[1:]:
            if (year - first) % 4 == 0:  # a new mandate period: KF revises the övergripande mål
                ops = [
                    Op(
                        "reviseGoal",
                        {
                            "id": ("ID!", self.id(g.key)),
                            "input": (
                                "ReviseGoalInput!",
                                {"title": f"{g.title} ({year})", "decision": decision(kf, date(year, 6, 15), "§ 55")},
                            ),
                        },
                        "id",
                    )
                    for g in plan.overarching
                ]
                await self.run("goals", ops, "reviseGoal")

    # ------------------------------------------------------------------ one budget year
    async def year(self, year: int) -> None:
        plan = self.plan
        first = plan.years[0]
        new_cohorts = [plan.cohorts[y] for y in ([first - 2, first - 1, first] if year == first else [year])]
        concretes = [g for c in new_cohorts for g in c.concrete]
        ops_goals = [g for c in new_cohorts for g in c.operational]
        await self.timed("goal structure", self.create_goals(concretes))
        await self.timed("goal structure", self.create_goals(ops_goals))
        if self.caps.planning:
            await self.timed("planning", self.planning_year(year, concretes))
        else:
            kf = self.id("KF")
            await self.timed(
                "goal structure", self.adopt_goals(concretes, lambda g: kf, date(year - 1, 6, 15), "§ 120")
            )
            await self.timed(
                "goal structure",
                self.adopt_goals(ops_goals, lambda g: self.id(g.orgs[0]), date(year - 1, 12, 10), "§ 80"),
            )
        if self.caps.followup:
            await self.settle(f"follow-up to learn the goals of {year}")
            await self.timed("follow-up", self.followup_year(year))
        if year < plan.current_year:
            gone = plan.cohorts[year - 2]
            on = gone.retire_on()
            await self.timed(
                "goal structure", self.retire_goals(gone.operational, lambda g: self.id(g.orgs[0]), on, "§ 12")
            )
            kf = self.id("KF")
            await self.timed("goal structure", self.retire_goals(gone.concrete, lambda g: kf, on, "§ 13"))

    async def planning_year(self, year: int, concretes: Sequence[GoalSpec]) -> None:
        plan = self.plan
        kf = self.id("KF")
        [cycle] = await self.run(
            "planning",
            [Op("openCycle", {"kind": ("CycleKind!", "ANNUAL"), "startYear": ("Int!", year)}, "id")],
            "openCycle",
        )
        cycle_id = cycle["id"]
        await self.advance(cycle_id)  # -> DIRECTIVE
        await self.settle(f"planning to learn the organisations and goals of {year}")
        groups = [
            ("PLANNING_DIRECTIVE", "Planeringsdirektiv", plan.committees),
            ("OWNER_DIRECTIVE", "Ägardirektiv", plan.companies),
        ]
        for kind, title, recipients in groups:
            if not recipients:
                continue
            keys = {o.key for o in recipients}
            [d] = await self.run(
                "planning",
                [
                    Op(
                        "createDirective",
                        {
                            "input": (
                                "DirectiveInput!",
                                {
                                    "cycleId": cycle_id,
                                    "kind": kind,
                                    "title": f"{title} {year}",
                                    "recipientIds": [self.id(o.key) for o in recipients],
                                },
                            )
                        },
                        "id",
                    )
                ],
                "createDirective",
            )
            did = d["id"]
            frames = [
                {"organizationId": self.id(o.key), "year": y, "amount": f"{plan.frames[(o.key, y)]}.00"}
                for o in recipients
                for y in (year, year + 1, year + 2)
            ]
            ops = [
                Op("setBudgetFrames", {"directiveId": ("ID!", did), "frames": ("[BudgetFrameInput!]!", frames)}, "id")
            ]
            if kind == "PLANNING_DIRECTIVE":
                ops.append(
                    Op(
                        "setTaxRate",
                        {"directiveId": ("ID!", did), "rate": ("Decimal!", f"{20 + (year % 7) / 10:.2f}")},
                        "id",
                    )
                )
            goal_ids = [self.id(g.key) for g in concretes if g.orgs[0] in keys]
            if goal_ids:
                ops.append(Op("addConcreteGoals", {"directiveId": ("ID!", did), "goalIds": ("[ID!]!", goal_ids)}, "id"))
            ops.append(
                Op(
                    "adoptDirective",
                    {"id": ("ID!", did), "decision": ("DecisionInput!", decision(kf, date(year - 1, 6, 15), "§ 120"))},
                    "id",
                )
            )
            await self.run("planning", ops, "directive", batch=len(ops))  # in order, in one request
        await self.advance(cycle_id)  # -> TAX_RATE
        await self.advance(cycle_id)  # -> OPERATIONAL_PLANNING
        await self.settle(f"the konkretiserade mål of {year} to be adopted")
        orgs = plan.recipients
        created = await self.run(
            "planning",
            [
                Op(
                    "createOperationalPlan",
                    {"cycleId": ("ID!", cycle_id), "organizationId": ("ID!", self.id(o.key))},
                    "id",
                )
                for o in orgs
            ],
            "createOperationalPlan",
        )
        for o, p in zip(orgs, created, strict=True):
            self.out.plans[f"{o.key}:{year}"] = p["id"]
        plan_ops: list[Op] = []
        for o, p in zip(orgs, created, strict=True):
            goal_ids = [self.id(g.key) for g in plan.operational_in_force(year, o.key)]
            lines = []
            for y in (year, year + 1, year + 2):
                total = plan.frames[(o.key, y)]
                parts = [total // 2, total // 3]
                parts.append(total - sum(parts))
                lines += [
                    {"activity": a, "year": y, "amount": f"{amt}.00"}
                    for a, amt in zip(("Verksamhet", "Lokaler", "Gemensamt"), parts, strict=True)
                ]
            plan_ops.append(Op("addPlanGoals", {"planId": ("ID!", p["id"]), "goalIds": ("[ID!]!", goal_ids)}, "id"))
            plan_ops.append(
                Op("setInternalBudget", {"planId": ("ID!", p["id"]), "lines": ("[BudgetLineInput!]!", lines)}, "id")
            )
            plan_ops.append(Op("submitPlan", {"id": ("ID!", p["id"])}, "id"))
            plan_ops.append(
                Op(
                    "adoptPlan",
                    {
                        "id": ("ID!", p["id"]),
                        "decision": ("DecisionInput!", decision(self.id(o.key), date(year - 1, 12, 10), "§ 80")),
                    },
                    "id",
                )
            )
        # One plan's four steps stay in order inside one request; plans run side by side.
        await self.run("planning", plan_ops, "verksamhetsplaner", batch=4)
        await self.advance(cycle_id)  # -> COMPILATION
        await self.advance(cycle_id)  # -> FOLLOW_UP
        await self.settle(f"the verksamhetsmål of {year} to be adopted")

    async def advance(self, cycle_id: str) -> None:
        await self.run("planning", [Op("advancePhase", {"cycleId": ("ID!", cycle_id)}, "id")], "advancePhase")

    async def followup_year(self, year: int) -> None:
        plan = self.plan
        kinds = ["TERTIAL", "INTERIM", "ANNUAL"]
        [defined] = await self.run(
            "followup",
            [Op("definePeriods", {"year": ("Int!", year), "kinds": ("[PeriodKind!]!", kinds)}, "id label closed")],
            "definePeriods",
        )
        # Periods someone defined and closed before (the demo data's T1) stay as they are.
        open_ids = {p["label"]: p["id"] for p in defined if not p["closed"]}
        self.out.periods.update({p["label"]: p["id"] for p in defined})
        labels = [f"T1 {year}", f"Delår {year}"] if year == plan.current_year else [f"Helår {year}"]
        by_owner: dict[str, list[Op]] = defaultdict(list)  # the owning nämnd or bolag assesses its goals
        for label in labels:
            if label not in open_ids:
                continue
            for g in plan.operational_in_force(year):
                verdict = assessment_for(plan.seed, g.key, label, plan.size.assessed_share)
                if verdict is None:
                    continue
                status, analysis = verdict
                args: dict[str, tuple[str, Any]] = {
                    "goalId": ("ID!", self.id(g.key)),
                    "periodId": ("ID!", open_ids[label]),
                    "status": ("AssessmentStatus!", status),
                }
                if analysis:
                    args["analysis"] = ("String", analysis)
                by_owner[g.orgs[0]].append(Op("assessGoal", args, "status"))
        await self.run_per_committee("followup", by_owner, "assessGoal")
        to_close = [f"T1 {year}"] if year == plan.current_year else list(open_ids)
        ops = [Op("closePeriod", {"id": ("ID!", open_ids[label])}, "id") for label in to_close if label in open_ids]
        await self.run("followup", ops, "closePeriod")

    async def employee_goals(self) -> None:
        rows = [
            {
                "externalId": e.external_id,
                "employeeRef": e.employee_ref,
                "unitId": self.id(e.unit),
                "operationalGoalId": self.id(e.goal),
                "title": e.title,
            }
            for e in self.plan.employee_goals
        ]
        await upsert_employee_goals(self.hr, "vsm-bench-hr", rows, 10_000)
        self.out.mutations += (len(rows) + 9_999) // 10_000


async def upsert_employee_goals(
    api: GraphQL, source: str, rows: Sequence[dict[str, Any]], batch: int
) -> list[dict[str, int]]:
    """The HR system's bulk path, one call per batch in order; refused rows raise."""
    results = []
    for i in range(0, len(rows), batch):
        [r] = await api.batch(
            "mutation",
            [
                Op(
                    "upsertEmployeeGoals",
                    {
                        "sourceSystem": ("String!", source),
                        "goals": ("[EmployeeGoalInput!]!", list(rows[i : i + batch])),
                    },
                    "created updated unchanged errors { index field message }",
                )
            ],
            "upsertEmployeeGoals",
        )
        if r["errors"]:
            raise RuntimeError(f"upsertEmployeeGoals refused rows: {r['errors'][:5]}")
        results.append(r)
    return results
