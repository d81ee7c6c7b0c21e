// Every failure of a GraphQL call becomes a list of Problems that the screen renders; no view ever shows
// a response body. Both front doors are understood: Hive Router (UNAUTHORIZED_FIELD_OR_TYPE with
// affectedPath, JWT_* / *_JWT codes) and the Node gateway (FORBIDDEN with rule access.field); the
// subgraphs' errors carry extensions.code, rule, field and service (docs/api.md "Errors").

export type ProblemKind =
  | 'field'
  | 'form'
  | 'forbidden'
  | 'unauthenticated'
  | 'unavailable'
  | 'internal'
  | 'network';

export interface Problem {
  kind: ProblemKind;
  /** extensions.code, or NETWORK / HTTP_<status> when there was no GraphQL answer. */
  code: string;
  /** A stable rule id of the domain (`plan.budget_unbalanced`), when the service named one. */
  rule?: string;
  /** The input path to blame, in the mutation's argument namespace (`input.title`, `lines.3.amount`). */
  field?: string;
  /** Where in `data` the error sits (`organization.followUpReport.goals.3.assessment`), for partial results. */
  path?: string;
  /** For a refusal: the refused type/field coordinate or response path (`Goal.employeeGoals`, `goal.employeeGoals`). */
  where?: string;
  /** The subgraph that answered (goals, planning, followup). */
  service?: string;
  /** The API's own message, shown verbatim beside the Swedish sentence. */
  message: string;
  /** The rest of extensions, e.g. `differences` of plan.budget_unbalanced. */
  details?: Record<string, unknown>;
}

/** The shape of urql's CombinedError that matters here (kept structural so tests need no client). */
export interface ErrorLike {
  graphQLErrors?: ReadonlyArray<{
    message: string;
    path?: ReadonlyArray<string | number> | undefined;
    extensions?: Record<string, unknown> | undefined;
  }>;
  networkError?: Error | undefined;
  response?: unknown;
}

const FIELD_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN']);
const UNAUTHENTICATED_CODES = new Set([
  'UNAUTHENTICATED',
  'JWT_LOOKUP_FAILED',
  'MISSING_JWT',
  'INVALID_JWT',
  'INVALID_JWT_HEADER',
]);
const UNAVAILABLE_CODES = new Set(['SERVICE_UNAVAILABLE']);
const KNOWN_EXTENSIONS = new Set(['code', 'rule', 'field', 'service', 'affectedPath']);

function statusOf(response: unknown): number | undefined {
  if (typeof response === 'object' && response !== null && 'status' in response) {
    const status = (response as { status: unknown }).status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function httpStatusOf(extensions: Record<string, unknown>): number | undefined {
  const http = extensions.http;
  if (typeof http === 'object' && http !== null && 'status' in http) {
    const status = (http as { status: unknown }).status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

function kindOf(code: string, extensions: Record<string, unknown>, status: number | undefined): ProblemKind {
  if (UNAUTHENTICATED_CODES.has(code)) return 'unauthenticated';
  if (code === 'UNAUTHORIZED_FIELD_OR_TYPE') return 'forbidden';
  // The Node gateway's refusal of a whole operation: a field none of the roles may select.
  if (code === 'FORBIDDEN' && extensions.rule === 'access.field') return 'forbidden';
  if (UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (code === 'SUBREQUEST_HTTP_ERROR') {
    return httpStatusOf(extensions) === 401 ? 'unauthenticated' : 'unavailable';
  }
  if (FIELD_CODES.has(code)) return text(extensions.field) ? 'field' : 'form';
  if (status === 401) return 'unauthenticated';
  return 'internal';
}

/** Turns a failed call (urql's CombinedError) into Problems; an absent error gives none. */
export function toProblems(error: ErrorLike | null | undefined): Problem[] {
  if (!error) return [];
  const status = statusOf(error.response);
  const graphQLErrors = error.graphQLErrors ?? [];
  if (graphQLErrors.length === 0) {
    if (status === 401) {
      return [{ kind: 'unauthenticated', code: 'HTTP_401', message: error.networkError?.message ?? '' }];
    }
    return [
      {
        kind: 'network',
        code: status !== undefined ? `HTTP_${status}` : 'NETWORK',
        message: error.networkError?.message ?? '',
      },
    ];
  }
  const problems = graphQLErrors.map((graphQLError): Problem => {
    const extensions = graphQLError.extensions ?? {};
    const code = text(extensions.code) ?? (status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL');
    const kind = kindOf(code, extensions, status);
    const problem: Problem = { kind, code, message: graphQLError.message };
    const rule = text(extensions.rule);
    if (rule) problem.rule = rule;
    const field = text(extensions.field);
    if (field && kind === 'field') problem.field = field;
    const service = text(extensions.service);
    if (service) problem.service = service;
    if (graphQLError.path && graphQLError.path.length > 0) problem.path = graphQLError.path.join('.');
    if (kind === 'forbidden') {
      problem.where = text(extensions.affectedPath) ?? field ?? problem.path ?? '';
    }
    const details: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(extensions)) {
      if (!KNOWN_EXTENSIONS.has(key)) details[key] = value;
    }
    if (Object.keys(details).length > 0) problem.details = details;
    return problem;
  });
  // UNAUTHENTICATED comes paired with a SUBREQUEST_HTTP_ERROR of status 401: one is enough.
  const seen = new Set<string>();
  return problems.filter((problem) => {
    if (problem.kind !== 'unauthenticated') return true;
    if (seen.has('unauthenticated')) return false;
    seen.add('unauthenticated');
    return true;
  });
}

export function hasKind(problems: readonly Problem[], kind: ProblemKind): boolean {
  return problems.some((problem) => problem.kind === kind);
}

/** Problems of a partial result at `path` or below it (a row renders those of its own path). */
export function problemsAt(problems: readonly Problem[], path: string): Problem[] {
  return problems.filter(
    (problem) => problem.path !== undefined && (problem.path === path || problem.path.startsWith(`${path}.`)),
  );
}

/**
 * The registered field a Problem's `extensions.field` lands on: the exact path, else the longest
 * registered prefix on a segment boundary (`lines.3.amount` → `lines.3` → `lines`), else none (then
 * the form shows it).
 */
export function matchField(field: string, registered: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const name of registered) {
    if (name === field) return name;
    if (field.startsWith(`${name}.`) && (best === undefined || name.length > best.length)) best = name;
  }
  return best;
}

/** The year differences of `plan.budget_unbalanced` (extensions.differences), when present and well-formed. */
export interface BudgetDifference {
  year: number;
  frame: string;
  internalBudget: string;
  difference: string;
}

export function budgetDifferences(problem: Problem): BudgetDifference[] {
  const raw = problem.details?.differences;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { year, frame, internalBudget, difference } = item as Record<string, unknown>;
    if (
      typeof year === 'number' &&
      typeof frame === 'string' &&
      typeof internalBudget === 'string' &&
      typeof difference === 'string'
    ) {
      return [{ year, frame, internalBudget, difference }];
    }
    return [];
  });
}
