"""Data sizes of the benchmark and how much load each scenario applies at that size."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    # ---- the municipality
    committees: int  # nämnder
    companies: int  # bolag
    operational_goals: int  # verksamhetsmål in force now
    biggest_share: float  # share of the verksamhetsmål owned by the biggest nämnd (the dashboard's)
    overarching: int  # övergripande mål
    action_programmes: int  # handlingsprogram
    employees: int
    employees_per_unit: int
    goals_per_employee: float  # medarbetarmål per employee, on average
    history_years: int  # budget years loaded, the last one is the current year
    drafts: int  # draft verksamhetsmål for next year (scenario 4 changes them)
    assessed_share: float  # share of verksamhetsmål assessed in a period
    # ---- the scenarios
    dashboard_requests_1: int  # requests at 1 client
    dashboard_requests_8: int  # requests at 8 clients
    throughput_seconds: float  # duration at 50 clients
    breakdown_requests: int  # traced requests for scenario 2
    overhead_requests: int  # pairs (federated, direct) for scenario 3
    propagation_changes: int
    hr_rows: int
    hr_batch: int
    rollup_requests: int
    list_sizes: tuple[int, int] = (10, 1000)


SIZES: dict[str, Size] = {
    "tiny": Size(
        name="tiny",
        committees=3,
        companies=1,
        operational_goals=24,
        biggest_share=0.5,
        overarching=2,
        action_programmes=2,
        employees=200,
        employees_per_unit=50,
        goals_per_employee=1.5,
        history_years=2,
        drafts=6,
        assessed_share=0.85,
        dashboard_requests_1=10,
        dashboard_requests_8=24,
        throughput_seconds=2.0,
        breakdown_requests=3,
        overhead_requests=3,
        propagation_changes=40,
        hr_rows=2_000,
        hr_batch=1_000,
        rollup_requests=3,
    ),
    "halmstad": Size(
        name="halmstad",
        committees=11,
        companies=4,
        operational_goals=300,
        biggest_share=0.2,
        overarching=6,
        action_programmes=10,
        employees=8_000,
        employees_per_unit=40,
        goals_per_employee=1.5,
        history_years=4,
        drafts=50,
        assessed_share=0.85,
        dashboard_requests_1=100,
        dashboard_requests_8=400,
        throughput_seconds=15.0,
        breakdown_requests=10,
        overhead_requests=20,
        propagation_changes=1_000,
        hr_rows=50_000,
        hr_batch=10_000,
        rollup_requests=20,
    ),
    "goteborg": Size(
        name="goteborg",
        committees=21,
        companies=19,
        operational_goals=1_500,
        biggest_share=0.123,
        overarching=8,
        action_programmes=24,
        employees=55_000,
        employees_per_unit=40,
        goals_per_employee=1.5,
        history_years=10,
        drafts=100,
        assessed_share=0.85,
        dashboard_requests_1=100,
        dashboard_requests_8=400,
        throughput_seconds=20.0,
        breakdown_requests=10,
        overhead_requests=20,
        propagation_changes=1_000,
        hr_rows=50_000,
        hr_batch=10_000,
        rollup_requests=20,
    ),
}
