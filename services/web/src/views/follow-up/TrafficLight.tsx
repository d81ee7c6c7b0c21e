import type { AssessmentStatus } from '../../gql/graphql';
import styles from './follow-up.module.css';

// The icon's shape carries the status too, so the light reads without colour and in black-and-white print.
const shapes: Record<AssessmentStatus, string> = {
  ACHIEVED: '●',
  PARTLY_ACHIEVED: '▲',
  NOT_ACHIEVED: '■',
  NOT_ASSESSED: '○',
};

const tones: Record<AssessmentStatus, string> = {
  ACHIEVED: styles.achieved,
  PARTLY_ACHIEVED: styles.partly,
  NOT_ACHIEVED: styles.notAchieved,
  NOT_ASSESSED: styles.notAssessed,
};

export function TrafficLight({ status, label }: { status: AssessmentStatus; label: string }) {
  return (
    <span className={`${styles.light} ${tones[status]}`} data-status={status}>
      <span className={styles.lightIcon} aria-hidden="true">
        {shapes[status]}
      </span>
      {label}
    </span>
  );
}
