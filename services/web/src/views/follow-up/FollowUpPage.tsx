import { useCallback, useId } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { Problems, ViewProblems } from '../../api/forms';
import { toProblems } from '../../api/problems';
import { abilitiesFor } from '../../auth/abilities';
import { useViewer } from '../../auth/useViewer';
import { useTexts } from '../../i18n';
import * as followUp from '../../i18n/follow-up';
import { PageHeading } from '../../layout/PageHeading';
import { formatDate } from '../../lib/dates';
import { ActionsTable, NewActionForm } from './Actions';
import { GoalCard } from './GoalCard';
import { FollowUpDocument } from './operations';
import { PeriodPicker } from './PeriodPicker';
import { usePeriod } from './usePeriod';
import styles from './follow-up.module.css';

/** /uppfoljning/:code?period=<label>: a nämnd's goals with traffic lights, why, assessments and åtgärder. */
export function FollowUpPage() {
  const { code = '' } = useParams();
  const texts = useTexts(followUp);
  const { viewer } = useViewer();
  const abilities = abilitiesFor(viewer);
  const choice = usePeriod();
  const period = choice.period;
  const goalsHeadingId = useId();
  const actionsHeadingId = useId();
  const [result, reexecute] = useQuery({
    query: FollowUpDocument,
    variables: { code, periodLabel: period?.label ?? '' },
    pause: period === undefined,
    requestPolicy: 'cache-and-network',
  });
  // A mutation's answer does not hold every row it changes (a roll-up, a new åtgärd): read the report again.
  const reload = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);

  const org = result.data?.organization ?? null;
  const report = org?.followUpReport;
  const heading = texts.title(org?.name ?? code);
  const editable = abilities.canFollowUp(code) && report !== undefined && !report.period.closed;

  return (
    <>
      <PageHeading>{heading}</PageHeading>
      <div className={styles.toolbar}>
        {choice.periods.length > 0 ? <PeriodPicker periods={choice.periods} current={period} /> : null}
        {report ? (
          <Link to={`rapport?period=${encodeURIComponent(report.period.label)}`}>{texts.printable}</Link>
        ) : null}
      </div>
      <ViewProblems error={choice.error} rules={texts.rules} />
      {!choice.fetching && !choice.error && choice.periods.length === 0 ? <p>{texts.noPeriods}</p> : null}
      {!choice.fetching && choice.asked && period === undefined && choice.periods.length > 0 ? (
        <p role="alert">{texts.periodNotFound(choice.asked)}</p>
      ) : null}
      {result.error && !report ? (
        <ViewProblems error={result.error} rules={texts.rules} onRetry={reload} />
      ) : null}
      {/* A partial answer: what did come is shown, and what did not is said above it. */}
      {result.error && report ? <Problems problems={toProblems(result.error)} rules={texts.rules} onRetry={reload} /> : null}
      {result.data && org === null ? <p role="alert">{texts.notFound(code)}</p> : null}
      {period && !result.data && result.fetching ? <p role="status">{texts.loading}</p> : null}
      {org && report ? (
        <>
          <p className={styles.meta}>
            {report.period.label}: {texts.periodDates(formatDate(report.period.startsOn), formatDate(report.period.endsOn))}
            {report.period.closed ? ` – ${texts.closedNote}` : ''}
          </p>
          {!abilities.canFollowUp(code) ? <p className={styles.meta}>{texts.readOnly}</p> : null}
          <section aria-labelledby={goalsHeadingId}>
            <h2 id={goalsHeadingId}>{texts.goalsHeading}</h2>
            {report.goals.length === 0 ? (
              <p>{texts.noGoals}</p>
            ) : (
              <ul className={styles.goals}>
                {report.goals.map((row) => (
                  <GoalCard
                    key={row.goal.id}
                    row={row}
                    periodId={report.period.id}
                    canAssess={editable && row.goal.organizations.some((o) => o.code.toUpperCase() === code.toUpperCase())}
                    onAssessed={reload}
                  />
                ))}
              </ul>
            )}
          </section>
          <section className={styles.section} aria-labelledby={actionsHeadingId}>
            <h2 id={actionsHeadingId}>{texts.actionsHeading}</h2>
            <ActionsTable
              actions={report.actions}
              caption={texts.actionsCaption(report.period.label)}
              onChanged={editable ? reload : undefined}
            />
            {editable && report.goals.length > 0 ? (
              <NewActionForm org={org} goals={report.goals} onAdded={reload} />
            ) : null}
          </section>
        </>
      ) : null}
    </>
  );
}
