// The budget frames as a matrix (recipient × budgetår and two planår) with exact sums per year: the
// amounts are decimal strings and are added as such, never as floating point.
import { sumDecimals } from '../../lib/decimal';
import type { DirectiveDetailQuery } from '../../gql/graphql';

type Directive = NonNullable<DirectiveDetailQuery['directive']>;

export interface FrameRow {
  organizationId: string;
  code: string;
  name: string;
  amounts: (string | null)[];
}

export interface FrameMatrix {
  years: number[];
  rows: FrameRow[];
  sums: bigint[];
}

export function frameMatrix(directive: Directive): FrameMatrix {
  const years = [directive.budgetYear, directive.budgetYear + 1, directive.budgetYear + 2];
  const byOrg = new Map<string, Map<number, string>>();
  for (const frame of directive.budgetFrames) {
    const years = byOrg.get(frame.organization.id) ?? new Map<number, string>();
    years.set(frame.year, frame.amount);
    byOrg.set(frame.organization.id, years);
  }
  // Recipients in the directive's order; a frame for an organisation no longer a recipient still shows.
  const orgs = directive.recipients.map((r) => ({ id: r.id, code: r.code, name: r.name }));
  for (const frame of directive.budgetFrames) {
    if (!orgs.some((o) => o.id === frame.organization.id)) {
      orgs.push({ id: frame.organization.id, code: frame.organization.code, name: frame.organization.code });
    }
  }
  const rows = orgs.map((o) => ({
    organizationId: o.id,
    code: o.code,
    name: o.name,
    amounts: years.map((y) => byOrg.get(o.id)?.get(y) ?? null),
  }));
  const sums = years.map((_, i) => sumDecimals(rows.map((r) => r.amounts[i]).filter((a): a is string => a !== null)));
  return { years, rows, sums };
}
