import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { Problems, ViewProblems } from '../../api/forms';
import { toProblems } from '../../api/problems';
import type { Problem } from '../../api/problems';
import { useTexts } from '../../i18n';
import * as followUp from '../../i18n/follow-up';
import { PageHeading } from '../../layout/PageHeading';
import { formatDate } from '../../lib/dates';
import { ActionsTable } from './Actions';
import { IndicatorList } from './GoalCard';
import { FollowUpDocument, FollowUpReportHtmlDocument } from './operations';
import { TrafficLight } from './TrafficLight';
import { usePeriod } from './usePeriod';
import styles from './follow-up.module.css';

/**
 * /uppfoljning/:code/rapport?period=<label>: the printable report, rendered by the app in the chosen language
 * with a print stylesheet. The API's own HTML is offered as a download, not framed (that would need inline
 * styles in the content security policy).
 */
export function ReportPage() {
  const { code = '' } = useParams();
  const texts = useTexts(followUp);
  const client = useClient();
  const choice = usePeriod();
  const period = choice.period;
  const goalsCaptionId = useId();
  const [downloadProblems, setDownloadProblems] = useState<Problem[]>([]);
  const [downloading, setDownloading] = useState(false);
  const [result, reexecute] = useQuery({
    query: FollowUpDocument,
    variables: { code, periodLabel: period?.label ?? '' },
    pause: period === undefined,
  });
  const org = result.data?.organization ?? null;
  const report = org?.followUpReport;
  const back = `/uppfoljning/${encodeURIComponent(code)}${period ? `?period=${encodeURIComponent(period.label)}` : ''}`;

  async function download() {
    if (!period) return;
    setDownloading(true);
    const answer = await client
      .query(FollowUpReportHtmlDocument, { code, periodLabel: period.label }, { requestPolicy: 'network-only' })
      .toPromise();
    setDownloading(false);
    const html = answer.data?.organization?.followUpReport.html;
    if (answer.error || html === undefined) {
      setDownloadProblems(toProblems(answer.error));
      return;
    }
    setDownloadProblems([]);
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `uppfoljningsrapport-${code}-${period.label.replace(/\s+/g, '-')}.html`;
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }

  return (
    <div className={styles.report}>
      <PageHeading>{texts.reportTitle(org?.name ?? code)}</PageHeading>
      <div className={`${styles.toolbar} ${styles.noPrint}`}>
        <Link to={back}>{texts.back}</Link>
        <button type="button" onClick={() => window.print()} disabled={!report}>
          {texts.print}
        </button>
        <button type="button" onClick={() => void download()} disabled={!report || downloading}>
          {downloading ? texts.downloading : texts.download}
        </button>
      </div>
      <div className={styles.noPrint}>
        <Problems problems={downloadProblems} rules={texts.rules} />
      </div>
      <ViewProblems error={choice.error} rules={texts.rules} />
      {!choice.fetching && choice.asked && period === undefined && choice.periods.length > 0 ? (
        <p role="alert">{texts.periodNotFound(choice.asked)}</p>
      ) : null}
      {!choice.fetching && !choice.error && choice.periods.length === 0 ? <p>{texts.noPeriods}</p> : null}
      {result.error && !report ? (
        <ViewProblems error={result.error} rules={texts.rules} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
      ) : null}
      {result.error && report ? <Problems problems={toProblems(result.error)} rules={texts.rules} /> : null}
      {result.data && org === null ? <p role="alert">{texts.notFound(code)}</p> : null}
      {period && !result.data && result.fetching ? <p role="status">{texts.loading}</p> : null}
      {org && report ? (
        <>
          <p>
            {texts.reportPeriod(report.period.label, formatDate(report.period.startsOn), formatDate(report.period.endsOn))}
            {report.period.closed ? ` – ${texts.closedNote}` : ''}
          </p>
          <h2>{texts.goalsHeading}</h2>
          {report.goals.length === 0 ? (
            <p>{texts.noGoals}</p>
          ) : (
            <div className={styles.tableRegion} role="region" aria-labelledby={goalsCaptionId} tabIndex={0}>
              <table className={styles.table}>
                <caption id={goalsCaptionId}>{texts.goalsCaption(report.period.label)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{texts.colGoal}</th>
                    <th scope="col">{texts.colStatus}</th>
                    <th scope="col">{texts.colIndicators}</th>
                    <th scope="col">{texts.colAnalysis}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.goals.map((row) => (
                    <tr key={row.goal.id}>
                      <th scope="row">
                        <span className={styles.level}>{texts.level[row.goal.level]}</span>
                        <span lang="sv">{row.goal.title}</span>
                      </th>
                      <td>
                        <TrafficLight status={row.status} label={texts.status[row.status]} />
                        <span className={styles.level}>{texts.basis[row.basis]}</span>
                      </td>
                      <td>
                        <IndicatorList indicators={row.indicators} />
                      </td>
                      <td lang="sv" className={styles.analysis}>
                        {row.assessment?.analysis ?? row.explanation}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{texts.actionsHeading}</h2>
          <ActionsTable actions={report.actions} caption={texts.actionsCaption(report.period.label)} />
        </>
      ) : null}
    </div>
  );
}
