import type { ReactNode } from 'react';
import { ProblemText, type RuleTexts } from '../../api/notices';
import { type ErrorLike, type Problem, toProblems } from '../../api/problems';
import styles from './GoalTree.module.css';

/** The problems a query's refusal names at one of its arguments (here the date, `asOf`). */
export function fieldProblems(error: ErrorLike | null | undefined, field: string): Problem[] {
  return toProblems(error).filter((p) => p.kind === 'field' && p.field === field);
}

/** Shown under the date picker, which points at it with aria-describedby. */
export function DateProblems({ id, problems, rules }: { id: string; problems: readonly Problem[]; rules: RuleTexts }): ReactNode {
  return (
    <div id={id} className={styles.error} role="alert">
      {problems.map((problem, i) => (
        <p key={i}>
          <ProblemText problem={problem} rules={rules} />
        </p>
      ))}
    </div>
  );
}
