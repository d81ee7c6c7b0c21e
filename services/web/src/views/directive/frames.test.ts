import { describe, expect, it } from 'vitest';
import type { DirectiveDetailQuery } from '../../gql/graphql';
import { toDecimalString } from '../../lib/decimal';
import { frameMatrix } from './frames';

type Directive = NonNullable<DirectiveDetailQuery['directive']>;

function directive(frames: [string, number, string][]): Directive {
  const org = (code: string) => ({ id: `id-${code}`, code, name: `Nämnd ${code}`, kind: 'COMMITTEE' as const });
  return {
    id: 'd',
    lineageId: 'd',
    kind: 'PLANNING_DIRECTIVE',
    title: 'Direktiv',
    budgetYear: 2027,
    state: 'ADOPTED',
    revision: 1,
    taxRate: '20.38',
    adopted: null,
    cycle: { id: 'c', title: 'Budgetår 2027' },
    recipients: [org('BUN'), org('SN')],
    budgetFrames: frames.map(([code, year, amount]) => ({ year, amount, organization: { id: `id-${code}`, code } })),
    concreteGoals: [],
    assignments: [],
    revisions: [],
    supersededBy: null,
    goalEstablishment: null,
  };
}

describe('the frames of a directive', () => {
  it('is a recipient × year matrix whose sums are exact, beyond what a float can hold', () => {
    const m = frameMatrix(
      directive([
        ['SN', 2027, '0.10'],
        ['BUN', 2027, '9007199254740993.20'],
        ['BUN', 2028, '3010000000.00'],
        ['SN', 2028, '0.01'],
        ['BUN', 2029, '3070000000.00'],
      ]),
    );
    expect(m.years).toEqual([2027, 2028, 2029]);
    expect(m.rows.map((r) => [r.code, r.amounts])).toEqual([
      ['BUN', ['9007199254740993.20', '3010000000.00', '3070000000.00']],
      ['SN', ['0.10', '0.01', null]],
    ]);
    expect(m.sums.map(toDecimalString)).toEqual(['9007199254740993.3', '3010000000.01', '3070000000']);
  });

  it('keeps a frame of an organisation that is no longer a recipient', () => {
    const m = frameMatrix(directive([['TFN', 2027, '1.00']]));
    expect(m.rows.map((r) => r.code)).toEqual(['BUN', 'SN', 'TFN']);
  });
});
