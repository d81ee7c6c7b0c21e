import { type ReactNode, useEffect, useRef } from 'react';
import { useQuery } from 'urql';
import type { GoalTreeTexts } from '../../i18n/goal-tree';
import styles from './GoalTree.module.css';
import { type DecisionEffect, decidedLater, decisionRows } from './history';
import { goalDetailQuery } from './operations';
import { ViewProblems } from '../../api/notices';

interface Props {
  id: string;
  asOf: string | null;
  t: GoalTreeTexts;
  formatDate: (iso: string) => string;
  /** Move focus to the panel's heading once loaded: the user chose this goal (not a page load). */
  focusOnLoad: boolean;
}

export function GoalDetail({ id, asOf, t, formatDate, focusOnLoad }: Props): ReactNode {
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: goalDetailQuery,
    variables: { id, asOf },
    requestPolicy: 'cache-and-network',
  });
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = data?.history?.id === id;
  useEffect(() => {
    if (focusOnLoad && loaded) heading.current?.focus();
  }, [focusOnLoad, loaded, id]);

  if (error && !loaded) {
    return (
      <section className={styles.detail} aria-labelledby="mal-detalj-rubrik">
        <h2 id="mal-detalj-rubrik">{t.detailHeading}</h2>
        <ViewProblems error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
      </section>
    );
  }
  if (!loaded) {
    return (
      <section className={styles.detail} aria-labelledby="mal-detalj-rubrik" aria-busy={fetching}>
        <h2 id="mal-detalj-rubrik">{t.detailHeading}</h2>
        <p role="status">{fetching ? t.loadingDetail : t.notFound}</p>
      </section>
    );
  }
  const history = data.history;
  if (!history) return null;
  const goal = data.goal;
  const rows = decisionRows(history);
  const effect = (e: DecisionEffect): string => {
    switch (e.kind) {
      case 'adopted':
        return t.effects.adopted;
      case 'revised':
        return t.effects.revised(e.number);
      case 'linked':
        return t.effects.linked(e.parentTitle);
      case 'unlinked':
        return t.effects.unlinked(e.parentTitle);
      case 'retired':
        return t.effects.retired;
    }
  };
  const later = (iso: string | undefined): ReactNode =>
    decidedLater(iso, asOf) ? <span className={styles.later}> ({t.decidedLater})</span> : null;
  const title = goal?.title ?? history.title;

  return (
    <section className={styles.detail} aria-labelledby="mal-detalj-rubrik" data-testid="mal-detalj">
      <p className={styles.level}>{t.levels[history.level]}</p>
      <h2 id="mal-detalj-rubrik" ref={heading} tabIndex={-1} lang="sv">
        {title}
      </h2>
      {error && <ViewProblems error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />}
      {asOf !== null && (goal === null || goal === undefined || goal.state !== 'ADOPTED') && (
        <p className={styles.notice}>{t.notInForce(formatDate(asOf))}</p>
      )}
      <dl className={styles.facts}>
        <dt>{t.state}</dt>
        <dd>{t.states[goal?.state ?? history.state]}</dd>
        {goal?.validFrom && (
          <>
            <dt>{t.validFrom}</dt>
            <dd>{formatDate(goal.validFrom)}</dd>
          </>
        )}
        {goal?.validTo && (
          <>
            <dt>{t.validTo}</dt>
            <dd>{formatDate(goal.validTo)}</dd>
          </>
        )}
        {goal?.reviewDue && (
          <>
            <dt>{t.reviewDue}</dt>
            <dd>{formatDate(goal.reviewDue)}</dd>
          </>
        )}
        {goal && goal.organizations.length > 0 && (
          <>
            <dt>{t.organizations}</dt>
            <dd>{goal.organizations.map((o) => `${o.name} (${o.code})`).join(', ')}</dd>
          </>
        )}
        {goal && goal.themes.length > 0 && (
          <>
            <dt>{t.themes}</dt>
            <dd>{goal.themes.map((th) => th.name).join(', ')}</dd>
          </>
        )}
        {goal?.establishedBy && (
          <>
            <dt>{t.establishedBy}</dt>
            <dd lang="sv">
              {t.directive(goal.establishedBy.title, goal.establishedBy.budgetYear, goal.establishedBy.revision)}
            </dd>
          </>
        )}
        {goal && goal.plans.length > 0 && (
          <>
            <dt>{t.plans}</dt>
            <dd>
              {goal.plans.map((p) => `${p.organization.code}: ${t.planStates[p.state]}`).join(', ')}
            </dd>
          </>
        )}
      </dl>
      {goal?.description && (
        <>
          <h3>{t.description}</h3>
          <p lang="sv" className={styles.description}>
            {goal.description}
          </p>
        </>
      )}

      <h3 id="mal-beslut-rubrik">{t.decisionsHeading}</h3>
      {rows.length === 0 ? (
        <p>{t.noDecisions}</p>
      ) : (
        <div className={styles.scroll} role="region" aria-labelledby="mal-beslut-tabell" tabIndex={0}>
          <table className={styles.table} data-testid="mal-beslut">
            <caption id="mal-beslut-tabell">{t.decisionsCaption(title)}</caption>
            <thead>
              <tr>
                <th scope="col">{t.date}</th>
                <th scope="col">{t.decided}</th>
                <th scope="col">{t.decisionBy}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">
                    {formatDate(row.decision.date)}
                    {later(row.decision.date)}
                  </th>
                  <td>{row.effects.map(effect).join('; ')}</td>
                  <td>
                    {[row.decision.body.name, row.decision.paragraph, row.decision.diaryNumber && t.diaryNumberOf(row.decision.diaryNumber)]
                      .filter(Boolean)
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>{t.revisionsHeading}</h3>
      <ol className={styles.revisions} data-testid="mal-revisioner">
        {history.revisions.map((r) => (
          <li key={r.number}>
            <p>
              <strong>{t.revision(r.number)}:</strong> <span lang="sv">{r.title}</span>
            </p>
            <p className={styles.meta}>
              {r.decision ? (
                <>
                  {t.revisionDecision} {formatDate(r.decision.date)}
                  {r.decision.paragraph ? `, ${r.decision.paragraph}` : ''}
                  {later(r.decision.date)}
                </>
              ) : (
                t.revisionDraft
              )}
            </p>
            {r.description && (
              <p lang="sv" className={styles.description}>
                {r.description}
              </p>
            )}
          </li>
        ))}
      </ol>

      {history.parentLinks.length > 0 && (
        <>
          <h3>{t.linksHeading}</h3>
          <div className={styles.scroll} role="region" aria-labelledby="mal-lankar-tabell" tabIndex={0}>
            <table className={styles.table}>
              <caption id="mal-lankar-tabell">{t.linksCaption(title)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.linkParent}</th>
                  <th scope="col">{t.linkFrom}</th>
                  <th scope="col">{t.linkTo}</th>
                </tr>
              </thead>
              <tbody>
                {history.parentLinks.map((link, i) => (
                  <tr key={`${link.parent?.id ?? i}-${link.effectiveFrom ?? ''}`}>
                    <th scope="row" lang="sv">
                      {link.parent ? link.parent.title : t.none}
                    </th>
                    <td>{link.effectiveFrom ? formatDate(link.effectiveFrom) : t.linkFromAdoption}</td>
                    <td>{link.effectiveTo ? formatDate(link.effectiveTo) : t.linkOpen}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
