import { useId, useState } from 'react';
import { useMutation } from 'urql';
import { ApiForm, Field, FieldGroup } from '../../api/forms';
import { toProblems } from '../../api/problems';
import type { Problem } from '../../api/problems';
import type { AssessmentStatus } from '../../gql/graphql';
import { useTexts } from '../../i18n';
import * as followUp from '../../i18n/follow-up';
import { AssessGoalDocument } from './operations';
import { TrafficLight } from './TrafficLight';
import type { FulfilmentRow } from './types';
import styles from './follow-up.module.css';

const SCALE: readonly AssessmentStatus[] = ['ACHIEVED', 'PARTLY_ACHIEVED', 'NOT_ACHIEVED', 'NOT_ASSESSED'];

/**
 * Bedöm: the committee's own assessment of one goal in an open period. The API decides what needs an analysis
 * (anything but ACHIEVED, and overriding the roll-up), and its refusal lands at "Analys".
 */
export function AssessForm({
  row,
  periodId,
  id,
  onSaved,
  onCancel,
}: {
  row: FulfilmentRow;
  periodId: string;
  id: string;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const texts = useTexts(followUp);
  const headingId = useId();
  const radioName = useId();
  const [status, setStatus] = useState<AssessmentStatus | null>(row.assessment?.status ?? row.suggestedStatus ?? null);
  const [analysis, setAnalysis] = useState(row.assessment?.analysis ?? '');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [result, assess] = useMutation(AssessGoalDocument);

  async function submit() {
    if (status === null) {
      setProblems([{ kind: 'field', code: 'BAD_USER_INPUT', rule: 'status.required', field: 'status', message: '' }]);
      return;
    }
    const answer = await assess({
      goalId: row.goal.id,
      periodId,
      status,
      analysis: analysis.trim() === '' ? null : analysis,
    });
    if (answer.error) {
      setProblems(toProblems(answer.error));
      return;
    }
    setProblems([]);
    onSaved();
  }

  return (
    <section className={styles.panel} id={id} aria-labelledby={headingId}>
      <h4 id={headingId}>{texts.assessHeading(row.goal.title)}</h4>
      <ApiForm className={styles.form} problems={problems} rules={texts.rules} onSubmit={() => void submit()}>
        <FieldGroup name="status" legend={texts.statusLegend}>
          {({ name, describedBy }) =>
            SCALE.map((option) => (
              <label key={option} className={styles.radio}>
                <input
                  type="radio"
                  name={`${radioName}-${name}`}
                  value={option}
                  checked={status === option}
                  aria-describedby={describedBy}
                  onChange={() => setStatus(option)}
                />
                <TrafficLight status={option} label={texts.status[option]} />
                {row.suggestedStatus === option ? <span className={styles.meta}>{texts.suggested}</span> : null}
              </label>
            ))
          }
        </FieldGroup>
        <Field name="analysis" label={texts.analysis} hint={texts.analysisHint}>
          {(props) => <textarea {...props} rows={5} value={analysis} onChange={(event) => setAnalysis(event.target.value)} />}
        </Field>
        <div className={styles.buttons}>
          <button type="submit" disabled={result.fetching}>
            {texts.saveAssessment}
          </button>
          <button type="button" onClick={onCancel}>
            {texts.cancel}
          </button>
        </div>
      </ApiForm>
    </section>
  );
}
