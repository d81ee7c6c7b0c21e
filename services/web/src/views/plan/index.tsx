// Verksamhetsplan (/verksamhetsplan/:code?budgetar=2027, design 6.4): a nämnd's or bolag's plan for a
// budget year, its verksamhetsmål, and the internbudget against the frame with the difference live.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';

import { ViewProblems } from '../../api/forms';
import { abilitiesFor } from '../../auth/abilities';
import { useViewer } from '../../auth/useViewer';
import type { PlanState } from '../../gql/graphql';
import { useTexts } from '../../i18n';
import { en, sv, type PlanTexts } from '../../i18n/plan';
import { PageHeading } from '../../layout/PageHeading';
import { formatDate } from '../../lib/dates';
import { BudgetEditor } from './BudgetEditor';
import { ReadOnlyBudget } from './ReadOnlyBudget';
import { PlanCyclesDocument, PlanViewDocument } from './operations';
import styles from './plan.module.css';

const EDITABLE: ReadonlySet<PlanState> = new Set(['DRAFT', 'RETURNED']);

/** ?budgetar=2027 as a year, or null when absent or not a year. */
function askedYear(value: string | null): number | null {
  return value && /^\d{4}$/.test(value) ? Number(value) : null;
}

export default function PlanView() {
  const t = useTexts({ sv, en });
  const { code = '' } = useParams();
  const [params] = useSearchParams();
  const asked = askedYear(params.get('budgetar'));
  const { viewer } = useViewer();

  const [cyclesResult, reexecuteCycles] = useQuery({ query: PlanCyclesDocument, requestPolicy: 'cache-and-network' });
  const cycles = cyclesResult.data?.cycles ?? [];
  const year = asked ?? cyclesResult.data?.current?.startYear ?? null;
  const cycle = year === null ? undefined : cycles.find((c) => c.startYear === year);

  const [planResult, reexecute] = useQuery({
    query: PlanViewDocument,
    variables: { code, cycleId: cycle?.id ?? '' },
    pause: !cycle || !code,
    requestPolicy: 'cache-and-network',
  });

  const organization = planResult.data?.organization;
  const plan = organization?.operationalPlan;
  const heading = organization && year !== null ? t.title(organization.name, year) : t.plansTitle;
  const mayEdit = organization ? abilitiesFor(viewer).canEditPlan(organization.code) : false;
  const loading = cyclesResult.fetching || planResult.fetching;
  const retry = () => {
    reexecuteCycles({ requestPolicy: 'network-only' });
    if (cycle && code) reexecute({ requestPolicy: 'network-only' });
  };
  const yearHeading = (y: number) => (plan && y === plan.years[0] ? t.budgetYearHeading(y) : t.planYearHeading(y));

  return (
    <div className={styles.page}>
      <PageHeading title={code && year !== null ? t.documentTitle(code.toUpperCase(), year) : t.plansTitle}>
        {heading}
      </PageHeading>
      {!code && <p>{t.pickPlan}</p>}
      {cyclesResult.data && (
        <Chooser
          texts={t}
          code={code}
          year={year}
          years={cycles.map((c) => c.startYear)}
          organizations={[...cyclesResult.data.committees, ...cyclesResult.data.companies]}
        />
      )}
      <ViewProblems error={cyclesResult.error ?? planResult.error} rules={t.rules} onRetry={retry} />
      {loading && !planResult.data && <p role="status">{t.loading}</p>}
      {cyclesResult.data && cycles.length === 0 && <p>{t.noCycles}</p>}
      {cyclesResult.data && year !== null && cycles.length > 0 && !cycle && <p>{t.noCycle(year)}</p>}
      {planResult.data && !organization && <p>{t.noOrganization(code)}</p>}
      {organization && !plan && year !== null && <p>{t.noPlan(organization.name, year)}</p>}
      {plan && (
        <>
          <div className={styles.overview}>
            <section aria-labelledby="plan-state-heading">
              <h2 id="plan-state-heading" className={styles.visuallyHidden}>
                {t.state}
              </h2>
              <dl className={styles.facts}>
                <dt>{t.state}</dt>
                <dd>
                  <span className={styles.badge} data-testid="plan-state">
                    {t.states[plan.state]}
                  </span>
                </dd>
                {plan.returnReason && (
                  <>
                    <dt>{t.returnReason}</dt>
                    <dd lang="sv">{plan.returnReason}</dd>
                  </>
                )}
                {plan.adopted && (
                  <>
                    <dt>{t.adopted}</dt>
                    <dd data-testid="plan-adopted">
                      {t.decision(
                        formatDate(plan.adopted.date),
                        plan.adopted.paragraph ?? null,
                        plan.adopted.diaryNumber ?? null,
                        plan.adopted.body.name,
                      )}
                    </dd>
                  </>
                )}
                {plan.frames[0] && (
                  <>
                    <dt>{t.framesFrom}</dt>
                    <dd>{t.directiveRevision(plan.frames[0].directive.title, plan.frames[0].directive.revision)}</dd>
                  </>
                )}
                <dt>{t.cycle}</dt>
                <dd>{plan.cycle.title}</dd>
                <dt>{t.currentPhase}</dt>
                <dd>
                  {plan.cycle.currentPhase
                    ? [
                        t.phases[plan.cycle.currentPhase.kind],
                        plan.cycle.currentPhase.dueOn ? t.dueOn(formatDate(plan.cycle.currentPhase.dueOn)) : null,
                      ]
                        .filter(Boolean)
                        .join(', ')
                    : t.noPhase}
                </dd>
              </dl>
            </section>
            <section aria-labelledby="plan-goals-heading">
              <h2 id="plan-goals-heading">{t.goals}</h2>
              {plan.goals.length === 0 ? (
                <p>{t.noGoals}</p>
              ) : (
                <ul className={styles.goals} data-testid="plan-goals">
                  {plan.goals.map((g) => (
                    <li key={g.id}>
                      <span lang="sv">{g.title}</span>
                      {g.parents.length > 0 && (
                        <div className={styles.muted}>
                          {t.serves}:{' '}
                          {g.parents.map((p, i) => (
                            <span key={p.id} lang="sv">
                              {i > 0 && '; '}
                              {p.title}
                            </span>
                          ))}
                        </div>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {plan.goalEstablishment && (
                <div>
                  <p>{t.establishment[plan.goalEstablishment.state]}</p>
                  {plan.goalEstablishment.refusals.length > 0 && (
                    <ul>
                      {plan.goalEstablishment.refusals.map((r) => (
                        <li key={r.goalId}>
                          {plan.goals.find((g) => g.id === r.goalId)?.title ?? r.goalId}:{' '}
                          <span lang="en">{r.message}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              )}
            </section>
          </div>
          <section aria-labelledby="plan-budget-heading">
            <h2 id="plan-budget-heading">{t.budget}</h2>
            {plan.frames.length === 0 && <p>{t.noFrames}</p>}
            {mayEdit && EDITABLE.has(plan.state) ? (
              <BudgetEditor
                key={plan.id}
                planId={plan.id}
                years={plan.years}
                lines={plan.internalBudget}
                frames={new Map(plan.frames.map((f) => [f.year, f.amount]))}
                balance={plan.balance}
                texts={t}
                yearHeading={yearHeading}
                onSubmitted={() => reexecute({ requestPolicy: 'network-only' })}
              />
            ) : (
              <>
                <p className={styles.muted}>{mayEdit ? t.notEditable(t.states[plan.state]) : t.readOnly}</p>
                <ReadOnlyBudget
                  years={plan.years}
                  lines={plan.internalBudget}
                  balance={plan.balance}
                  texts={t}
                  yearHeading={yearHeading}
                />
              </>
            )}
          </section>
        </>
      )}
    </div>
  );
}

interface ChooserProps {
  texts: PlanTexts;
  code: string;
  year: number | null;
  years: readonly number[];
  organizations: readonly { id: string; code: string; name: string }[];
}

/** Which plan to show: a nämnd or bolag and a budget year, applied with a button (no change of context
 * on select, WCAG 3.2.2). */
function Chooser({ texts, code, year, years, organizations }: ChooserProps) {
  const navigate = useNavigate();
  const id = useId();
  const [org, setOrg] = useState(code.toUpperCase());
  const [budgetYear, setBudgetYear] = useState(year === null ? '' : String(year));
  useEffect(() => setOrg(code.toUpperCase()), [code]);
  useEffect(() => setBudgetYear(year === null ? '' : String(year)), [year]);
  const known = organizations.some((o) => o.code.toUpperCase() === org);

  function show(event: FormEvent) {
    event.preventDefault();
    if (!org) return;
    navigate(`/verksamhetsplan/${encodeURIComponent(org)}${budgetYear ? `?budgetar=${budgetYear}` : ''}`);
  }

  return (
    <form className={styles.chooser} onSubmit={show} aria-label={texts.chooser}>
      <div>
        <label htmlFor={`${id}-org`}>{texts.organization}</label>
        <select id={`${id}-org`} value={org} onChange={(e) => setOrg(e.target.value)}>
          {!org && <option value="">{texts.pickOrganization}</option>}
          {org && !known && <option value={org}>{org}</option>}
          {organizations.map((o) => (
            <option key={o.id} value={o.code.toUpperCase()}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-year`}>{texts.budgetYear}</label>
        <select id={`${id}-year`} value={budgetYear} onChange={(e) => setBudgetYear(e.target.value)}>
          {years.map((y) => (
            <option key={y} value={String(y)}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">
        {texts.show}
      </button>
    </form>
  );
}
