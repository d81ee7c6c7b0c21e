// The internbudget as a matrix (verksamhet × the plan's years) and back to the API's lines, keeping which
// line came from which cell so that an error at "lines.3.amount" lands on its cell.
import { parseAmount, parseDecimal, toDecimalString } from '../../lib/decimal';

export interface Row {
  key: number;
  activity: string;
  /** What is in each year's cell, as typed. */
  amounts: Record<number, string>;
}

export interface LineInput {
  activity: string;
  year: number;
  amount: string;
}

export interface CellRef {
  rowKey: number;
  year: number;
}

let nextKey = 1;
export function newRow(): Row {
  return { key: nextKey++, activity: '', amounts: {} };
}

export function rowsFromLines(
  lines: readonly { activity: string; year: number; amount: string }[],
  format: (amount: string) => string,
): Row[] {
  const rows: Row[] = [];
  const byActivity = new Map<string, Row>();
  for (const line of lines) {
    let row = byActivity.get(line.activity);
    if (!row) {
      row = { ...newRow(), activity: line.activity };
      byActivity.set(line.activity, row);
      rows.push(row);
    }
    row.amounts[line.year] = format(line.amount);
  }
  return rows;
}

export function isBlank(row: Row, years: readonly number[]): boolean {
  return !row.activity.trim() && years.every((y) => !(row.amounts[y] ?? '').trim());
}

export interface Lines {
  lines: LineInput[];
  /** lines[i] came from cells[i]. */
  cells: CellRef[];
  /** Cells whose text is not an amount: not sent, shown at the cell. */
  invalid: CellRef[];
}

/** The lines to send: a cell left empty is no line; a blank row is left out. */
export function toLines(rows: readonly Row[], years: readonly number[]): Lines {
  const out: Lines = { lines: [], cells: [], invalid: [] };
  for (const row of rows) {
    if (isBlank(row, years)) continue;
    for (const year of years) {
      const text = (row.amounts[year] ?? '').trim();
      if (!text) continue;
      const amount = parseAmount(text);
      if (amount === null) {
        out.invalid.push({ rowKey: row.key, year });
        continue;
      }
      out.lines.push({ activity: row.activity, year, amount: toDecimalString(amount) });
      out.cells.push({ rowKey: row.key, year });
    }
  }
  return out;
}

/** Per year: the sum of the cells that are amounts (others count as nothing until corrected). */
export function yearSums(rows: readonly Row[], years: readonly number[]): Map<number, bigint> {
  const sums = new Map<number, bigint>();
  for (const year of years) {
    let total = 0n;
    for (const row of rows) total += parseAmount(row.amounts[year] ?? '') ?? 0n;
    sums.set(year, total);
  }
  return sums;
}

/** Internbudget minus frame, the API's sign: positive is over the frame; null without a frame. */
export function difference(total: bigint, frame: string | null | undefined): bigint | null {
  return frame == null ? null : total - parseDecimal(frame);
}

/** Where an API field path ("lines.3.amount", "lines.3") points in the matrix. */
export function cellOfField(
  field: string,
  cells: readonly CellRef[],
): { cell: CellRef; part: 'amount' | 'activity' | 'row' } | null {
  const m = /^lines\.(\d+)(?:\.(\w+))?$/.exec(field);
  if (!m) return null;
  const cell = cells[Number(m[1])];
  if (!cell) return null;
  const part = m[2] === 'activity' ? 'activity' : m[2] === undefined ? 'row' : 'amount';
  return { cell, part };
}
