import { useId } from 'react';
import { useQuery } from 'urql';
import { ViewProblems } from '../../api/forms';
import type { EmployeeGoalsTexts } from '../../i18n/employee-goals';
import { formatDateTime } from '../../lib/dates';
import { useConfig } from '../../lib/config';
import { MyAccessLogDocument } from './operations';
import styles from './employee-goals.module.css';

/** "Vem har läst mina mål": the access log of the employee's registerutdrag (their own only). */
export function AccessLog({ texts: t, employeeRef }: { texts: EmployeeGoalsTexts; employeeRef: string }) {
  const headingId = useId();
  const captionId = useId();
  const { timeZone } = useConfig();
  const [result, reexecute] = useQuery({
    query: MyAccessLogDocument,
    variables: { employeeRef },
    requestPolicy: 'network-only',
  });
  const entries = [...(result.data?.employeeDataExport.accessLog ?? [])].reverse();
  return (
    <section aria-labelledby={headingId} className={styles.accessLog}>
      <h2 id={headingId}>{t.accessLogTitle}</h2>
      <p>{t.accessLogIntro}</p>
      <ViewProblems error={result.error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
      {result.fetching && !result.data ? <p role="status">{t.accessLogLoading}</p> : null}
      {result.data ? (
        <div className={styles.scroll} role="region" aria-labelledby={captionId} tabIndex={0}>
          <table className={styles.table}>
            <caption id={captionId}>{t.accessLogCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.accessColumns.accessedAt}</th>
                <th scope="col">{t.accessColumns.actor}</th>
                <th scope="col">{t.accessColumns.purpose}</th>
                <th scope="col">{t.accessColumns.operation}</th>
                <th scope="col" className={styles.number}>
                  {t.accessColumns.goalCount}
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, index) => (
                <tr key={`${entry.accessedAt}-${index}`}>
                  <td>{formatDateTime(entry.accessedAt, timeZone)}</td>
                  <td className={styles.code}>{entry.actor}</td>
                  <td lang="sv">{entry.purpose}</td>
                  <td>{t.operations[entry.operation] ?? entry.operation}</td>
                  <td className={styles.number}>{entry.goalCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
