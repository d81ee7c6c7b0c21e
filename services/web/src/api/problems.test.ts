import { CombinedError } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { budgetDifferences, matchField, problemsAt, toProblems } from './problems';

// Answers as docs/api.md and docs/design/hive-router.md record them, through urql's own CombinedError.
function answer(errors: object[], status = 200): CombinedError {
  return new CombinedError({ graphQLErrors: errors as never, response: { status } });
}

describe('toProblems', () => {
  it('gives nothing for no error', () => {
    expect(toProblems(undefined)).toEqual([]);
  });

  it('puts a subgraph input error at its field with rule and service', () => {
    const [problem] = toProblems(
      answer([
        {
          message: 'id is not a valid id',
          path: ['directive'],
          extensions: { code: 'BAD_USER_INPUT', rule: 'id.format', field: 'id', service: 'planning' },
        },
      ]),
    );
    expect(problem).toEqual({
      kind: 'field',
      code: 'BAD_USER_INPUT',
      rule: 'id.format',
      field: 'id',
      service: 'planning',
      path: 'directive',
      message: 'id is not a valid id',
    });
  });

  it('makes an error without field a form problem and keeps the differences', () => {
    const [problem] = toProblems(
      answer([
        {
          message: 'the internbudget does not add up to the frame; difference per year: 2102: -1000000.00',
          extensions: {
            code: 'BAD_USER_INPUT',
            rule: 'plan.budget_unbalanced',
            service: 'planning',
            differences: [{ year: 2102, frame: '5000000.00', internalBudget: '4000000.00', difference: '-1000000.00' }],
          },
        },
      ]),
    );
    expect(problem?.kind).toBe('form');
    expect(problem && budgetDifferences(problem)).toEqual([
      { year: 2102, frame: '5000000.00', internalBudget: '4000000.00', difference: '-1000000.00' },
    ]);
  });

  it('keeps a row-level FORBIDDEN of a service at its field', () => {
    const [problem] = toProblems(
      answer([
        {
          message: 'a manager reads only the medarbetarmål of their own unit',
          path: ['employeeGoals'],
          extensions: { code: 'FORBIDDEN', rule: 'access.own_unit', field: 'unitId', service: 'goals' },
        },
      ]),
    );
    expect(problem).toMatchObject({ kind: 'field', field: 'unitId', rule: 'access.own_unit' });
  });

  it("reads Hive Router's refusal of a field by affectedPath", () => {
    const problems = toProblems(
      answer(
        [
          {
            message: 'Unauthorized field or type',
            extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', affectedPath: 'goal.employeeGoals' },
          },
        ],
        403,
      ),
    );
    expect(problems).toEqual([
      { kind: 'forbidden', code: 'UNAUTHORIZED_FIELD_OR_TYPE', where: 'goal.employeeGoals', message: 'Unauthorized field or type' },
    ]);
  });

  it("reads the Node gateway's refusal by its coordinate", () => {
    const [problem] = toProblems(
      answer([{ message: 'not allowed', extensions: { code: 'FORBIDDEN', rule: 'access.field', field: 'Goal.employeeGoals' } }], 403),
    );
    expect(problem).toMatchObject({ kind: 'forbidden', where: 'Goal.employeeGoals', rule: 'access.field' });
    expect(problem?.field).toBeUndefined();
  });

  it.each(['JWT_LOOKUP_FAILED', 'MISSING_JWT', 'INVALID_JWT', 'INVALID_JWT_HEADER', 'UNAUTHENTICATED'])(
    'treats %s as an ended sign-in',
    (code) => {
      expect(toProblems(answer([{ message: 'x', extensions: { code } }], 403)).map((p) => p.kind)).toEqual([
        'unauthenticated',
      ]);
    },
  );

  it('reports a service refusing the token once, not with its SUBREQUEST_HTTP_ERROR twin', () => {
    const problems = toProblems(
      answer([
        { message: 'Unauthenticated', path: ['vision'], extensions: { code: 'UNAUTHENTICATED', service: 'goals' } },
        { message: 'HTTP fetch failed', extensions: { code: 'SUBREQUEST_HTTP_ERROR', service: 'goals', http: { status: 401 } } },
      ]),
    );
    expect(problems.map((p) => p.kind)).toEqual(['unauthenticated']);
  });

  it('treats a 401 without a code as an ended sign-in', () => {
    expect(toProblems(answer([{ message: 'no token' }], 401))[0]?.kind).toBe('unauthenticated');
  });

  it('marks an unavailable service retryable with the service named', () => {
    const [problem] = toProblems(
      answer([
        {
          message: 'the followup service cannot reach its database',
          extensions: { code: 'SERVICE_UNAVAILABLE', rule: 'service.database_unavailable', service: 'followup' },
        },
      ]),
    );
    expect(problem).toMatchObject({ kind: 'unavailable', service: 'followup' });
  });

  it.each([
    'GRAPHQL_VALIDATION_FAILED',
    'GRAPHQL_PARSE_FAILED',
    'MAX_DEPTH_EXCEEDED',
    'COST_ESTIMATED_TOO_EXPENSIVE',
    'TOKEN_LIMIT_EXCEEDED',
    'CSRF_PREVENTION_FAILED',
    'PERSISTED_DOCUMENT_NOT_FOUND',
    'INTERNAL',
  ])('shows %s as an internal failure with its code', (code) => {
    expect(toProblems(answer([{ message: 'x', extensions: { code } }], 400))[0]).toMatchObject({
      kind: 'internal',
      code,
    });
  });

  it('calls an answer without a code internal', () => {
    expect(toProblems(answer([{ message: 'Unexpected error.' }]))[0]).toMatchObject({ kind: 'internal', code: 'INTERNAL' });
  });

  it('calls an answer without a JSON body a network problem with its status', () => {
    const error = new CombinedError({ networkError: new Error('Payload Too Large'), response: { status: 413 } });
    expect(toProblems(error)).toEqual([{ kind: 'network', code: 'HTTP_413', message: 'Payload Too Large' }]);
    expect(toProblems(new CombinedError({ networkError: new TypeError('Failed to fetch') }))[0]).toMatchObject({
      kind: 'network',
      code: 'NETWORK',
    });
  });

  it('finds the problems of a partial result by path', () => {
    const problems = toProblems(
      answer([
        { message: 'a', path: ['organization', 'followUpReport', 'goals', 3, 'assessment'], extensions: { code: 'INTERNAL' } },
        { message: 'b', path: ['organization', 'followUpReport', 'goals', 31], extensions: { code: 'INTERNAL' } },
      ]),
    );
    expect(problemsAt(problems, 'organization.followUpReport.goals.3').map((p) => p.message)).toEqual(['a']);
  });
});

describe('matchField', () => {
  const registered = ['lines', 'lines.3', 'lines.3.amount', 'input.title', 'analysis'];

  it('prefers the exact path', () => {
    expect(matchField('lines.3.amount', registered)).toBe('lines.3.amount');
  });

  it('falls back to the longest registered prefix on a segment boundary', () => {
    expect(matchField('lines.3.activity', registered)).toBe('lines.3');
    expect(matchField('lines.7.amount', registered)).toBe('lines');
    expect(matchField('input.title.x', registered)).toBe('input.title');
  });

  it('does not match a prefix inside a segment', () => {
    expect(matchField('lines.31.amount', ['lines.3'])).toBeUndefined();
    expect(matchField('analysisText', registered)).toBeUndefined();
  });

  it('leaves an unregistered field to the form', () => {
    expect(matchField('id', registered)).toBeUndefined();
  });
});
