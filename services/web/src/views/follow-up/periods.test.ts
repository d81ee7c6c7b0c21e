import { describe, expect, it } from 'vitest';
import { byLabel, forPicker, latestOpen } from './periods';
import type { Period } from './periods';

function period(label: string, year: number, startsOn: string, endsOn: string, closed = false): Period {
  return { id: label, label, kind: 'ANNUAL', year, startsOn, endsOn, closed };
}

const t1 = period('T1 2026', 2026, '2026-01-01', '2026-04-30', true);
const delar = period('Delår 2026', 2026, '2026-01-01', '2026-08-31');
const helar = period('Helår 2026', 2026, '2026-01-01', '2026-12-31');
const december = period('December 2026', 2026, '2026-12-01', '2026-12-31');
const old = period('Delår 2011', 2011, '2011-01-01', '2011-08-31');

describe('the default period', () => {
  it('is the open period ending last, the longest of those ending the same day, as the API picks it', () => {
    expect(latestOpen([old, t1, december, delar, helar])?.label).toBe('Helår 2026');
  });

  it('is never a closed period', () => {
    expect(latestOpen([t1, { ...helar, closed: true }, { ...december, closed: true }, delar, old])?.label).toBe('Delår 2026');
    expect(latestOpen([t1])).toBeUndefined();
  });
});

describe('a period in the address', () => {
  it('is found by its label whatever its case, as the API compares labels', () => {
    expect(byLabel([t1, delar], 'delår 2026')?.id).toBe('Delår 2026');
    expect(byLabel([t1, delar], ' DELÅR 2026 ')?.id).toBe('Delår 2026');
    expect(byLabel([t1, delar], 'Delår 2027')).toBeUndefined();
  });
});

describe('the picker', () => {
  it('lists the newest year first and a year in the order its periods end', () => {
    expect(forPicker([old, helar, december, t1, delar]).map((p) => p.label)).toEqual([
      'T1 2026',
      'Delår 2026',
      'Helår 2026',
      'December 2026',
      'Delår 2011',
    ]);
  });
});
