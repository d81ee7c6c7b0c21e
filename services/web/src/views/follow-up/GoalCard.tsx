import { useId, useState } from 'react';
import { useLang, useTexts } from '../../i18n';
import * as followUp from '../../i18n/follow-up';
import { AssessForm } from './Assess';
import { formatNumber } from './format';
import { TrafficLight } from './TrafficLight';
import type { FulfilmentRow } from './types';
import { WhyPanel } from './Why';
import styles from './follow-up.module.css';

type Indicator = FulfilmentRow['indicators'][number];

export function IndicatorText({ outcome }: { outcome: Indicator }) {
  const texts = useTexts(followUp);
  const lang = useLang();
  const unit = outcome.indicator.unit;
  const actual = outcome.actual === null || outcome.actual === undefined ? texts.noValue : formatNumber(outcome.actual, lang);
  const target = outcome.target === null || outcome.target === undefined ? texts.noTarget : formatNumber(outcome.target, lang);
  const late = outcome.actualYear !== null && outcome.actualYear !== undefined && outcome.actualYear !== outcome.year;
  const withUnit = (value: string, present: boolean) => (present ? `${value} ${unit}` : value);
  return (
    <>
      <span lang="sv">{outcome.indicator.name}</span>: {texts.actualLabel}{' '}
      {withUnit(actual, outcome.actual !== null && outcome.actual !== undefined)}
      {late && outcome.actualYear ? ` (${texts.measuredYear(outcome.actualYear)})` : ''}, {texts.targetLabel}{' '}
      {withUnit(target, outcome.target !== null && outcome.target !== undefined)}{' '}
      <TrafficLight status={outcome.status} label={texts.status[outcome.status]} />
    </>
  );
}

/** A goal's indicators, one line each, or "no indicators": the goal card and the printable report. */
export function IndicatorList({ indicators }: { indicators: readonly Indicator[] }) {
  const texts = useTexts(followUp);
  if (indicators.length === 0) return <>{texts.noIndicators}</>;
  return (
    <ul className={styles.indicators}>
      {indicators.map((outcome) => (
        <li key={outcome.indicator.id}>
          <IndicatorText outcome={outcome} />
        </li>
      ))}
    </ul>
  );
}

/** One goal of the report: its traffic light, basis and indicators, "Varför?" and, for its nämnd, "Bedöm". */
export function GoalCard({
  row,
  periodId,
  canAssess,
  onAssessed,
}: {
  row: FulfilmentRow;
  periodId: string;
  canAssess: boolean;
  onAssessed: () => void;
}) {
  const texts = useTexts(followUp);
  const headingId = useId();
  const whyId = useId();
  const assessId = useId();
  const [why, setWhy] = useState(false);
  const [assessing, setAssessing] = useState(false);
  const [saved, setSaved] = useState(false);
  const goal = row.goal;
  return (
    <li>
      <article className={styles.goal} aria-labelledby={headingId}>
        <div className={styles.goalHead}>
          <div>
            <p className={styles.level}>{texts.level[goal.level]}</p>
            <h3 id={headingId} lang="sv">
              {goal.title}
            </h3>
          </div>
          <TrafficLight status={row.status} label={texts.status[row.status]} />
        </div>
        <dl className={styles.facts}>
          <dt>{texts.colBasis}</dt>
          <dd>{texts.basis[row.basis]}</dd>
          {goal.parents.length > 0 ? (
            <>
              <dt>{texts.serves}</dt>
              <dd lang="sv">{goal.parents.map((parent) => parent.title).join('; ')}</dd>
            </>
          ) : null}
          <dt>{texts.colIndicators}</dt>
          <dd>
            <IndicatorList indicators={row.indicators} />
          </dd>
        </dl>
        <div className={styles.buttons}>
          <button type="button" aria-expanded={why} aria-controls={why ? whyId : undefined} onClick={() => setWhy(!why)}>
            {texts.why}
          </button>
          {canAssess ? (
            <button
              type="button"
              aria-expanded={assessing}
              aria-controls={assessing ? assessId : undefined}
              onClick={() => {
                setSaved(false);
                setAssessing(!assessing);
              }}
            >
              {texts.assess}
            </button>
          ) : null}
        </div>
        <p role="status" className={styles.status}>
          {saved ? texts.saved : ''}
        </p>
        {why ? <WhyPanel row={row} periodId={periodId} id={whyId} /> : null}
        {assessing ? (
          <AssessForm
            row={row}
            periodId={periodId}
            id={assessId}
            onCancel={() => setAssessing(false)}
            onSaved={() => {
              setAssessing(false);
              setSaved(true);
              onAssessed();
            }}
          />
        ) : null}
      </article>
    </li>
  );
}
