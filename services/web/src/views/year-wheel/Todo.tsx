// "Att göra och försenat": what the budget year still asks for. Each list is the API's answer as it is;
// "försenad/försenat" is the API's overdue, never the browser's clock.
import { useId, type ReactNode } from 'react';

import { sv, en } from '../../i18n/year-wheel';
import { useTexts } from '../../i18n';
import { formatDate } from '../../lib/dates';
import type { YearWheelCycleFragment, YearWheelQuery } from '../../gql/graphql';
import { assignmentsByDueDate, phasesToDo } from './cycles';
import { PhaseStatus } from './PhaseStatus';
import styles from './year-wheel.module.css';

type Annual = NonNullable<YearWheelQuery['annual']>;

export function TodoSection({
  cycles,
  annual,
  missingPlans,
  dueForReview,
  periods,
  reviewBeforeMandateEnd,
}: {
  cycles: YearWheelCycleFragment[];
  annual: Annual;
  missingPlans: YearWheelQuery['compilation']['missingPlans'];
  dueForReview: YearWheelQuery['goalsDueForReview'];
  periods: YearWheelQuery['periods'];
  reviewBeforeMandateEnd: boolean;
}) {
  const t = useTexts({ sv, en });
  const headingId = useId();
  const phases = cycles.flatMap((cycle) => phasesToDo(cycle.phases).map((phase) => ({ cycle, phase })));
  const assignments = assignmentsByDueDate(annual.directives);
  const unsubmitted = annual.operationalPlans.filter((p) => p.state === 'DRAFT' || p.state === 'RETURNED');
  const openPeriods = periods.filter((p) => !p.closed);
  return (
    <section aria-labelledby={headingId} className={styles.todo} data-testid="att-gora">
      <h2 id={headingId}>{t.todoTitle}</h2>

      <TodoTable title={t.phasesTodo} empty={t.noPhasesTodo} count={phases.length} testId="att-gora-faser"
        head={[t.phase, t.dueOn, t.status]}>
        {phases.map(({ cycle, phase }) => (
          <tr key={`${cycle.id}-${phase.kind}`} data-phase={phase.kind}>
            <th scope="row">
              {t.phaseKinds[phase.kind]} <span className={styles.muted}>({cycle.title})</span>
            </th>
            <td>{phase.dueOn ? formatDate(phase.dueOn) : t.none}</td>
            <td>
              <PhaseStatus phase={phase} />
            </td>
          </tr>
        ))}
      </TodoTable>

      <TodoTable title={t.assignments} empty={t.noAssignments} count={assignments.length} testId="att-gora-uppdrag"
        head={[t.assignment, t.directive, t.recipients, t.dueOn, t.state]}>
        {assignments.map(({ assignment, directive }) => (
          <tr key={`${directive.id}-${assignment.id}`}>
            <th scope="row" lang="sv">
              {assignment.title}
            </th>
            <td>
              <span lang="sv">{directive.title}</span>
              {directive.state === 'DRAFT' && <span className={styles.muted}> ({t.draft})</span>}
            </td>
            <td>{assignment.recipients.map((r) => r.code).join(', ')}</td>
            <td>{assignment.dueOn ? formatDate(assignment.dueOn) : t.none}</td>
            <td>
              <span>{t.assignmentStates[assignment.state]}</span>
              {assignment.overdue && (
                <span className={styles.overdue}>
                  <span aria-hidden="true">▲ </span>
                  {t.overdueAssignment}
                </span>
              )}
            </td>
          </tr>
        ))}
      </TodoTable>

      <TodoTable
        title={reviewBeforeMandateEnd ? t.reviewTitle : t.reviewTitleNoMandate}
        empty={t.noReview}
        count={dueForReview.length}
        testId="att-gora-oversyn"
        head={[t.goal, t.level, t.reviewDue]}
      >
        {dueForReview.map((goal) => (
          <tr key={goal.id}>
            <th scope="row" lang="sv">
              {goal.title}
            </th>
            <td>{t.goalLevels[goal.level]}</td>
            <td>{goal.reviewDue ? formatDate(goal.reviewDue) : t.none}</td>
          </tr>
        ))}
      </TodoTable>

      <TodoTable
        title={t.plansTitle}
        empty={t.noPlansMissing}
        count={unsubmitted.length + missingPlans.length}
        testId="att-gora-planer"
        head={[t.organization, t.state]}
      >
        {unsubmitted.map((plan) => (
          <tr key={plan.id}>
            <th scope="row">
              {plan.organization.name} ({plan.organization.code})
            </th>
            <td>{t.planStates[plan.state]}</td>
          </tr>
        ))}
        {missingPlans.map((org) => (
          <tr key={org.code}>
            <th scope="row">
              {org.name} ({org.code})
            </th>
            <td>{t.planMissing}</td>
          </tr>
        ))}
      </TodoTable>

      <TodoTable title={t.periodsTitle} empty={t.noPeriods} count={openPeriods.length} testId="att-gora-perioder"
        head={[t.period, t.endsOn]}>
        {openPeriods.map((period) => (
          <tr key={period.id}>
            <th scope="row">{period.label}</th>
            <td>{formatDate(period.endsOn)}</td>
          </tr>
        ))}
      </TodoTable>
    </section>
  );
}

function TodoTable({
  title,
  empty,
  count,
  head,
  testId,
  children,
}: {
  title: string;
  empty: string;
  count: number;
  head: string[];
  testId: string;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} data-testid={testId} className={styles.todoPart}>
      <h3 id={headingId}>{title}</h3>
      {count === 0 ? (
        <p>{empty}</p>
      ) : (
        <div className={styles.scroll} role="region" aria-labelledby={headingId} tabIndex={0}>
          <table>
            <caption className={styles.visuallyHidden}>{title}</caption>
            <thead>
              <tr>
                {head.map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
