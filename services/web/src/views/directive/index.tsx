// Direktiv (/direktiv?budgetar=2027 and /direktiv/:id, design 6.3): the budget year's planeringsdirektiv
// and ägardirektiv, and one revision in full: KF's decision, skattesats, frames, konkretiserade mål, uppdrag.
import { useId, type ReactNode } from 'react';
import { Link, Route, Routes, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';

import { sv, en } from '../../i18n/directive';
import { useTexts } from '../../i18n';
import { formatDate } from '../../lib/dates';
import { formatDecimal, formatSek } from '../../lib/decimal';
import type { DirectiveDetailQuery, DirectiveListQuery } from '../../gql/graphql';
import { useViewer } from '../../auth/useViewer';
import { abilitiesFor } from '../../auth/abilities';
import { ViewProblems } from '../../api/forms';
import { PageHeading } from '../../layout/PageHeading';
import { YearPicker } from '../year-wheel/YearPicker';
import { frameMatrix } from './frames';
import { DirectiveDetailDocument, DirectiveListDocument, DirectiveYearsDocument } from './operations';
import styles from './directive.module.css';

export default function DirectiveView() {
  return (
    <Routes>
      <Route index element={<DirectiveList />} />
      <Route path=":id" element={<DirectiveDetail />} />
    </Routes>
  );
}

type ListItem = DirectiveListQuery['directives'][number];

function DirectiveList() {
  const t = useTexts({ sv, en });
  const [params, setParams] = useSearchParams();
  const asked = params.get('budgetar');
  const [years, refetchYears] = useQuery({ query: DirectiveYearsDocument, requestPolicy: 'cache-and-network' });
  const year = asked && /^\d{4}$/.test(asked) ? Number(asked) : (years.data?.current?.startYear ?? null);
  const [list, refetchList] = useQuery({
    query: DirectiveListDocument,
    variables: { budgetYear: year ?? 0 },
    pause: year === null,
    requestPolicy: 'cache-and-network',
  });
  const { viewer } = useViewer();
  // Drafts are the planning office's work in progress; others see what KF adopted (the API decides reads).
  const planner = abilitiesFor(viewer).isPlanner;
  const heading = year === null ? t.listTitle : `${t.listTitle} ${year}`;
  const directives = list.data?.directives ?? [];
  const adopted = directives.filter((d) => d.state === 'ADOPTED');
  const drafts = planner ? directives.filter((d) => d.state === 'DRAFT') : [];
  const choices = (years.data?.cycles ?? []).map((c) => c.startYear).sort((a, b) => b - a);
  return (
    <div className={styles.view}>
      <PageHeading>{heading}</PageHeading>
      <p className={styles.muted}>{t.listIntro}</p>
      {choices.length > 0 && (
        <YearPicker
          years={choices}
          current={year}
          label={t.budgetYear}
          submit={t.show}
          className={styles.picker}
          onPick={(y) => setParams({ budgetar: String(y) })}
        />
      )}
      <ViewProblems
        error={years.error ?? list.error}
        onRetry={() => {
          refetchYears({ requestPolicy: 'network-only' });
          if (year !== null) refetchList({ requestPolicy: 'network-only' });
        }}
      />
      {(years.fetching || list.fetching) && !list.data && <p role="status">{t.loading}</p>}
      {list.data && year !== null && adopted.length === 0 && drafts.length === 0 && <p>{t.noDirectives(year)}</p>}
      {adopted.length > 0 && <DirectiveLinks heading={t.inForce} items={adopted} testId="direktiv-antagna" />}
      {drafts.length > 0 && <DirectiveLinks heading={t.drafts} items={drafts} testId="direktiv-utkast" />}
    </div>
  );
}

function DirectiveLinks({ heading, items, testId }: { heading: string; items: ListItem[]; testId: string }) {
  const t = useTexts({ sv, en });
  const id = useId();
  return (
    <section aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{heading}</h2>
      <ul className={styles.list}>
        {items.map((d) => (
          <li key={d.id}>
            <Link to={`/direktiv/${d.id}`}>
              <span lang="sv">{d.title}</span>
            </Link>
            <span className={styles.muted}>
              {' '}
              {t.kinds[d.kind]}, {t.revision(d.revision)}
              {d.adopted ? `, ${t.adoptedOn(formatDate(d.adopted.date))}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

type Directive = NonNullable<DirectiveDetailQuery['directive']>;

function DirectiveDetail() {
  const t = useTexts({ sv, en });
  const { id = '' } = useParams();
  const [result, refetch] = useQuery({ query: DirectiveDetailDocument, variables: { id }, requestPolicy: 'cache-and-network' });
  const directive = result.data?.directive;
  return (
    <div className={styles.view}>
      {directive ? (
        <DirectiveBody directive={directive} />
      ) : (
        <PageHeading>{t.listTitle}</PageHeading>
      )}
      <ViewProblems
        error={result.error}
        rules={t.rules}
        onRetry={() => refetch({ requestPolicy: 'network-only' })}
      />
      {result.fetching && !result.data && <p role="status">{t.loading}</p>}
      {result.data && !directive && <p>{t.notFound}</p>}
    </div>
  );
}

function DirectiveBody({ directive }: { directive: Directive }) {
  const t = useTexts({ sv, en });
  const d = directive;
  return (
    <>
      <p>
        <Link to={`/direktiv?budgetar=${d.budgetYear}`}>{t.back}</Link>
      </p>
      <PageHeading title={d.title}>
        <span lang="sv">{d.title}</span>
      </PageHeading>
      <dl className={styles.facts}>
        <dt>{t.kind}</dt>
        <dd>{t.kinds[d.kind]}</dd>
        <dt>{t.state}</dt>
        <dd>
          {t.states[d.state]}, {t.revision(d.revision)}
          {d.supersededBy && (
            <>
              {' – '}
              <Link to={`/direktiv/${d.supersededBy.id}`}>{t.supersededBy(d.supersededBy.revision)}</Link>
            </>
          )}
        </dd>
        <dt>{t.cycle}</dt>
        <dd>{d.cycle.title}</dd>
        <dt>{t.decision}</dt>
        <dd data-testid="direktiv-beslut">
          {d.adopted
            ? t.decisionText(
                formatDate(d.adopted.date),
                d.adopted.paragraph ?? null,
                d.adopted.diaryNumber ?? null,
                `${d.adopted.body.name} (${d.adopted.body.code})`,
              )
            : t.notAdopted}
        </dd>
        {d.kind === 'PLANNING_DIRECTIVE' && (
          <>
            <dt>{t.taxRateTitle}</dt>
            <dd data-testid="skattesats">{d.taxRate ? t.taxRate(formatDecimal(d.taxRate, undefined, 2)) : t.noTaxRate}</dd>
          </>
        )}
      </dl>
      {d.revisions.length > 1 && <Revisions directive={d} />}
      <Frames directive={d} />
      <ConcreteGoals directive={d} />
      <Assignments directive={d} />
      {d.goalEstablishment && <Establishment establishment={d.goalEstablishment} />}
    </>
  );
}

function Part({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} data-testid={testId} className={styles.part}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Scroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className={styles.scroll} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

function Revisions({ directive }: { directive: Directive }) {
  const t = useTexts({ sv, en });
  return (
    <Part title={t.revisions} testId="direktiv-revisioner">
      <ol className={styles.list}>
        {directive.revisions.map((r) => (
          <li key={r.id}>
            {r.id === directive.id ? (
              <span>
                {t.revisionRow(r.revision)} {t.thisRevision}
              </span>
            ) : (
              <Link to={`/direktiv/${r.id}`}>{t.revisionRow(r.revision)}</Link>
            )}
            <span className={styles.muted}>
              {' '}
              {t.states[r.state]}
              {r.adopted ? `, ${t.adoptedOn(formatDate(r.adopted.date))}${r.adopted.paragraph ? ` ${r.adopted.paragraph}` : ''}` : ''}
            </span>
          </li>
        ))}
      </ol>
    </Part>
  );
}

function Frames({ directive }: { directive: Directive }) {
  const t = useTexts({ sv, en });
  const matrix = frameMatrix(directive);
  const caption = t.framesCaption(matrix.years[0] ?? directive.budgetYear, matrix.years[2] ?? directive.budgetYear);
  return (
    <Part title={t.framesTitle} testId="direktiv-ramar">
      {directive.budgetFrames.length === 0 ? (
        <p>{t.noFrames}</p>
      ) : (
        <Scroll label={caption}>
          <table className={styles.table}>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.recipient}</th>
                {matrix.years.map((y) => (
                  <th key={y} scope="col" className={styles.amount}>
                    {y}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.rows.map((row) => (
                <tr key={row.organizationId} data-org={row.code}>
                  <th scope="row">
                    {row.name} ({row.code})
                  </th>
                  {row.amounts.map((amount, i) => (
                    <td key={matrix.years[i]} className={styles.amount}>
                      {amount === null ? t.noFrame : formatSek(amount)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-org="summa">
                <th scope="row">{t.sum}</th>
                {matrix.sums.map((sum, i) => (
                  <td key={matrix.years[i]} className={styles.amount}>
                    {formatSek(sum)}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </Scroll>
      )}
    </Part>
  );
}

function ConcreteGoals({ directive }: { directive: Directive }) {
  const t = useTexts({ sv, en });
  const when = (iso: string | null | undefined) => (iso ? formatDate(iso) : t.none);
  return (
    <Part title={t.goalsTitle} testId="direktiv-mal">
      {directive.concreteGoals.length === 0 ? (
        <p>{t.noGoals}</p>
      ) : (
        <Scroll label={t.goalsTitle}>
          <table className={styles.table}>
            <caption>{t.goalsTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{t.goal}</th>
                <th scope="col">{t.validity}</th>
                <th scope="col">{t.goalRecipients}</th>
                <th scope="col">{t.state}</th>
              </tr>
            </thead>
            <tbody>
              {directive.concreteGoals.map((g) => (
                <tr key={g.id}>
                  <th scope="row" lang="sv">
                    <Link to={`/mal?mal=${g.id}`}>{g.title}</Link>
                  </th>
                  <td>{t.validRange(when(g.validFrom), when(g.validTo))}</td>
                  <td>{g.organizations.map((o) => o.code).join(', ')}</td>
                  <td>{t.goalStates[g.state]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </Part>
  );
}

function Assignments({ directive }: { directive: Directive }) {
  const t = useTexts({ sv, en });
  return (
    <Part title={t.assignmentsTitle} testId="direktiv-uppdrag">
      {directive.assignments.length === 0 ? (
        <p>{t.noAssignments}</p>
      ) : (
        <Scroll label={t.assignmentsTitle}>
          <table className={styles.table}>
            <caption>{t.assignmentsTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{t.assignment}</th>
                <th scope="col">{t.recipient}</th>
                <th scope="col">{t.dueOn}</th>
                <th scope="col">{t.state}</th>
              </tr>
            </thead>
            <tbody>
              {directive.assignments.map((a: Directive['assignments'][number] & { overdue?: boolean | null }) => (
                <tr key={a.id}>
                  <th scope="row" lang="sv">
                    {a.title}
                    {a.description && <div className={styles.description}>{a.description}</div>}
                  </th>
                  <td>{a.recipients.map((r) => r.code).join(', ')}</td>
                  <td>{a.dueOn ? formatDate(a.dueOn) : t.none}</td>
                  <td>
                    {t.assignmentStates[a.state]}
                    {a.overdue && (
                      <span className={styles.overdue}>
                        <span aria-hidden="true">▲ </span>
                        {t.overdue}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </Part>
  );
}

function Establishment({ establishment }: { establishment: NonNullable<Directive['goalEstablishment']> }) {
  const t = useTexts({ sv, en });
  return (
    <Part title={t.establishmentTitle} testId="direktiv-faststallande">
      <p>{t.establishment[establishment.state]}</p>
      {establishment.refusals.length > 0 && (
        <ul className={styles.list}>
          {establishment.refusals.map((r) => (
            <li key={r.goalId}>
              <span lang="sv">{t.refusal(r.goal.title, r.rule)}</span>{' '}
              <span>{t.apiSays}</span> <span lang="en">{r.message}</span>
            </li>
          ))}
        </ul>
      )}
    </Part>
  );
}
