// Medarbetarmål (/medarbetarmal?enhet=<code>, design 6.6): an employee's own goals and who read them, a
// manager's unit. Read only: the HR system owns the data. The API decides whose rows anyone sees; the view
// shows its refusals (the front door's for a role without access, access.own_unit at "Enhet").
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ApiForm, Field, ForbiddenNotice, Problems } from '../../api/forms';
import { toProblems } from '../../api/problems';
import type { Problem } from '../../api/problems';
import { abilitiesFor } from '../../auth/abilities';
import { useViewer } from '../../auth/useViewer';
import { useTexts } from '../../i18n';
import { en, sv } from '../../i18n/employee-goals';
import type { EmployeeGoalsTexts } from '../../i18n/employee-goals';
import { PageHeading } from '../../layout/PageHeading';
import { AccessLog } from './AccessLog';
import { GoalsTable } from './GoalsTable';
import { EmployeeGoalsDocument, PURPOSE, UnitByCodeDocument } from './operations';
import styles from './employee-goals.module.css';

export default function EmployeeGoalsView() {
  const t = useTexts({ sv, en });
  const { viewer } = useViewer();
  const abilities = abilitiesFor(viewer);
  const [params, setParams] = useSearchParams();
  const unitCode = params.get('enhet')?.trim() || null;
  const isEmployee = abilities.roles.has('employee') && !abilities.seesUnitEmployeeGoals;

  const [unitResult] = useQuery({ query: UnitByCodeDocument, variables: { code: unitCode ?? '' }, pause: !unitCode });
  const unit = unitCode ? unitResult.data?.organization : undefined;
  const unitUnknown = unitCode !== null && unitResult.data !== undefined && !unitResult.data.organization;

  // Pages are loaded on request ("Visa fler"), each a read of its own in the access log.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [cursorsFor, setCursorsFor] = useState(unitCode);
  if (cursorsFor !== unitCode) {
    setCursorsFor(unitCode);
    setCursors([null]);
  }

  const [first, reexecute] = useQuery({
    query: EmployeeGoalsDocument,
    variables: { unitId: unit?.id ?? null, after: null, purpose: PURPOSE },
    pause: unitCode !== null && !unit,
    requestPolicy: 'cache-and-network',
  });

  const problems = toProblems(first.error ?? unitResult.error);
  const forbidden = problems.filter((p) => p.kind === 'forbidden');
  const showUnitForm = abilities.seesUnitEmployeeGoals && forbidden.length === 0;
  const unitProblems: Problem[] = unitUnknown
    ? [{ kind: 'field', code: 'NOT_FOUND', field: 'unitId', rule: 'employee_goals.unit_unknown', message: '' }]
    : showUnitForm
      ? problems.filter((p) => p.kind === 'field')
      : [];
  const otherProblems = problems.filter((p) => p.kind !== 'forbidden' && !unitProblems.includes(p));

  const ownUnit = viewer?.organization;
  const heading = isEmployee
    ? t.ownTitle
    : abilities.seesUnitEmployeeGoals && (unit ?? ownUnit)
      ? t.unitTitle((unit ?? ownUnit)?.name ?? '')
      : t.title;
  const connection = first.data?.employeeGoals;

  return (
    <div className={styles.view}>
      <PageHeading>{heading}</PageHeading>
      {forbidden.length > 0 ? (
        <ForbiddenNotice problems={forbidden} />
      ) : (
        <>
          <p className={styles.intro}>{t.intro}</p>
          {showUnitForm ? (
            <UnitForm
              key={unitCode ?? ''}
              texts={t}
              initial={unitCode ?? ownUnit?.code ?? ''}
              problems={unitProblems}
              onShow={(code) => setParams(code ? { enhet: code } : {})}
            />
          ) : null}
          <Problems problems={otherProblems} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
          {first.fetching && !connection ? <p role="status">{t.loading}</p> : null}
          {connection && unitProblems.length === 0 ? (
            <GoalsTable
              texts={t}
              unitId={unit?.id ?? null}
              first={connection}
              cursors={cursors}
              showEmployee={abilities.seesUnitEmployeeGoals}
              onMore={(cursor) => setCursors((previous) => [...previous, cursor])}
            />
          ) : null}
          {isEmployee && viewer && connection ? <AccessLog texts={t} employeeRef={viewer.subject} /> : null}
        </>
      )}
    </div>
  );
}

function UnitForm({
  texts: t,
  initial,
  problems,
  onShow,
}: {
  texts: EmployeeGoalsTexts;
  initial: string;
  problems: Problem[];
  onShow: (code: string) => void;
}) {
  const [code, setCode] = useState(initial);
  return (
    <ApiForm
      problems={problems}
      rules={t.rules}
      afterMutation={false}
      onSubmit={() => onShow(code.trim())}
      className={styles.unitForm}
    >
      <div className={styles.unitRow}>
        <Field
          name="unitId"
          label={t.unit}
          hint={t.unitHint}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <button type="submit">{t.show}</button>
      </div>
    </ApiForm>
  );
}

