import { useId, useState } from 'react';
import { useQuery } from 'urql';
import { ViewProblems } from '../../api/forms';
import { useTexts } from '../../i18n';
import * as followUp from '../../i18n/follow-up';
import { formatDateTime } from '../../lib/dates';
import { GoalFulfilmentDocument } from './operations';
import { TrafficLight } from './TrafficLight';
import type { FulfilmentRow } from './types';
import styles from './follow-up.module.css';

type Heading = 'h4' | 'h5' | 'h6';
const deeper: Record<Heading, Heading> = { h4: 'h5', h5: 'h6', h6: 'h6' };

/**
 * Why a goal has its status: the API's explanation as written, the roll-up an own assessment overrides, the
 * analysis, and the contributors with theirs, each of which can be opened in turn (one level per request keeps
 * every document far inside the front door's depth limit).
 */
export function WhyPanel({
  row,
  periodId,
  id,
  heading = 'h4',
}: {
  row: FulfilmentRow;
  periodId: string;
  id?: string;
  heading?: Heading;
}) {
  const texts = useTexts(followUp);
  const H = heading;
  return (
    <div className={styles.panel} id={id}>
      <H>{texts.explanation}</H>
      <p lang="sv">{row.explanation}</p>
      {row.basis === 'OVERRIDDEN' && row.rolledUpStatus ? (
        <p>
          {texts.rolledUp}: <TrafficLight status={row.rolledUpStatus} label={texts.status[row.rolledUpStatus]} />
        </p>
      ) : null}
      {row.assessment?.analysis ? (
        <>
          <H>{texts.analysis}</H>
          <p lang="sv" className={styles.analysis}>
            {row.assessment.analysis}
          </p>
          <p className={styles.meta}>
            {texts.assessedBy(row.assessment.assessedBy?.name ?? '–', formatDateTime(row.assessment.assessedAt))}
          </p>
        </>
      ) : null}
      <H>{texts.contributors}</H>
      {row.contributors.length === 0 ? (
        <p>{texts.noContributors}</p>
      ) : (
        <ul className={styles.contributors}>
          {row.contributors.map((contributor) => (
            <Contributor
              key={contributor.goal.id}
              goalId={contributor.goal.id}
              title={contributor.goal.title}
              status={contributor.status}
              level={texts.level[contributor.goal.level]}
              periodId={periodId}
              heading={deeper[heading]}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function Contributor({
  goalId,
  title,
  status,
  level,
  periodId,
  heading,
}: {
  goalId: string;
  title: string;
  status: FulfilmentRow['status'];
  level: string;
  periodId: string;
  heading: Heading;
}) {
  const texts = useTexts(followUp);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <li className={styles.contributor}>
      <TrafficLight status={status} label={texts.status[status]} />
      <span>
        <span lang="sv">{title}</span> <span className={styles.meta}>({level})</span>
      </span>
      <button type="button" aria-expanded={open} aria-controls={open ? panelId : undefined} onClick={() => setOpen(!open)}>
        {texts.drill}
        <span className="visually-hidden"> – {title}</span>
      </button>
      {open ? (
        <div className={styles.contributorDrill}>
          <Drill goalId={goalId} periodId={periodId} id={panelId} heading={heading} />
        </div>
      ) : null}
    </li>
  );
}

function Drill({ goalId, periodId, id, heading }: { goalId: string; periodId: string; id: string; heading: Heading }) {
  const texts = useTexts(followUp);
  const [result, reexecute] = useQuery({ query: GoalFulfilmentDocument, variables: { id: goalId, periodId } });
  const row = result.data?.goal?.fulfilment;
  if (result.error && !row) {
    return (
      <div id={id}>
        <ViewProblems error={result.error} rules={texts.rules} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
      </div>
    );
  }
  if (!row) {
    return (
      <p id={id} role="status">
        {texts.loadingWhy}
      </p>
    );
  }
  return <WhyPanel row={row} periodId={periodId} id={id} heading={heading} />;
}
