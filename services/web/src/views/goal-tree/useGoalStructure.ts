import { useCallback, useEffect, useState } from 'react';
import { type CombinedError, type OperationResult, useClient } from 'urql';
import type { GoalLevel, GoalState, GoalTreeLevelQuery } from '../../gql/graphql';
import { goalTreeLevelQuery } from './operations';
import { LEVELS, type TreeGoal } from './tree';

export interface GoalLevels {
  goals: TreeGoal[] | null;
  error: CombinedError | null;
  fetching: boolean;
  retry: () => void;
}

class LevelError extends Error {
  constructor(readonly combined: CombinedError) {
    super(combined.message);
  }
}

/**
 * Every goal in force on a date (null: today, as the API's calendar has it), all four levels in parallel,
 * each paged to its end (design section 6.1).
 */
export function useGoalStructure(asOf: string | null): GoalLevels {
  const client = useClient();
  const [attempt, setAttempt] = useState(0);
  // The date the goals were read for, so a render between a new date and its effect never passes the
  // previous date's goals off as the new date's.
  const [state, setState] = useState<Omit<GoalLevels, 'retry'> & { asOf: string | null | undefined }>({
    goals: null,
    error: null,
    fetching: true,
    asOf: undefined,
  });

  useEffect(() => {
    let cancelled = false;
    setState((s) => ({ ...s, error: null, fetching: true }));

    // ADOPTED on a date too: with asOf the API answers the state as of that day, and lists a goal retired
    // by then as RETIRED rather than leaving it out, so "in force then" is asOf + ADOPTED.
    const goalState: GoalState = 'ADOPTED';
    const readLevel = async (level: GoalLevel): Promise<TreeGoal[]> => {
      const goals: TreeGoal[] = [];
      let after: string | null = null;
      for (;;) {
        const result: OperationResult<GoalTreeLevelQuery> = await client
          .query(
            goalTreeLevelQuery,
            { level, asOf, state: goalState, after },
            { requestPolicy: 'network-only' },
          )
          .toPromise();
        if (result.error) throw new LevelError(result.error);
        const page: GoalTreeLevelQuery['goals'] | undefined = result.data?.goals;
        if (!page) return goals;
        for (const edge of page.edges) goals.push(edge.node);
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return goals;
        after = page.pageInfo.endCursor;
      }
    };

    Promise.all(LEVELS.map(readLevel)).then(
      (levels) => {
        if (!cancelled) setState({ goals: levels.flat(), error: null, fetching: false, asOf });
      },
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof LevelError) setState({ goals: null, error: err.combined, fetching: false, asOf });
        else throw err;
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, asOf, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  if (state.asOf !== asOf) return { goals: null, error: null, fetching: true, retry };
  return { goals: state.goals, error: state.error, fetching: state.fetching, retry };
}
