import type { PlanTexts } from '../../i18n/plan';
import { formatSek, parseDecimal } from '../../lib/decimal';
import type { BalanceRow } from './BudgetEditor';
import { rowsFromLines } from './budget';
import { BudgetTable, BudgetTotals } from './BudgetTable';
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
    <BudgetTable years={years} texts={texts} yearHeading={yearHeading}>
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
        <BudgetTotals
          years={years}
          texts={texts}
          sum={(y) => of(y)?.internalBudget ?? '0'}
          frame={(y) => of(y)?.frame ?? null}
          difference={(y) => {
            const b = of(y);
            return !b || b.frame == null ? null : parseDecimal(b.difference);
          }}
        />
      </tfoot>
    </BudgetTable>
  );
}
