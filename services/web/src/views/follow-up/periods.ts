import type { FollowUpPeriodsQuery } from '../../gql/graphql';

export type Period = FollowUpPeriodsQuery['periods'][number];

/** The period a report means by default, as the API picks it: of the open periods the one ending last, and
 * of those ending the same day (December, T3, helår) the longest. Dates are ISO strings, so they compare as
 * text. */
export function latestOpen(periods: readonly Period[]): Period | undefined {
  return periods
    .filter((p) => !p.closed)
    .slice()
    .sort((a, b) => (a.endsOn === b.endsOn ? a.startsOn.localeCompare(b.startsOn) : b.endsOn.localeCompare(a.endsOn)))[0];
}

/** The period named in the address (labels are compared as the API does, without regard to case). */
export function byLabel(periods: readonly Period[], label: string): Period | undefined {
  const wanted = label.trim().toLocaleLowerCase('sv-SE');
  return periods.find((p) => p.label.toLocaleLowerCase('sv-SE') === wanted);
}

/** The picker's periods: newest year first, within a year by end date, then the longest first. */
export function forPicker(periods: readonly Period[]): Period[] {
  return periods
    .slice()
    .sort(
      (a, b) =>
        b.year - a.year ||
        a.endsOn.localeCompare(b.endsOn) ||
        a.startsOn.localeCompare(b.startsOn),
    );
}
