// A phase's state in words, and "Försenad" when the API says it is overdue (never judged here).
import { sv, en } from '../../i18n/year-wheel';
import { useTexts } from '../../i18n';
import { formatDate } from '../../lib/dates';
import type { PhaseRow } from './cycles';
import styles from './year-wheel.module.css';

export function PhaseStatus({ phase }: { phase: PhaseRow }) {
  const t = useTexts({ sv, en });
  const state =
    phase.state === 'DONE'
      ? phase.completedOn
        ? t.done(formatDate(phase.completedOn))
        : t.doneUndated
      : phase.state === 'OPEN'
        ? t.open
        : t.notStarted;
  return (
    <>
      <span>{state}</span>
      {phase.overdue && (
        <span className={styles.overdue}>
          <span aria-hidden="true">▲ </span>
          {t.overdue}
        </span>
      )}
    </>
  );
}
