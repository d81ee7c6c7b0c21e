import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, type CombinedError } from 'urql';
import type { PlanTexts } from '../../i18n/plan';
import { formatDecimal, parseDecimal } from '../../lib/decimal';
import {
  cellOfField,
  difference,
  isBlank,
  newRow,
  rowsFromLines,
  toLines,
  yearSums,
  type CellRef,
  type Row,
} from './budget';
import { SetInternalBudgetDocument, SubmitPlanDocument } from './operations';
import { toProblems, type Problem } from '../../api/problems';
import { differencesOf, isDomainRefusal } from './problems';
import { BudgetTable, BudgetTotals, DifferenceText } from './BudgetTable';
import { FormProblems } from './FormProblems';
import styles from './plan.module.css';

export interface BalanceRow {
  year: number;
  frame?: string | null;
  internalBudget: string;
  difference: string;
  balanced: boolean;
}

interface Props {
  planId: string;
  years: readonly number[];
  lines: readonly { activity: string; year: number; amount: string }[];
  frames: ReadonlyMap<number, string>;
  balance: readonly BalanceRow[];
  texts: PlanTexts;
  yearHeading: (year: number) => string;
  onSubmitted: () => void;
}

/** A message at one element of the matrix: the Swedish sentence, then the API's own words. */
interface Placed {
  target: string;
  label: string;
  lead: string;
  apiMessage?: string;
}

interface Refusal {
  message: string;
  differences: Map<number, string>;
}

const cellId = (c: CellRef) => `plan-cell-${c.rowKey}-${c.year}`;
const activityId = (rowKey: number) => `plan-activity-${rowKey}`;

/** An amount as it goes back into an input: Swedish digits in either language, since the input reads a
 * comma as the decimal sign ("70 000 000,00"). */
export const formatForInput = (amount: string) => formatDecimal(amount, 'sv', 2);

/** Internbudget minus frame in words, the API's sign: positive is over the frame. */
export function BudgetEditor({ planId, years, lines, frames, balance, texts, yearHeading, onSubmitted }: Props) {
  const [rows, setRows] = useState<Row[]>(() => {
    const initial = rowsFromLines(lines, formatForInput);
    return initial.length ? initial : [newRow()];
  });
  // After each save the API's balance stands until the next keystroke.
  const [saved, setSaved] = useState<readonly BalanceRow[] | null>(balance);
  const [placed, setPlaced] = useState<Placed[]>([]);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [formErrors, setFormErrors] = useState<Problem[]>([]);
  const [other, setOther] = useState<Problem[]>([]);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  // Focus follows a problem so a keyboard or screen reader user lands on it.
  const [focusRequest, setFocusRequest] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const refusalRef = useRef<HTMLDivElement>(null);
  const formProblemsRef = useRef<HTMLDivElement>(null);
  const [, setInternalBudget] = useMutation(SetInternalBudgetDocument);
  const [, submitPlan] = useMutation(SubmitPlanDocument);

  const sums = yearSums(rows, years);
  const label = (c: CellRef) => {
    const row = rows.find((r) => r.key === c.rowKey);
    return texts.amountOf(row?.activity.trim() ?? '', c.year);
  };

  function edit(rowKey: number, change: (row: Row) => Row) {
    setRows((rs) => rs.map((r) => (r.key === rowKey ? change(r) : r)));
    setSaved(null);
    setStatus('');
  }

  function clearMessages() {
    setPlaced([]);
    setRefusal(null);
    setFormErrors([]);
    setOther([]);
    setStatus('');
  }

  function place(errors: Problem[], cells: readonly CellRef[]): { placed: Placed[]; rest: Problem[] } {
    const out: Placed[] = [];
    const rest: Problem[] = [];
    for (const e of errors) {
      const where = e.field ? cellOfField(e.field, cells) : null;
      const lead = (e.rule && texts.rules[e.rule]) || texts.unknownRule;
      if (!where) {
        rest.push(e);
      } else if (where.part === 'amount') {
        out.push({ target: cellId(where.cell), label: label(where.cell), lead, apiMessage: e.message });
      } else {
        const row = rows.find((r) => r.key === where.cell.rowKey);
        const n = rows.findIndex((r) => r.key === where.cell.rowKey) + 1;
        out.push({
          target: activityId(where.cell.rowKey),
          label: row?.activity.trim() || texts.activityOfRow(n),
          lead,
          apiMessage: e.message,
        });
      }
    }
    return { placed: out, rest };
  }

  /** Saves the matrix; true when the API took it. */
  async function save(): Promise<boolean> {
    const { lines: toSend, cells, invalid } = toLines(rows, years);
    if (invalid.length) {
      setPlaced(invalid.map((c) => ({ target: cellId(c), label: label(c), lead: texts.notAnAmount })));
      setFocusRequest((n) => n + 1);
      return false;
    }
    const result = await setInternalBudget({ planId, lines: toSend });
    if (result.error || !result.data) {
      report(result.error ?? null, cells);
      return false;
    }
    const plan = result.data.setInternalBudget;
    const fresh = rowsFromLines(plan.internalBudget, formatForInput);
    setRows(fresh.length ? fresh : [newRow()]);
    setSaved(plan.balance);
    return true;
  }

  function report(error: CombinedError | null, cells: readonly CellRef[]) {
    if (!error) return;
    const problems = toProblems(error);
    const { placed: atCells, rest } = place(problems.filter(isDomainRefusal), cells);
    setPlaced(atCells);
    const unbalanced = rest.find((e) => e.rule === 'plan.budget_unbalanced');
    if (unbalanced) {
      setRefusal({ message: unbalanced.message, differences: differencesOf(unbalanced) });
    }
    setFormErrors(rest.filter((e) => e !== unbalanced));
    setOther(problems.filter((p) => !isDomainRefusal(p)));
    setFocusRequest((n) => n + 1);
  }

  async function onSave(event?: FormEvent) {
    event?.preventDefault();
    if (busy) return;
    clearMessages();
    setBusy('save');
    const ok = await save();
    setBusy(null);
    if (ok) setStatus(texts.saved);
  }

  async function onSubmit() {
    if (busy) return;
    clearMessages();
    setBusy('submit');
    // Unsaved changes first: the API judges the plan as stored.
    const ok = saved === null ? await save() : true;
    if (!ok) {
      setBusy(null);
      return;
    }
    const result = await submitPlan({ id: planId });
    setBusy(null);
    if (result.error || !result.data) {
      report(result.error ?? null, []);
      return;
    }
    setStatus(texts.submitted);
    onSubmitted();
  }

  useEffect(() => {
    if (!focusRequest) return;
    (summaryRef.current ?? refusalRef.current ?? formProblemsRef.current)?.focus();
  }, [focusRequest]);

  const messageAt = (target: string) => placed.find((p) => p.target === target);
  const described = (target: string) => (messageAt(target) ? `${target}-error` : undefined);

  function message(target: string) {
    const p = messageAt(target);
    if (!p) return null;
    return (
      <p id={`${target}-error`} className={styles.fieldError}>
        {p.lead}
        {p.apiMessage && (
          <>
            {' '}
            {texts.apiSaid} <span lang="en">{p.apiMessage}</span>
          </>
        )}
      </p>
    );
  }

  const balanceOf = (year: number) => saved?.find((b) => b.year === year);

  return (
    <form onSubmit={onSave} noValidate aria-labelledby="plan-budget-heading">
      <p id="plan-budget-help" className={styles.help}>
        {texts.budgetHelp}
      </p>
      {placed.length > 0 && (
        <div ref={summaryRef} tabIndex={-1} className={styles.summary} role="group" aria-labelledby="plan-summary-heading">
          <h3 id="plan-summary-heading">{texts.fixFollowing}</h3>
          <ul>
            {placed.map((p) => (
              <li key={p.target}>
                <a href={`#${p.target}`}>
                  {p.label}: {p.lead}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <BudgetTable years={years} texts={texts} yearHeading={yearHeading} buttonColumn>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row.key}>
              <th scope="row">
                <label className={styles.visuallyHidden} htmlFor={activityId(row.key)}>
                  {texts.activityOfRow(i + 1)}
                </label>
                <input
                  id={activityId(row.key)}
                  className={styles.activityInput}
                  value={row.activity}
                  autoComplete="off"
                  aria-invalid={messageAt(activityId(row.key)) ? true : undefined}
                  aria-describedby={described(activityId(row.key))}
                  onChange={(e) => edit(row.key, (r) => ({ ...r, activity: e.target.value }))}
                />
                {message(activityId(row.key))}
              </th>
              {years.map((y) => {
                const id = cellId({ rowKey: row.key, year: y });
                return (
                  <td key={y} className={styles.amountCol}>
                    <label className={styles.visuallyHidden} htmlFor={id}>
                      {texts.amountOf(row.activity.trim(), y)}
                    </label>
                    <input
                      id={id}
                      className={styles.amountInput}
                      inputMode="decimal"
                      autoComplete="off"
                      value={row.amounts[y] ?? ''}
                      aria-invalid={messageAt(id) ? true : undefined}
                      aria-describedby={described(id) ?? 'plan-budget-help'}
                      onChange={(e) => edit(row.key, (r) => ({ ...r, amounts: { ...r.amounts, [y]: e.target.value } }))}
                    />
                    {message(id)}
                  </td>
                );
              })}
              <td>
                <button
                  type="button"
                  onClick={() => {
                    setRows((rs) => {
                      const left = rs.filter((r) => r.key !== row.key);
                      return left.length ? left : [newRow()];
                    });
                    if (!isBlank(row, years)) setSaved(null);
                  }}
                >
                  {texts.removeRow(row.activity.trim(), i + 1)}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <BudgetTotals
            years={years}
            texts={texts}
            sum={(y) => balanceOf(y)?.internalBudget ?? sums.get(y) ?? 0n}
            frame={(y) => frames.get(y) ?? null}
            difference={(y) => {
              const b = balanceOf(y);
              if (!b) return difference(sums.get(y) ?? 0n, frames.get(y));
              return b.frame == null ? null : parseDecimal(b.difference);
            }}
            markBalance
            buttonColumn
          />
          {refusal && (
            <tr className={styles.refusedRow}>
              <th scope="row">{texts.refusedDifference}</th>
              {years.map((y) => {
                const d = refusal.differences.get(y);
                return (
                  <td key={y} className={styles.amountCol} data-testid={`refused-${y}`}>
                    <DifferenceText value={d === undefined ? 0n : parseDecimal(d)} texts={texts} />
                  </td>
                );
              })}
              <td />
            </tr>
          )}
        </tfoot>
      </BudgetTable>
      {refusal && (
        <div ref={refusalRef} tabIndex={-1} className={styles.refusal} role="alert" data-testid="plan-refusal">
          <p>{texts.unbalancedLead}</p>
          <p>
            {texts.apiSaid} <span lang="en">{refusal.message}</span>
          </p>
        </div>
      )}
      <FormProblems ref={formProblemsRef} problems={[...formErrors, ...other]} texts={texts} />
      <div className={styles.actions}>
        <button type="button" onClick={() => setRows((rs) => [...rs, newRow()])}>
          {texts.addRow}
        </button>
        <button type="button" onClick={() => void onSave()} aria-busy={busy === 'save' || undefined}>
          {busy === 'save' ? texts.saving : texts.save}
        </button>
        {/* The global primary style (base.css), whose hover keeps white text on a dark blue. */}
        <button type="button" className="primary" onClick={() => void onSubmit()} aria-busy={busy === 'submit' || undefined}>
          {busy === 'submit' ? texts.submitting : texts.submit}
        </button>
      </div>
      <p role="status" className={styles.status}>
        {status}
      </p>
    </form>
  );
}
