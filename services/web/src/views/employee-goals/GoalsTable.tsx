import { useCallback, useEffect, useId, useState } from 'react';
import { useQuery } from 'urql';
import { ViewProblems } from '../../api/forms';
import type { EmployeeGoalsQuery } from '../../gql/graphql';
import type { EmployeeGoalsTexts } from '../../i18n/employee-goals';
import { EmployeeGoalsDocument, PURPOSE } from './operations';
import styles from './employee-goals.module.css';

type Connection = EmployeeGoalsQuery['employeeGoals'];
type Edge = Connection['edges'][number];

interface PageSeen {
  rows: number;
  hasNextPage: boolean;
  endCursor: string | null | undefined;
}

function Rows({ texts: t, edges, showEmployee }: { texts: EmployeeGoalsTexts; edges: readonly Edge[]; showEmployee: boolean }) {
  return (
    <tbody>
      {edges.map(({ node }) => (
        <tr key={node.id}>
          <th scope="row" lang="sv" className={styles.goalTitle}>
            {node.title}
          </th>
          <td>
            <span lang="sv">{node.operationalGoal.title}</span>
            {node.operationalGoal.organizations.length > 0 ? (
              <span className={styles.secondary} lang="sv">
                {node.operationalGoal.organizations.map((o) => o.name).join(', ')}
              </span>
            ) : null}
          </td>
          <td lang="sv">{node.unit.name}</td>
          {showEmployee ? <td className={styles.code}>{node.employeeRef}</td> : null}
          <td>{t.states[node.state]}</td>
          <td>
            {node.sourceSystem} <span className={styles.code}>{node.externalId}</span>
          </td>
        </tr>
      ))}
    </tbody>
  );
}

/** A further page ("Visa fler"): a read of its own, reported up so the button knows what is next. */
function MoreRows({
  texts,
  unitId,
  cursor,
  index,
  showEmployee,
  onSeen,
}: {
  texts: EmployeeGoalsTexts;
  unitId: string | null;
  cursor: string;
  index: number;
  showEmployee: boolean;
  onSeen: (index: number, page: PageSeen) => void;
}) {
  const [result, reexecute] = useQuery({
    query: EmployeeGoalsDocument,
    variables: { unitId, after: cursor, purpose: PURPOSE },
  });
  const connection = result.data?.employeeGoals;
  useEffect(() => {
    if (connection) {
      onSeen(index, {
        rows: connection.edges.length,
        hasNextPage: connection.pageInfo.hasNextPage,
        endCursor: connection.pageInfo.endCursor,
      });
    }
  }, [connection, index, onSeen]);
  if (result.error) {
    return (
      <tbody>
        <tr>
          <td colSpan={showEmployee ? 6 : 5}>
            <ViewProblems error={result.error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
          </td>
        </tr>
      </tbody>
    );
  }
  return connection ? <Rows texts={texts} edges={connection.edges} showEmployee={showEmployee} /> : null;
}

export function GoalsTable({
  texts: t,
  unitId,
  first,
  cursors,
  showEmployee,
  onMore,
}: {
  texts: EmployeeGoalsTexts;
  unitId: string | null;
  first: Connection;
  /** The cursors of the pages asked for: null for the first, then each page's endCursor. */
  cursors: readonly (string | null)[];
  showEmployee: boolean;
  onMore: (cursor: string) => void;
}) {
  const captionId = useId();
  const [later, setLater] = useState<ReadonlyMap<number, PageSeen>>(new Map());
  const onSeen = useCallback((index: number, page: PageSeen) => {
    setLater((previous) => new Map(previous).set(index, page));
  }, []);

  const lastIndex = cursors.length - 1;
  const last: PageSeen | undefined =
    lastIndex === 0
      ? { rows: first.edges.length, hasNextPage: first.pageInfo.hasNextPage, endCursor: first.pageInfo.endCursor }
      : later.get(lastIndex);
  let shown = first.edges.length;
  for (let index = 1; index <= lastIndex; index += 1) shown += later.get(index)?.rows ?? 0;

  if (first.totalCount === 0) return <p>{t.none}</p>;
  return (
    <>
      <p role="status">{t.count(shown, first.totalCount)}</p>
      <div className={styles.scroll} role="region" aria-labelledby={captionId} tabIndex={0}>
        <table className={styles.table}>
          <caption id={captionId}>{t.goalsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.columns.title}</th>
              <th scope="col">{t.columns.operationalGoal}</th>
              <th scope="col">{t.columns.unit}</th>
              {showEmployee ? <th scope="col">{t.columns.employee}</th> : null}
              <th scope="col">{t.columns.state}</th>
              <th scope="col">{t.columns.source}</th>
            </tr>
          </thead>
          <Rows texts={t} edges={first.edges} showEmployee={showEmployee} />
          {cursors.slice(1).map((cursor, offset) =>
            cursor === null ? null : (
              <MoreRows
                key={cursor}
                texts={t}
                unitId={unitId}
                cursor={cursor}
                index={offset + 1}
                showEmployee={showEmployee}
                onSeen={onSeen}
              />
            ),
          )}
        </table>
      </div>
      {last?.hasNextPage && last.endCursor ? (
        <button type="button" onClick={() => onMore(last.endCursor as string)}>
          {t.more}
        </button>
      ) : null}
    </>
  );
}
