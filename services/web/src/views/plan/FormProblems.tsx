import type { Ref } from 'react';
import { Problems } from '../../api/forms';
import type { Problem } from '../../api/problems';
import type { PlanTexts } from '../../i18n/plan';
import styles from './plan.module.css';

interface Props {
  ref?: Ref<HTMLDivElement>;
  problems: readonly Problem[];
  texts: PlanTexts;
}

/** What a save or submission ran into that is about the plan as a whole (field "id"/"planId", none, or an
 * outage), under the buttons that caused it. */
export function FormProblems({ ref, problems, texts }: Props) {
  if (!problems.length) return null;
  return (
    <div ref={ref} tabIndex={-1} className={styles.formProblems} data-testid="plan-problems">
      <Problems problems={problems} rules={texts.rules} afterMutation />
    </div>
  );
}
