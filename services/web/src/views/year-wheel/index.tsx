// Årshjulet (/arshjul?budgetar=2027, design 6.2): a budget year's annual cycle and the mandate period
// holding it, phase by phase, then what is to be done and what is overdue.
import { useId, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';

import { sv, en } from '../../i18n/year-wheel';
import { useLang, useTexts } from '../../i18n';
import { formatDate } from '../../lib/dates';
import { formatDecimal } from '../../lib/decimal';
import { ViewProblems } from '../../api/forms';
import { PageHeading } from '../../layout/PageHeading';
import { Wheel } from './Wheel';
import { TodoSection } from './Todo';
import { PhaseStatus } from './PhaseStatus';
import { YearPicker } from './YearPicker';
import { chooseCycles, parseBudgetYear, reviewBefore } from './cycles';
import { WheelCyclesDocument, YearWheelDocument, YearWheelMandateDocument } from './operations';
import type { YearWheelCycleFragment } from '../../gql/graphql';
import styles from './year-wheel.module.css';

export default function YearWheelView() {
  const t = useTexts({ sv, en });
  const lang = useLang();
  const [params, setParams] = useSearchParams();
  const asked = parseBudgetYear(params.get('budgetar'));
  const [cyclesResult, refetchCycles] = useQuery({ query: WheelCyclesDocument, requestPolicy: 'cache-and-network' });
  const chosen = cyclesResult.data ? chooseCycles(cyclesResult.data, asked) : undefined;
  const annual = chosen?.annual;
  const mandate = chosen?.mandate;
  const heading = annual ? `${t.title} ${annual.startYear}` : t.title;

  const [wheel, refetchWheel] = useQuery({
    query: YearWheelDocument,
    variables: {
      annualId: annual?.id ?? '',
      budgetYear: annual?.startYear ?? 0,
      reviewBefore: annual ? reviewBefore(annual, mandate) : '',
    },
    pause: !annual,
    requestPolicy: 'cache-and-network',
  });
  const [mandateResult, refetchMandate] = useQuery({
    query: YearWheelMandateDocument,
    variables: { mandateId: mandate?.id ?? '' },
    pause: !mandate,
    requestPolicy: 'cache-and-network',
  });

  const loading = cyclesResult.fetching || wheel.fetching || mandateResult.fetching;
  const annualCycle = wheel.data?.annual;
  const mandateCycle: YearWheelCycleFragment | null | undefined = mandateResult.data?.mandate;
  return (
    <div className={styles.view}>
      <PageHeading>{heading}</PageHeading>
      <p className={styles.intro}>{t.intro}</p>
      {chosen && chosen.annualYears.length > 0 && (
        <YearPicker
          years={chosen.annualYears}
          current={annual?.startYear ?? null}
          label={t.budgetYear}
          submit={t.show}
          className={styles.picker}
          onPick={(year) => setParams({ budgetar: String(year) })}
        />
      )}
      <ViewProblems
        error={cyclesResult.error ?? wheel.error ?? mandateResult.error}
        onRetry={() => {
          refetchCycles({ requestPolicy: 'network-only' });
          if (annual) refetchWheel({ requestPolicy: 'network-only' });
          if (mandate) refetchMandate({ requestPolicy: 'network-only' });
        }}
      />
      {loading && !annualCycle && <p role="status">{t.loading}</p>}
      {cyclesResult.data && !annual && <p>{t.noCycle}</p>}
      {annualCycle && (
        <>
          <div className={styles.layout}>
            <div className={styles.wheelColumn}>
              <Wheel phases={annualCycle.phases} lang={lang} />
            </div>
            <div className={styles.cycles}>
              {mandateCycle ? (
                <CycleTable cycle={mandateCycle} heading={t.mandatePeriod} />
              ) : (
                !mandate && <p>{t.noMandate}</p>
              )}
              <CycleTable cycle={annualCycle} heading={t.annualCycle}>
                <p data-testid="skattesats">
                  {annualCycle.taxRate ? t.taxRate(formatDecimal(annualCycle.taxRate, lang, 2)) : t.noTaxRate}
                </p>
              </CycleTable>
            </div>
          </div>
          <TodoSection
            cycles={mandateCycle ? [mandateCycle, annualCycle] : [annualCycle]}
            annual={annualCycle}
            missingPlans={wheel.data?.compilation.missingPlans ?? []}
            dueForReview={wheel.data?.goalsDueForReview ?? []}
            periods={wheel.data?.periods ?? []}
            reviewBeforeMandateEnd={Boolean(mandate)}
          />
        </>
      )}
    </div>
  );
}

function CycleTable({
  cycle,
  heading,
  children,
}: {
  cycle: YearWheelCycleFragment;
  heading: string;
  children?: ReactNode;
}) {
  const t = useTexts({ sv, en });
  const headingId = useId();
  const kind = cycle.kind === 'ANNUAL' ? 'arshjul-budgetar' : 'arshjul-mandatperiod';
  return (
    <section aria-labelledby={headingId} className={styles.cycle} data-testid={kind}>
      <h2 id={headingId} lang="sv">
        {cycle.title}
      </h2>
      {children}
      <div className={styles.scroll} role="region" aria-labelledby={headingId} tabIndex={0}>
        <table>
          <caption>
            {heading}, <span lang="sv">{cycle.title}</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">{t.phase}</th>
              <th scope="col">{t.responsible}</th>
              <th scope="col">{t.opensOn}</th>
              <th scope="col">{t.dueOn}</th>
              <th scope="col">{t.status}</th>
            </tr>
          </thead>
          <tbody>
            {cycle.phases.map((phase) => {
              const current = cycle.currentPhase?.kind === phase.kind;
              return (
                <tr key={phase.kind} data-phase={phase.kind} aria-current={current ? 'step' : undefined}>
                  <th scope="row">
                    {t.phaseKinds[phase.kind]}
                    {current && <span className={styles.current}> ({t.current})</span>}
                  </th>
                  <td>{phase.responsible ? `${phase.responsible.name} (${phase.responsible.code})` : t.none}</td>
                  <td>{phase.opensOn ? formatDate(phase.opensOn) : t.none}</td>
                  <td>{phase.dueOn ? formatDate(phase.dueOn) : t.none}</td>
                  <td>
                    <PhaseStatus phase={phase} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
