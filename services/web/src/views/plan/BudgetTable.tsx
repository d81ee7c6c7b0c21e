import type { ReactNode } from 'react';
import type { PlanTexts } from '../../i18n/plan';
import { formatSek } from '../../lib/decimal';
import styles from './plan.module.css';

interface Props {
  years: readonly number[];
  texts: PlanTexts;
  yearHeading: (year: number) => string;
  /** The editor's column of remove buttons, which has no heading of its own. */
  buttonColumn?: boolean;
  /** The tbody and tfoot. */
  children: ReactNode;
}

/** The internbudget's scrolling table with its caption and year headings, editable or not. */
export function BudgetTable({ years, texts, yearHeading, buttonColumn = false, children }: Props) {
  return (
    <div className={styles.scroller} tabIndex={0} role="region" aria-labelledby="plan-budget-caption">
      <table className={styles.budget}>
        <caption id="plan-budget-caption">{texts.budgetCaption(`${years[0]}–${years[years.length - 1]}`)}</caption>
        <thead>
          <tr>
            <th scope="col">{texts.activity}</th>
            {years.map((y) => (
              <th scope="col" key={y} className={styles.amountCol}>
                {yearHeading(y)}
              </th>
            ))}
            {buttonColumn ? <td /> : null}
          </tr>
        </thead>
        {children}
      </table>
    </div>
  );
}

/** A year's difference to the frame in words: "i balans", "N kr över/under ramen", or no frame. */
export function DifferenceText({ value, texts }: { value: bigint | null; texts: PlanTexts }) {
  if (value === null) return <>{texts.noFrame}</>;
  if (value === 0n) return <>{texts.balanced}</>;
  const amount = formatSek(value < 0n ? -value : value);
  return <>{value > 0n ? texts.over(amount) : texts.under(amount)}</>;
}

interface TotalsProps {
  years: readonly number[];
  texts: PlanTexts;
  sum: (year: number) => string | bigint;
  /** null: the year has no frame. */
  frame: (year: number) => string | null;
  difference: (year: number) => bigint | null;
  /** Colour the difference as balanced or not (the editor, where it changes as one types). */
  markBalance?: boolean;
  buttonColumn?: boolean;
}

/** The tfoot's sum, frame and difference rows of each year. */
export function BudgetTotals({ years, texts, sum, frame, difference, markBalance = false, buttonColumn = false }: TotalsProps) {
  const filler = buttonColumn ? <td /> : null;
  return (
    <>
      <tr>
        <th scope="row">{texts.sum}</th>
        {years.map((y) => (
          <td key={y} className={styles.amountCol} data-testid={`sum-${y}`}>
            {formatSek(sum(y))}
          </td>
        ))}
        {filler}
      </tr>
      <tr>
        <th scope="row">{texts.frame}</th>
        {years.map((y) => {
          const amount = frame(y);
          return (
            <td key={y} className={styles.amountCol} data-testid={`frame-${y}`}>
              {amount === null ? texts.noFrame : formatSek(amount)}
            </td>
          );
        })}
        {filler}
      </tr>
      <tr>
        <th scope="row">{texts.difference}</th>
        {years.map((y) => {
          const value = difference(y);
          const marked = markBalance ? (value === 0n ? styles.balanced : styles.unbalanced) : undefined;
          return (
            <td key={y} className={styles.amountCol}>
              <output data-testid={`difference-${y}`} aria-label={`${texts.difference} ${y}`} className={marked}>
                <DifferenceText value={value} texts={texts} />
              </output>
            </td>
          );
        })}
        {filler}
      </tr>
    </>
  );
}
