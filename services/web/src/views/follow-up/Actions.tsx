import { useId, useState } from 'react';
import { useMutation } from 'urql';
import { ApiForm, Field } from '../../api/forms';
import { toProblems } from '../../api/problems';
import type { Problem } from '../../api/problems';
import type { ActionState } from '../../gql/graphql';
import { useTexts } from '../../i18n';
import * as followUp from '../../i18n/follow-up';
import { formatDate } from '../../lib/dates';
import { AddActionDocument, SetActionStateDocument } from './operations';
import type { ActionRow, FulfilmentRow, Organization } from './types';
import styles from './follow-up.module.css';

const STATES: readonly ActionState[] = ['NOT_STARTED', 'IN_PROGRESS', 'DELAYED', 'DONE', 'CANCELLED'];
// DONE and CANCELLED are final (the API refuses any move from them, rule action.transition).
const FINAL: ReadonlySet<ActionState> = new Set<ActionState>(['DONE', 'CANCELLED']);

/**
 * The åtgärder on the report's goals: owner, due date, state and "Försenad" as the API decides it. Given
 * onChanged (the nämnd's own follow-up), each open åtgärd also gets a form to move its state.
 */
export function ActionsTable({
  actions,
  caption,
  onChanged,
}: {
  actions: readonly ActionRow[];
  caption: string;
  onChanged?: () => void;
}) {
  const texts = useTexts(followUp);
  const canEdit = onChanged !== undefined;
  const captionId = useId();
  if (actions.length === 0) return <p>{texts.noActions}</p>;
  return (
    <div className={styles.tableRegion} role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={styles.table}>
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{texts.colAction}</th>
            <th scope="col">{texts.colGoal}</th>
            <th scope="col">{texts.colOwner}</th>
            <th scope="col">{texts.colDue}</th>
            <th scope="col">{texts.colState}</th>
            {canEdit ? <th scope="col">{texts.colChange}</th> : null}
          </tr>
        </thead>
        <tbody>
          {actions.map((action) => (
            <tr key={action.id}>
              <th scope="row" lang="sv">
                {action.title}
              </th>
              <td lang="sv">{action.goal.title}</td>
              <td lang="sv">{action.owner.name}</td>
              <td>{action.dueOn ? formatDate(action.dueOn) : texts.noDue}</td>
              <td>
                {texts.actionState[action.state]}
                {action.overdue ? <> <span className={styles.overdue}>{texts.overdue}</span></> : null}
              </td>
              {onChanged ? (
                <td>{FINAL.has(action.state) ? null : <StateForm action={action} onChanged={onChanged} />}</td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StateForm({ action, onChanged }: { action: ActionRow; onChanged: () => void }) {
  const texts = useTexts(followUp);
  const [state, setState] = useState<ActionState>(action.state === 'NOT_STARTED' ? 'IN_PROGRESS' : action.state);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [result, move] = useMutation(SetActionStateDocument);

  async function submit() {
    const answer = await move({ id: action.id, state });
    if (answer.error) {
      setProblems(toProblems(answer.error));
      return;
    }
    setProblems([]);
    onChanged();
  }

  return (
    <ApiForm className={styles.stateForm} problems={problems} rules={texts.rules} onSubmit={() => void submit()}>
      <Field name="state" label={<span className="visually-hidden">{texts.newState(action.title)}</span>}>
        {(props) => (
          <select {...props} value={state} onChange={(event) => setState(event.target.value as ActionState)}>
            {STATES.map((option) => (
              <option key={option} value={option}>
                {texts.actionState[option]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" disabled={result.fetching}>
        {texts.changeState}
      </button>
    </ApiForm>
  );
}

/** Ansvarig: the nämnd itself, its förvaltningar and their enheter. */
function owners(org: Organization): { id: string; name: string }[] {
  return [
    { id: org.id, name: org.name },
    ...org.children.flatMap((child) => [
      { id: child.id, name: child.name },
      ...child.children.map((unit) => ({ id: unit.id, name: `${child.name} / ${unit.name}` })),
    ]),
  ];
}

/** A select of things the API names by id, their names in Swedish whatever the UI language. */
function ChoiceField({
  name,
  label,
  value,
  onChange,
  choices,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (id: string) => void;
  choices: readonly { id: string; name: string }[];
}) {
  return (
    <Field name={name} label={label}>
      {(props) => (
        <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
          {choices.map((choice) => (
            <option key={choice.id} value={choice.id} lang="sv">
              {choice.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function NewActionForm({
  org,
  goals,
  onAdded,
}: {
  org: Organization;
  goals: readonly FulfilmentRow[];
  onAdded: () => void;
}) {
  const texts = useTexts(followUp);
  const headingId = useId();
  const [goalId, setGoalId] = useState(goals[0]?.goal.id ?? '');
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState(org.id);
  const [dueOn, setDueOn] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [added, setAdded] = useState('');
  const [result, add] = useMutation(AddActionDocument);

  async function submit() {
    setAdded('');
    const answer = await add({ goalId, input: { title, ownerId, dueOn: dueOn === '' ? null : dueOn } });
    if (answer.error || !answer.data) {
      setProblems(toProblems(answer.error));
      return;
    }
    setProblems([]);
    setTitle('');
    setDueOn('');
    setAdded(texts.actionAdded(answer.data.addAction.title));
    onAdded();
  }

  return (
    <section className={styles.section} aria-labelledby={headingId}>
      <h3 id={headingId}>{texts.newActionHeading}</h3>
      <ApiForm className={styles.form} problems={problems} rules={texts.rules} onSubmit={() => void submit()}>
        <ChoiceField
          name="goalId"
          label={texts.actionGoal}
          value={goalId}
          onChange={setGoalId}
          choices={goals.map((row) => ({ id: row.goal.id, name: row.goal.title }))}
        />
        <Field
          name="input.title"
          label={texts.actionTitle}
          type="text"
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
        <ChoiceField name="input.ownerId" label={texts.actionOwner} value={ownerId} onChange={setOwnerId} choices={owners(org)} />
        <Field
          name="input.dueOn"
          label={texts.actionDue}
          type="date"
          value={dueOn}
          onChange={(event) => setDueOn(event.target.value)}
        />
        <div className={styles.buttons}>
          <button type="submit" disabled={result.fetching}>
            {texts.addAction}
          </button>
        </div>
      </ApiForm>
      <p role="status" className={styles.status}>
        {added}
      </p>
    </section>
  );
}
