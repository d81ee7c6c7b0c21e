import { describe, expect, it } from 'vitest';
import { cellOfField, difference, rowsFromLines, toLines, yearSums, type Row } from './budget';
import { differencesOf } from './problems';

const years = [2101, 2102, 2103];
const row = (key: number, activity: string, amounts: Record<number, string>): Row => ({ key, activity, amounts });

describe('the internbudget matrix', () => {
  it('sends a line per filled cell, exactly, and remembers which cell each line came from', () => {
    const rows = [
      row(1, 'Grundskola', { 2101: '70 000 000', 2103: '72\u00a0500\u202f000,50' }),
      row(2, '', {}),
      row(3, 'Förskola', { 2102: '-1 500', 2103: '1,234' }),
    ];
    const { lines, cells, invalid } = toLines(rows, years);
    expect(lines).toEqual([
      { activity: 'Grundskola', year: 2101, amount: '70000000' },
      { activity: 'Grundskola', year: 2103, amount: '72500000.5' },
      { activity: 'Förskola', year: 2102, amount: '-1500' },
      // Precision is the API's to judge: "1,234" goes as 1.234 and comes back refused at its cell.
      { activity: 'Förskola', year: 2103, amount: '1.234' },
    ]);
    expect(invalid).toEqual([]);
    expect(cellOfField('lines.3.amount', cells)).toEqual({ cell: { rowKey: 3, year: 2103 }, part: 'amount' });
    expect(cellOfField('lines.1.activity', cells)).toEqual({ cell: { rowKey: 1, year: 2103 }, part: 'activity' });
    expect(cellOfField('lines.2', cells)).toEqual({ cell: { rowKey: 3, year: 2102 }, part: 'row' });
    expect(cellOfField('lines.4.amount', cells)).toBeNull();
    expect(cellOfField('id', cells)).toBeNull();
  });

  it('keeps what is not an amount out of the request, at its cell', () => {
    const { lines, invalid } = toLines([row(7, 'Fritidshem', { 2101: '12a', 2102: '1,2,3', 2103: '5' })], years);
    expect(lines).toEqual([{ activity: 'Fritidshem', year: 2103, amount: '5' }]);
    expect(invalid).toEqual([
      { rowKey: 7, year: 2101 },
      { rowKey: 7, year: 2102 },
    ]);
  });

  it('sums each year exactly and gives the difference with the API sign (positive is over)', () => {
    const rows = [
      row(1, 'A', { 2101: '0,1', 2102: '9007199254740993' }),
      row(2, 'B', { 2101: '0,2', 2102: '0,01' }),
    ];
    const sums = yearSums(rows, years);
    expect(sums.get(2101)).toBe(300000n); // 0.3 at scale 6, where floats give 0.30000000000000004
    expect(difference(sums.get(2101) ?? 0n, '0.30')).toBe(0n);
    expect(difference(sums.get(2102) ?? 0n, '9007199254740993.00')).toBe(10000n);
    expect(difference(sums.get(2103) ?? 0n, '1.00')).toBe(-1000000n);
    expect(difference(0n, null)).toBeNull();
  });

  it('groups the API lines into rows per activity', () => {
    const rows = rowsFromLines(
      [
        { activity: 'Grundskola', year: 2101, amount: '1.00' },
        { activity: 'Förskola', year: 2101, amount: '2.00' },
        { activity: 'Grundskola', year: 2102, amount: '3.00' },
      ],
      (a) => `[${a}]`,
    );
    expect(rows.map((r) => [r.activity, r.amounts])).toEqual([
      ['Grundskola', { 2101: '[1.00]', 2102: '[3.00]' }],
      ['Förskola', { 2101: '[2.00]' }],
    ]);
  });

  it("reads plan.budget_unbalanced's differences, a year without a frame too", () => {
    const differences = differencesOf({
      kind: 'field',
      code: 'BAD_USER_INPUT',
      rule: 'plan.budget_unbalanced',
      field: 'id',
      message: 'the internbudget does not add up to the frame; …',
      details: {
        differences: [
          { year: 2102, frame: '102000000.00', internalBudget: '101000000.00', difference: '-1000000.00' },
          { year: 2103, frame: null, internalBudget: '5.00', difference: '5.00' },
          { year: 'x', difference: '1' },
        ],
      },
    });
    expect([...differences]).toEqual([
      [2102, '-1000000.00'],
      [2103, '5.00'],
    ]);
  });
});
