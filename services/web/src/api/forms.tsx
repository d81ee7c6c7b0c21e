import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { FormEvent, FormHTMLAttributes, InputHTMLAttributes, ReactNode } from 'react';
import { useTexts } from '../i18n';
import * as common from '../i18n/common';
import { matchField } from './problems';
import type { Problem } from './problems';
import { ProblemText, Problems } from './notices';
import type { RuleTexts } from './notices';
import styles from './forms.module.css';

export { ForbiddenNotice, ProblemText, Problems, ViewProblems } from './notices';
export type { RuleTexts } from './notices';

// An API error names the input to blame in the mutation's argument namespace (`input.title`,
// `lines.3.amount`, `analysis`). Each <Field name=...> registers that path with its <ApiForm>; a
// Problem lands on the exact path, else on the longest registered prefix, else under the submit button.

interface FormContextValue {
  register: (name: string) => () => void;
  problemsOf: (name: string) => Problem[];
  idOf: (name: string) => string;
  rules: RuleTexts | undefined;
}

const FormContext = createContext<FormContextValue | null>(null);

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}

export interface ApiFormProps extends Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> {
  /** The last answer's Problems (toProblems(result.error)) plus any the view found itself. */
  problems: readonly Problem[];
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  /** Sentences for this view's rules, over the common ones. */
  rules?: RuleTexts;
  /** Problems came from a mutation: an unavailable service may or may not have saved. */
  afterMutation?: boolean;
  children: ReactNode;
}

export function ApiForm({ problems, onSubmit, rules, afterMutation = true, children, ...rest }: ApiFormProps) {
  const texts = useTexts(common);
  const prefix = useId();
  const [registered, setRegistered] = useState<ReadonlyMap<string, number>>(() => new Map());
  const summaryRef = useRef<HTMLDivElement>(null);
  const formProblemsRef = useRef<HTMLDivElement>(null);

  const register = useCallback((name: string) => {
    setRegistered((previous) => new Map(previous).set(name, (previous.get(name) ?? 0) + 1));
    return () =>
      setRegistered((previous) => {
        const next = new Map(previous);
        const count = (next.get(name) ?? 1) - 1;
        if (count <= 0) next.delete(name);
        else next.set(name, count);
        return next;
      });
  }, []);

  const { byField, formLevel } = useMemo(() => {
    const byField = new Map<string, Problem[]>();
    const formLevel: Problem[] = [];
    for (const problem of problems) {
      const target =
        problem.kind === 'field' && problem.field ? matchField(problem.field, registered.keys()) : undefined;
      if (target === undefined) formLevel.push(problem);
      else byField.set(target, [...(byField.get(target) ?? []), problem]);
    }
    return { byField, formLevel };
  }, [problems, registered]);

  const idOf = useCallback((name: string) => `${sanitize(prefix)}-${sanitize(name)}`, [prefix]);
  const problemsOf = useCallback((name: string) => byField.get(name) ?? [], [byField]);
  const value = useMemo(() => ({ register, problemsOf, idOf, rules }), [register, problemsOf, idOf, rules]);

  // A new answer with problems moves focus to the summary, so a keyboard or screen reader user hears
  // what to correct (form-level problems alone get the focus instead).
  useEffect(() => {
    if (problems.length === 0) return;
    (byField.size > 0 ? summaryRef.current : formProblemsRef.current)?.focus();
    // Only a new set of problems moves focus, not a field registering later.
  }, [problems]);

  return (
    <FormContext.Provider value={value}>
      <form
        {...rest}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit(event);
        }}
      >
        {byField.size > 0 ? (
          <div className={styles.summary} ref={summaryRef} tabIndex={-1} role="group" aria-labelledby={`${idOf('summary')}-heading`}>
            <h2 id={`${idOf('summary')}-heading`} className={styles.summaryHeading}>
              {texts.errors.summaryHeading}
            </h2>
            <ul>
              {[...byField.entries()].flatMap(([name, fieldProblems]) =>
                fieldProblems.map((problem, index) => (
                  <li key={`${name}-${index}`}>
                    <a
                      href={`#${idOf(name)}`}
                      onClick={(event) => {
                        event.preventDefault();
                        document.getElementById(idOf(name))?.focus();
                      }}
                    >
                      <ProblemText problem={problem} rules={rules} />
                    </a>
                  </li>
                )),
              )}
            </ul>
          </div>
        ) : null}
        {children}
        <div ref={formProblemsRef} tabIndex={-1} className={styles.formProblems}>
          <Problems problems={formLevel} rules={rules} afterMutation={afterMutation} />
        </div>
      </form>
    </FormContext.Provider>
  );
}

export interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

export interface ApiField {
  id: string;
  errorId: string;
  hintId: string;
  problems: Problem[];
  invalid: boolean;
  controlProps: ControlProps;
  /** The field's error messages, to render next to the control (null when there are none). */
  message: ReactNode;
}

/**
 * Registers an input path with the enclosing <ApiForm> and returns what the control needs: for a
 * table cell or a control that <Field> does not fit. Outside an ApiForm it registers nothing.
 */
export function useApiField(name: string, options: { hint?: boolean } = {}): ApiField {
  const form = useContext(FormContext);
  const fallbackId = useId();
  const register = form?.register;
  useLayoutEffect(() => register?.(name), [register, name]);
  const id = form ? form.idOf(name) : `${sanitize(fallbackId)}-${sanitize(name)}`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const problems = form ? form.problemsOf(name) : [];
  const invalid = problems.length > 0;
  const describedBy = [options.hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(' ');
  const message = invalid ? (
    <p id={errorId} className={styles.error}>
      {problems.map((problem, index) => (
        <span key={index} className={styles.errorLine}>
          <ProblemText problem={problem} rules={form?.rules} />
        </span>
      ))}
    </p>
  ) : null;
  return {
    id,
    errorId,
    hintId,
    problems,
    invalid,
    controlProps: {
      id,
      name,
      'aria-invalid': invalid ? true : undefined,
      'aria-describedby': describedBy || undefined,
    },
    message,
  };
}

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'children' | 'id'> {
  /** The input's path in the mutation's arguments, as the API names it in extensions.field. */
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Render a select, textarea or anything else with the given props instead of an <input>. */
  children?: (controlProps: ControlProps) => ReactNode;
}

/** Between a label or legend and its control: the hint, then the API's errors (both named by aria-describedby). */
function HintAndMessage({ field, hint }: { field: ApiField; hint: ReactNode | undefined }) {
  return (
    <>
      {hint !== undefined ? (
        <p id={field.hintId} className={styles.hint}>
          {hint}
        </p>
      ) : null}
      {field.message}
    </>
  );
}

/** A labelled control with its hint and its API errors (aria-invalid, aria-describedby). */
export function Field({ name, label, hint, children, className, ...inputProps }: FieldProps) {
  const field = useApiField(name, { hint: hint !== undefined });
  return (
    <div className={[styles.field, field.invalid ? styles.invalid : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={field.id} className={styles.label}>
        {label}
      </label>
      <HintAndMessage field={field} hint={hint} />
      {children ? children(field.controlProps) : <input {...inputProps} {...field.controlProps} />}
    </div>
  );
}

export interface FieldGroupProps {
  name: string;
  legend: ReactNode;
  hint?: ReactNode;
  /** The radios or checkboxes; each gets the group's invalid state. */
  children: (group: { invalid: boolean; name: string; describedBy: string | undefined }) => ReactNode;
}

/** Radios or checkboxes under one legend, with the group's API errors. */
export function FieldGroup({ name, legend, hint, children }: FieldGroupProps) {
  const field = useApiField(name, { hint: hint !== undefined });
  return (
    <fieldset
      id={field.id}
      tabIndex={-1}
      className={[styles.field, styles.group, field.invalid ? styles.invalid : ''].join(' ').trim()}
      aria-describedby={field.controlProps['aria-describedby']}
    >
      <legend className={styles.label}>{legend}</legend>
      <HintAndMessage field={field} hint={hint} />
      {children({ invalid: field.invalid, name, describedBy: field.controlProps['aria-describedby'] })}
    </fieldset>
  );
}
