// What the årshjul derives from the API's answers. Nothing here decides "due" or "overdue": the API does,
// in the municipality's calendar (Phase.overdue); these only pick, order and place.
import type { CycleKind, WheelCyclesQuery, YearWheelCycleFragment, YearWheelQuery } from '../../gql/graphql';

export type CycleSummary = WheelCyclesQuery['cycles'][number];
export type PhaseRow = YearWheelCycleFragment['phases'][number];
export type DirectiveRow = NonNullable<YearWheelQuery['annual']>['directives'][number];
export type AssignmentRow = DirectiveRow['assignments'][number];

export interface ChosenCycles {
  annual: CycleSummary | undefined;
  mandate: CycleSummary | undefined;
  annualYears: number[];
}

/** The annual cycle of `budgetYear` (else the API's current one) and the mandate period holding it. */
export function chooseCycles(data: WheelCyclesQuery, budgetYear: number | null): ChosenCycles {
  const ofKind = (kind: CycleKind) => data.cycles.filter((c) => c.kind === kind);
  const annuals = ofKind('ANNUAL');
  const year = budgetYear ?? data.annual?.startYear ?? null;
  const annual = annuals.find((c) => c.startYear === year);
  const mandate = annual
    ? ofKind('MANDATE_PERIOD').find((m) => m.startYear <= annual.startYear && annual.startYear <= m.endYear)
    : undefined;
  return { annual, mandate, annualYears: annuals.map((c) => c.startYear).sort((a, b) => b - a) };
}

/** A budget year from `?budgetar=`, or null when absent or not a year. */
export function parseBudgetYear(value: string | null): number | null {
  if (value === null || !/^\d{4}$/.test(value)) return null;
  return Number(value);
}

/** The date goalsDueForReview is asked for: the end of the mandate period, else of the budget year. */
export function reviewBefore(annual: CycleSummary, mandate: CycleSummary | undefined): string {
  return `${(mandate ?? annual).endYear + 1}-01-01`;
}

/** Phases under way or past due (the API's overdue), in the cycle's order. */
export function phasesToDo(phases: readonly PhaseRow[]): PhaseRow[] {
  return phases.filter((p) => p.state === 'OPEN' || p.overdue);
}

/** The assignments of the directives not superseded, by due date (undated last), each with its directive. */
export function assignmentsByDueDate(
  directives: readonly DirectiveRow[],
): { assignment: AssignmentRow; directive: DirectiveRow }[] {
  const rows = directives
    .filter((d) => d.state !== 'SUPERSEDED')
    .flatMap((directive) => directive.assignments.map((assignment: AssignmentRow) => ({ assignment, directive })));
  return rows.sort((a, b) => {
    const x = a.assignment.dueOn ?? '9999-12-31';
    const y = b.assignment.dueOn ?? '9999-12-31';
    return x < y ? -1 : x > y ? 1 : a.assignment.title.localeCompare(b.assignment.title, 'sv');
  });
}

/** Where a date falls on the wheel: 0 at 1 January, 1 at the end of December. */
export function yearFraction(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const start = Date.UTC(y, 0, 1);
  const end = Date.UTC(y + 1, 0, 1);
  return (Date.UTC(y, m - 1, d) - start) / (end - start);
}

export interface Arc {
  kind: PhaseRow['kind'];
  from: number;
  to: number;
  whole: boolean;
}

/** Each dated phase as a part of the wheel; a phase spanning a year or more goes all the way round. */
export function phaseArcs(phases: readonly PhaseRow[]): Arc[] {
  return phases.flatMap((p) => {
    if (!p.opensOn || !p.dueOn) return [];
    const days = (Date.parse(p.dueOn) - Date.parse(p.opensOn)) / 86_400_000;
    const whole = days >= 365;
    return [{ kind: p.kind, from: yearFraction(p.opensOn), to: yearFraction(p.dueOn) + 1 / 365, whole }];
  });
}
