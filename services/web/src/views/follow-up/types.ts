import type { FollowUpQuery, GoalFulfilmentQuery } from '../../gql/graphql';

type Report = NonNullable<FollowUpQuery['organization']>['followUpReport'];

export type ReportPeriod = Report['period'];
/** A goal's fulfilment with its contributors, as the report and a drill into one goal both answer it. */
export type FulfilmentRow = Report['goals'][number];
export type ActionRow = Report['actions'][number];
export type Contributor = FulfilmentRow['contributors'][number];
export type Organization = NonNullable<FollowUpQuery['organization']>;

// A drill into a contributor answers the same selection; this fails to compile if the two ever differ.
type DrilledRow = NonNullable<NonNullable<GoalFulfilmentQuery['goal']>['fulfilment']>;
export const sameShape: (row: DrilledRow) => FulfilmentRow = (row) => row;
