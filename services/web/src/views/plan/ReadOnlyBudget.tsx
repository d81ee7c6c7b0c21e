import type { PlanTexts } from '../../i18n/plan';
import { formatSek, parseDecimal } from '../../lib/decimal';
import { DifferenceText, type BalanceRow } from './BudgetEditor';
import { rowsFromLines } from './budget';
import styles from './plan.module.css';

interface Props {
  years: readonly number[];
  lines: readonly { activity: string; year: number; amount: string }[];
  balance: readonly BalanceRow[];
  texts: PlanTexts;
  yearHeading: (year: number) => string;
}

/** The internbudget as the API holds it, with the API's own balance per year. */
export function ReadOnlyBudget({ years, lines, balance, texts, yearHeading }: Props) {
  const rows = rowsFromLines(lines, (a) => formatSek(a));
  const of = (year: number) => balance.find((b) => b.year === year);
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
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row" lang="sv">
                {row.activity}
              </th>
              {years.map((y) => (
                <td key={y} className={styles.amountCol}>
                  {row.amounts[y] ?? ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{texts.sum}</th>
            {years.map((y) => (
              <td key={y} className={styles.amountCol} data-testid={`sum-${y}`}>
                {formatSek(of(y)?.internalBudget ?? '0')}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row">{texts.frame}</th>
            {years.map((y) => {
              const frame = of(y)?.frame;
              return (
                <td key={y} className={styles.amountCol} data-testid={`frame-${y}`}>
                  {frame == null ? texts.noFrame : formatSek(frame)}
                </td>
              );
            })}
          </tr>
          <tr>
            <th scope="row">{texts.difference}</th>
            {years.map((y) => {
              const b = of(y);
              const value = !b || b.frame == null ? null : parseDecimal(b.difference);
              return (
                <td key={y} className={styles.amountCol}>
                  <output data-testid={`difference-${y}`} aria-label={`${texts.difference} ${y}`}>
                    <DifferenceText value={value} texts={texts} />
                  </output>
                </td>
              );
            })}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
