import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTexts } from '../../i18n';
import * as followUp from '../../i18n/follow-up';
import type { Period } from './periods';
import styles from './follow-up.module.css';

/** Choosing a period is a submit, not a change event, so the page never changes under the keyboard. */
export function PeriodPicker({ periods, current }: { periods: readonly Period[]; current: Period | undefined }) {
  const texts = useTexts(followUp);
  const id = useId();
  const [, setSearch] = useSearchParams();
  const [chosen, setChosen] = useState(current?.label ?? periods[0]?.label ?? '');
  const value = periods.some((p) => p.label === chosen) ? chosen : (current?.label ?? '');
  return (
    <form
      className={styles.periodForm}
      onSubmit={(event) => {
        event.preventDefault();
        if (value) setSearch({ period: value });
      }}
    >
      <div>
        <label htmlFor={id}>{texts.periodLabel}</label>
        <select id={id} value={value} onChange={(event) => setChosen(event.target.value)}>
          {periods.map((p) => (
            <option key={p.id} value={p.label}>
              {p.label} ({p.closed ? texts.closed : texts.open})
            </option>
          ))}
        </select>
      </div>
      <button type="submit">{texts.show}</button>
    </form>
  );
}
