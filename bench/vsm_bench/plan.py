"""The municipality to load, decided up front from a seed: same seed and size, same data.

Nothing here talks to the stack. :mod:`vsm_bench.generate` loads a :class:`Plan` through the API.

The shape, per budget year ``y`` of the history (the last year is the current one):

- KF's planeringsdirektiv (nämnder) and ägardirektiv (bolag) for ``y`` establish a cohort of
  konkretiserade mål valid ``y``..``y+2``; each nämnd's and bolag's verksamhetsplan for ``y``
  holds its verksamhetsmål in force, among them a new cohort serving the new konkretiserade mål.
- A cohort lives three years, so three cohorts are in force at any time; a cohort's goals are
  retired by decision in February after its last year, once the year's helår is assessed.
- Follow-up: tertial 1, delår and helår per year; verksamhetsmål are assessed in helår of past
  years and in T1 and delår of the current year; the higher levels roll up.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from .sizes import Size

COMMITTEE_NAMES = [
    "Grundskolenämnden",
    "Förskolenämnden",
    "Utbildningsnämnden",
    "Socialnämnden Nordost",
    "Socialnämnden Centrum",
    "Socialnämnden Sydväst",
    "Socialnämnden Hisingen",
    "Äldre samt vård- och omsorgsnämnden",
    "Nämnden för funktionsstöd",
    "Kulturnämnden",
    "Idrotts- och föreningsnämnden",
    "Stadsbyggnadsnämnden",
    "Stadsmiljönämnden",
    "Miljö- och klimatnämnden",
    "Byggnadsnämnden",
    "Fastighetsnämnden",
    "Arbetsmarknadsnämnden",
    "Nämnden för demokrati och medborgarservice",
    "Nämnden för inköp och upphandling",
    "Servicenämnden",
    "Överförmyndarnämnden",
    "Valnämnden",
    "Trafiknämnden",
    "Park- och naturnämnden",
]
COMPANY_NAMES = [
    "Energi AB",
    "Bostads AB",
    "Hamn AB",
    "Parkerings AB",
    "Vatten AB",
    "Renhållnings AB",
    "Fastighets AB",
    "Spårvägar AB",
    "Evenemang AB",
    "Lokalförvaltning AB",
    "Stadsnät AB",
    "Business Region AB",
    "Kommunleasing AB",
    "Turism AB",
    "Hamnfastigheter AB",
    "Framtiden AB",
    "Familjebostäder AB",
    "Egnahemsbolaget AB",
    "Utvecklings AB",
    "Stadshus AB",
]
SUBJECTS = [
    "elever",
    "barn i förskolan",
    "äldre med hemtjänst",
    "brukare",
    "invånare",
    "företagare",
    "besökare",
    "unga",
    "hyresgäster",
    "medarbetare",
    "föreningar",
    "resenärer",
]
OUTCOMES = [
    "som når kunskapskraven",
    "som känner sig trygga",
    "som är nöjda med bemötandet",
    "som får svar inom två dagar",
    "som har en aktiv fritid",
    "som upplever god tillgänglighet",
    "som deltar i beslut som rör dem",
    "som har en fast kontaktperson",
    "som har egen försörjning",
    "som reser hållbart",
]
CHANGES = ["ska öka", "ska vara minst 90 %", "ska fördubblas till 2030", "ska öka varje år", "ska bli fler"]
THEMES_OF_WORK = [
    "trygghet",
    "lärande",
    "folkhälsa",
    "klimat och miljö",
    "näringsliv",
    "kultur",
    "bostäder",
    "digitalisering",
    "jämlikhet",
    "arbete",
]
STATUS_WEIGHTS = [("ACHIEVED", 0.55), ("PARTLY_ACHIEVED", 0.28), ("NOT_ACHIEVED", 0.12), ("NOT_ASSESSED", 0.05)]


@dataclass(frozen=True)
class OrgSpec:
    key: str
    code: str
    name: str
    kind: str  # OrganizationKind
    parent: str | None  # key, or "KF" for the council


@dataclass(frozen=True)
class GoalSpec:
    key: str
    level: str  # GoalLevel
    title: str
    parents: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    cohort: int | None = None  # the budget year whose directive or plan first holds it


@dataclass
class Cohort:
    year: int
    concrete: list[GoalSpec] = field(default_factory=list)
    operational: list[GoalSpec] = field(default_factory=list)

    def retire_on(self) -> date:
        """Retired by decision in February after its three years."""
        return date(self.year + 3, 2, 15)


@dataclass(frozen=True)
class EmployeeGoalSpec:
    external_id: str
    employee_ref: str
    unit: str  # org key
    goal: str  # operational goal key
    title: str


@dataclass
class Plan:
    size: Size
    seed: int
    tag: str
    years: list[int]
    committees: list[OrgSpec]
    companies: list[OrgSpec]
    administrations: list[OrgSpec]
    units: list[OrgSpec]
    overarching: list[GoalSpec]
    action_programmes: list[GoalSpec]
    cohorts: dict[int, Cohort]
    drafts: list[GoalSpec]
    employee_goals: list[EmployeeGoalSpec]
    frames: dict[tuple[str, int], int]  # (org key, year) -> SEK

    @property
    def current_year(self) -> int:
        return self.years[-1]

    @property
    def recipients(self) -> list[OrgSpec]:
        return self.committees + self.companies

    @property
    def dashboard_org(self) -> OrgSpec:
        """The biggest nämnd: its goals are the committee dashboard of scenario 1."""
        return self.committees[0]

    def cohorts_in_force(self, year: int) -> list[Cohort]:
        return [c for c in self.cohorts.values() if c.year <= year <= c.year + 2]

    def operational_in_force(self, year: int, org: str | None = None) -> list[GoalSpec]:
        return [g for c in self.cohorts_in_force(year) for g in c.operational if org is None or org in g.orgs]

    def all_goals(self) -> Iterator[GoalSpec]:
        yield from self.overarching
        yield from self.action_programmes
        for c in sorted(self.cohorts.values(), key=lambda c: c.year):
            yield from c.concrete
            yield from c.operational
        yield from self.drafts

    def counts(self) -> dict[str, int]:
        cur = self.current_year
        in_force_concrete = sum(len(c.concrete) for c in self.cohorts_in_force(cur))
        return {
            "nämnder": len(self.committees),
            "bolag": len(self.companies),
            "units": len(self.units) + len(self.administrations),
            "employees": len({e.employee_ref for e in self.employee_goals}),
            "medarbetarmål": len(self.employee_goals),
            "verksamhetsmål in force": len(self.operational_in_force(cur)),
            "verksamhetsmål ever": sum(len(c.operational) for c in self.cohorts.values()),
            "konkretiserade mål in force": in_force_concrete,
            "goals ever": sum(1 for _ in self.all_goals()),
            "dashboard goals": len(self.operational_in_force(cur, self.dashboard_org.key))
            + sum(1 for c in self.cohorts_in_force(cur) for g in c.concrete if self.dashboard_org.key in g.orgs),
            "budget years": len(self.years),
        }


def _weights(n: int, biggest: float) -> list[float]:
    """Organisation sizes: the first gets ``biggest``, the rest a Zipf-like share of what is left."""
    if n == 1:
        return [1.0]
    rest = [1.0 / (i + 1) ** 0.7 for i in range(1, n)]
    total = sum(rest)
    return [biggest] + [(1.0 - biggest) * r / total for r in rest]


def _split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to ``weights`` that add up to ``total`` (largest remainders)."""
    raw = [total * w for w in weights]
    out = [math.floor(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _title(rng: random.Random) -> str:
    return f"Andelen {rng.choice(SUBJECTS)} {rng.choice(OUTCOMES)} {rng.choice(CHANGES)}"


def build_plan(size: Size, seed: int = 7, tag: str = "B", current_year: int = 2026) -> Plan:
    rng = random.Random(f"vsm-bench:{seed}:{size.name}")  # noqa: S311 - reproducible data, not secrets
    years = list(range(current_year - size.history_years + 1, current_year + 1))
    first = years[0]

    def code(suffix: str) -> str:
        c = f"{tag}-{suffix}"
        assert len(c) <= 20, c
        return c

    committees = [
        OrgSpec(f"n{i}", code(f"N{i:02d}"), _numbered(COMMITTEE_NAMES, i), "COMMITTEE", "KF")
        for i in range(size.committees)
    ]
    companies = [
        OrgSpec(f"b{i}", code(f"B{i:02d}"), _numbered(COMPANY_NAMES, i), "COMPANY", "KF") for i in range(size.companies)
    ]
    recipients = committees + companies
    weights = _weights(len(recipients), size.biggest_share)
    # The biggest nämnd is committees[0]; bolag are smaller than nämnder on average.
    ops_per_org = _split(size.operational_goals, weights)
    employees_per_org = _split(size.employees, weights)

    administrations: list[OrgSpec] = []
    units: list[OrgSpec] = []
    unit_of_org: dict[str, list[str]] = {}
    for org, staff in zip(recipients, employees_per_org, strict=True):
        parent = org.key
        if org.kind == "COMMITTEE":
            adm = OrgSpec(
                f"{org.key}f",
                code(f"{org.code[len(tag) + 1 :]}F"),
                f"Förvaltningen för {org.name}",
                "ADMINISTRATION",
                org.key,
            )
            administrations.append(adm)
            parent = adm.key
        n_units = max(1, math.ceil(staff / size.employees_per_unit))
        keys = []
        for u in range(n_units):
            unit = OrgSpec(
                f"{org.key}u{u}",
                code(f"{org.code[len(tag) + 1 :]}U{u:03d}"),
                f"{org.name}, enhet {u + 1}",
                "UNIT",
                parent,
            )
            units.append(unit)
            keys.append(unit.key)
        unit_of_org[org.key] = keys

    overarching = [
        GoalSpec(f"oa{i}", "OVERARCHING", f"{rng.choice(THEMES_OF_WORK).capitalize()}: {_title(rng)}")
        for i in range(size.overarching)
    ]
    action_programmes = [
        GoalSpec(
            f"ap{i}",
            "ACTION_PROGRAMME",
            f"Handlingsprogram för {rng.choice(THEMES_OF_WORK)} {i + 1}",
            parents=(overarching[i % len(overarching)].key,),
        )
        for i in range(size.action_programmes)
    ]

    cohorts: dict[int, Cohort] = {}
    for year in [first - 2, first - 1, *years]:
        cohort = Cohort(year)
        for org, n_ops in zip(recipients, ops_per_org, strict=True):
            per_cohort = _split(n_ops, [1 / 3] * 3)[(year - first) % 3]
            n_concrete = max(1, round(per_cohort / 12))
            concretes = [
                GoalSpec(
                    f"k{year}{org.key}_{j}",
                    "CONCRETE",
                    _title(rng),
                    parents=(rng.choice(action_programmes).key,),
                    orgs=(org.key,),
                    valid_from=date(year, 1, 1),
                    valid_to=date(year + 2, 12, 31),
                    cohort=year,
                )
                for j in range(n_concrete)
            ]
            cohort.concrete += concretes
            for j in range(per_cohort):
                cohort.operational.append(
                    GoalSpec(
                        f"v{year}{org.key}_{j}",
                        "OPERATIONAL",
                        _title(rng),
                        parents=(concretes[j % n_concrete].key,),
                        orgs=(org.key,),
                        cohort=year,
                    )
                )
        cohorts[year] = cohort

    # Drafts for next year's plans: the goals scenario 4 keeps changing.
    current_concretes = cohorts[current_year].concrete
    drafts = [
        GoalSpec(
            f"d{i}",
            "OPERATIONAL",
            f"Utkast: {_title(rng)}",
            parents=(current_concretes[i % len(current_concretes)].key,),
            orgs=current_concretes[i % len(current_concretes)].orgs,
        )
        for i in range(size.drafts)
    ]

    employee_goals: list[EmployeeGoalSpec] = []
    n = 0
    for org, staff in zip(recipients, employees_per_org, strict=True):
        in_force = [
            g.key for c in cohorts.values() if c.year + 2 >= current_year for g in c.operational if org.key in g.orgs
        ]
        if not in_force:
            continue
        for e in range(staff):
            ref = f"{tag}-e{org.key}-{e:05d}"
            unit_key = unit_of_org[org.key][e // size.employees_per_unit % len(unit_of_org[org.key])]
            k = 1 if rng.random() >= size.goals_per_employee - 1 else 2
            for goal in rng.sample(in_force, min(k, len(in_force))):
                employee_goals.append(EmployeeGoalSpec(f"{tag}-mg{n:07d}", ref, unit_key, goal, _title(rng)))
                n += 1

    frames: dict[tuple[str, int], int] = {}
    for org, w in zip(recipients, weights, strict=True):
        base = int(40_000_000_000 * w * size.employees / 55_000) // 1000 * 1000 + 10_000_000
        for year in range(first, current_year + 3):
            frames[(org.key, year)] = base + (year - first) * base // 50 // 1000 * 1000

    return Plan(
        size=size,
        seed=seed,
        tag=tag,
        years=years,
        committees=committees,
        companies=companies,
        administrations=administrations,
        units=units,
        overarching=overarching,
        action_programmes=action_programmes,
        cohorts=cohorts,
        drafts=drafts,
        employee_goals=employee_goals,
        frames=frames,
    )


def _numbered(names: list[str], i: int) -> str:
    base = names[i % len(names)]
    return base if i < len(names) else f"{base} {i // len(names) + 1}"


def assessment_for(seed: int, goal_key: str, period_label: str, share: float) -> tuple[str, str | None] | None:
    """The status and analysis a goal gets in a period, or None when it is not assessed (deterministic)."""
    rng = random.Random(f"assess:{seed}:{goal_key}:{period_label}")  # noqa: S311 - reproducible data
    if rng.random() > share:
        return None
    x = rng.random()
    status = STATUS_WEIGHTS[-1][0]
    for candidate, w in STATUS_WEIGHTS:
        x -= w
        if x <= 0:
            status = candidate
            break
    analysis = None
    if status != "ACHIEVED":
        analysis = (
            f"{period_label}: {rng.choice(['Bemanningen', 'Lokalerna', 'Efterfrågan', 'Budgeten'])} "
            f"har {rng.choice(['begränsat', 'försenat', 'påverkat'])} arbetet; åtgärder pågår."
        )
    return status, analysis
