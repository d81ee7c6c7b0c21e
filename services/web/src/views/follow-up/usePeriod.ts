import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { CombinedError } from 'urql';
import { FollowUpPeriodsDocument } from './operations';
import { byLabel, forPicker, latestOpen } from './periods';
import type { Period } from './periods';

export interface PeriodChoice {
  /** Every defined period in the picker's order. */
  periods: Period[];
  /** The period shown: the one in ?period=, else the latest open; undefined while loading or unknown. */
  period: Period | undefined;
  /** The label asked for in the address, when one was. */
  asked: string | null;
  fetching: boolean;
  error: CombinedError | undefined;
}

/** The period of /uppfoljning/:code?period=<label> (labels name their year, so addresses are stable). */
export function usePeriod(): PeriodChoice {
  const [search] = useSearchParams();
  const asked = search.get('period');
  const [result] = useQuery({ query: FollowUpPeriodsDocument });
  return useMemo(() => {
    const all = result.data?.periods ?? [];
    const period = asked ? byLabel(all, asked) : latestOpen(all);
    return { periods: forPicker(all), period, asked, fetching: result.fetching, error: result.error };
  }, [result.data, result.fetching, result.error, asked]);
}
