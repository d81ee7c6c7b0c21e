import { describe, expect, it } from 'vitest';
import type { WheelCyclesQuery } from '../../gql/graphql';
import {
  assignmentsByDueDate,
  chooseCycles,
  parseBudgetYear,
  phaseArcs,
  phasesToDo,
  reviewBefore,
  type DirectiveRow,
  type PhaseRow,
} from './cycles';

const cycles: WheelCyclesQuery = {
  cycles: [
    { id: 'm23', kind: 'MANDATE_PERIOD', startYear: 2023, endYear: 2026, title: 'Mandatperiod 2023–2026' },
    { id: 'm27', kind: 'MANDATE_PERIOD', startYear: 2027, endYear: 2030, title: 'Mandatperiod 2027–2030' },
    { id: 'a2001', kind: 'ANNUAL', startYear: 2001, endYear: 2001, title: 'Budgetår 2001' },
    { id: 'a2027', kind: 'ANNUAL', startYear: 2027, endYear: 2027, title: 'Budgetår 2027' },
    { id: 'a2028', kind: 'ANNUAL', startYear: 2028, endYear: 2028, title: 'Budgetår 2028' },
  ],
  annual: { id: 'a2027', startYear: 2027 },
};

function phase(kind: PhaseRow['kind'], state: PhaseRow['state'], overdue: boolean, opensOn: string | null = null, dueOn: string | null = null): PhaseRow {
  return { kind, state, overdue, opensOn, dueOn, completedOn: null, responsible: null };
}

describe('the årshjul', () => {
  it('shows the asked budget year within its mandate period, else the API’s current one', () => {
    expect(chooseCycles(cycles, 2028)).toMatchObject({ annual: { id: 'a2028' }, mandate: { id: 'm27' } });
    expect(chooseCycles(cycles, null)).toMatchObject({ annual: { id: 'a2027' }, mandate: { id: 'm27' } });
    const past = chooseCycles(cycles, 2001);
    expect(past.annual?.id).toBe('a2001');
    expect(past.mandate).toBeUndefined();
    expect(chooseCycles(cycles, 1999).annual).toBeUndefined();
    expect(chooseCycles(cycles, null).annualYears).toEqual([2028, 2027, 2001]);
  });

  it('reads only a four-digit year from ?budgetar=', () => {
    expect(parseBudgetYear('2027')).toBe(2027);
    for (const bad of [null, '', '27', '2027x', '20 27']) expect(parseBudgetYear(bad)).toBeNull();
  });

  it('asks for goals due for review before the mandate period ends, else before the budget year ends', () => {
    const { annual, mandate } = chooseCycles(cycles, 2028);
    expect(reviewBefore(annual!, mandate)).toBe('2031-01-01');
    expect(reviewBefore(annual!, undefined)).toBe('2029-01-01');
  });

  it('lists open phases and those the API calls overdue, never judging dates itself', () => {
    const phases = [
      phase('CONDITIONS_ANALYSIS', 'DONE', false, '2000-01-01', '2000-03-31'),
      phase('DIRECTIVE', 'OPEN', true),
      phase('TAX_RATE', 'NOT_STARTED', true),
      // Past due by its date, but the API says it is not overdue: not listed.
      phase('OPERATIONAL_PLANNING', 'NOT_STARTED', false, '2000-01-01', '2000-02-01'),
    ];
    expect(phasesToDo(phases).map((p) => p.kind)).toEqual(['DIRECTIVE', 'TAX_RATE']);
  });

  it('orders the uppdrag of directives in force or drafted by due date, undated last, superseded left out', () => {
    const directive = (id: string, state: DirectiveRow['state'], assignments: [string, string | null][]): DirectiveRow => ({
      id,
      kind: 'PLANNING_DIRECTIVE',
      title: id,
      state,
      revision: 1,
      assignments: assignments.map(([title, dueOn]) => ({
        id: `${id}-${title}`,
        title,
        dueOn,
        state: 'NOT_STARTED',
        overdue: false,
        recipients: [],
      })),
    });
    const rows = assignmentsByDueDate([
      directive('old', 'SUPERSEDED', [['Gammalt', '2027-01-01']]),
      directive('kf', 'ADOPTED', [['Sent', '2027-09-30'], ['Utan datum', null], ['Tidigt', '2027-03-31']]),
      directive('draft', 'DRAFT', [['Utkast', '2027-06-30']]),
    ]);
    expect(rows.map((r) => r.assignment.title)).toEqual(['Tidigt', 'Utkast', 'Sent', 'Utan datum']);
  });

  it('places dated phases on the wheel, a phase of a year or more all the way round', () => {
    const arcs = phaseArcs([
      phase('DIRECTIVE', 'OPEN', false, '2026-04-01', '2026-06-30'),
      phase('FOLLOW_UP', 'NOT_STARTED', false, '2027-01-01', '2028-04-30'),
      phase('TAX_RATE', 'NOT_STARTED', false),
    ]);
    expect(arcs.map((a) => [a.kind, a.whole])).toEqual([
      ['DIRECTIVE', false],
      ['FOLLOW_UP', true],
    ]);
    expect(arcs[0]!.from).toBeCloseTo(90 / 365, 5);
    expect(arcs[0]!.to).toBeCloseTo(181 / 365, 5);
  });
});
