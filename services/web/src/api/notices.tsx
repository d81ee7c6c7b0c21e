import { useState } from 'react';
import type { ReactNode } from 'react';
import { interpolate, useTexts } from '../i18n';
import * as common from '../i18n/common';
import type { Problem } from './problems';
import { toProblems } from './problems';
import type { ErrorLike } from './problems';
import styles from './notices.module.css';

export type RuleTexts = Record<string, string>;

/** The Swedish (or English) sentence for a Problem, followed by the API's own message. */
export function ProblemText({ problem, rules }: { problem: Problem; rules?: RuleTexts | undefined }) {
  const texts = useTexts(common);
  const lead =
    (problem.rule && (rules?.[problem.rule] ?? texts.rules[problem.rule])) ||
    leadOf(problem, texts);
  return (
    <>
      {lead}
      {problem.message && (problem.kind === 'field' || problem.kind === 'form') ? (
        <>
          {' '}
          <span className={styles.apiSaid}>
            {texts.errors.apiSaid} <span lang="en">{problem.message}</span>
          </span>
        </>
      ) : null}
    </>
  );
}

function leadOf(problem: Problem, texts: common.CommonTexts): string {
  switch (problem.kind) {
    case 'forbidden':
      return interpolate(texts.errors.forbidden, { what: problem.where ?? '' });
    case 'unavailable':
      return texts.errors.unavailable;
    case 'network':
      return texts.errors.network;
    case 'unauthenticated':
      return texts.errors.unauthenticated;
    case 'internal':
      return texts.errors.internal;
    default:
      return texts.errors.unknownRule;
  }
}

/** Form- or view-level problems (not tied to a rendered field), e.g. under a form's submit button. */
export function Problems({
  problems,
  rules,
  afterMutation = false,
  onRetry,
}: {
  problems: readonly Problem[];
  rules?: RuleTexts | undefined;
  afterMutation?: boolean;
  onRetry?: (() => void) | undefined;
}) {
  const texts = useTexts(common);
  if (problems.length === 0) return null;
  const forbidden = problems.filter((problem) => problem.kind === 'forbidden');
  const rest = problems.filter((problem) => problem.kind !== 'forbidden' && problem.kind !== 'unauthenticated');
  const retryable = rest.some((problem) => problem.kind === 'unavailable' || problem.kind === 'network');
  // An ended sign-in is the client's to handle (back to /logga-in), not a message here.
  if (forbidden.length === 0 && rest.length === 0) return null;
  return (
    <div className={styles.problems} role="alert">
      {forbidden.length > 0 ? <ForbiddenNotice problems={forbidden} /> : null}
      {rest.length > 0 ? (
        <ul className={styles.list}>
          {rest.map((problem, index) => (
            <li key={index}>
              <ProblemText problem={problem} rules={rules} />
              {problem.kind === 'internal' ? <InternalDetails code={problem.code} /> : null}
              {problem.kind === 'unavailable' && afterMutation ? (
                <> {texts.errors.unavailableAfterMutation}</>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {retryable && onRetry ? (
        <button type="button" className={styles.retry} onClick={onRetry}>
          {texts.retry}
        </button>
      ) : null}
    </div>
  );
}

function InternalDetails({ code }: { code: string }) {
  const texts = useTexts(common);
  // The time the user saw it, so operations can find the request in the logs.
  const [time] = useState(() => new Date().toISOString());
  return (
    <>
      {' '}
      <span className={styles.detail}>{interpolate(texts.errors.internalDetails, { code, time })}</span>
    </>
  );
}

/** What a refused coordinate or path is called: its last segment's label, else the coordinate in <code>. */
function forbiddenWhat(where: string, labels: Record<string, string>): ReactNode {
  const segments = where.split(/[.]/).filter((segment) => segment !== '@' && !/^\d+$/.test(segment));
  const last = segments[segments.length - 1] ?? where;
  return labels[last] ?? <code>{where}</code>;
}

/** In place of a view's content when the front door refused the whole operation for the caller's role. */
export function ForbiddenNotice({
  problems,
  labels,
}: {
  problems: readonly Problem[];
  labels?: Record<string, string> | undefined;
}) {
  const texts = useTexts(common);
  const all = { ...texts.forbiddenWhat, ...labels };
  const wheres = [...new Set(problems.map((problem) => problem.where ?? ''))];
  const [before, after] = texts.errors.forbidden.split('{what}');
  return (
    <div className={styles.forbidden}>
      {wheres.map((where) => (
        <p key={where}>
          {before}
          {forbiddenWhat(where, all)}
          {after}
        </p>
      ))}
    </div>
  );
}

/**
 * A query's failure shown where the view's content would be: the refusal, "try again" for an
 * unavailable service, the error code and time for internal errors. Field problems of a query (e.g.
 * `unitId`) are the view's to place; `fieldProblems` returns them to it.
 */
export function ViewProblems({
  error,
  rules,
  labels,
  onRetry,
}: {
  error: ErrorLike | null | undefined;
  rules?: RuleTexts | undefined;
  labels?: Record<string, string> | undefined;
  onRetry?: (() => void) | undefined;
}) {
  const problems = toProblems(error);
  if (problems.length === 0) return null;
  const forbidden = problems.filter((problem) => problem.kind === 'forbidden');
  if (forbidden.length > 0) return <ForbiddenNotice problems={forbidden} labels={labels} />;
  return <Problems problems={problems} rules={rules} onRetry={onRetry} />;
}
