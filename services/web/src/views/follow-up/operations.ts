import { graphql } from '../../gql';

// Every defined period, so the picker can default to the latest open one the way the API does
// (latest end, then the longest of those ending the same day).
// The nämnder and bolag to follow up, for /uppfoljning without an organisation.
export const FollowUpOrganizationsDocument = graphql(`
  query FollowUpOrganizations {
    committees: organizations(kind: COMMITTEE) { id code name }
    companies: organizations(kind: COMPANY) { id code name }
  }
`);

export const FollowUpPeriodsDocument = graphql(`
  query FollowUpPeriods {
    periods { id label kind year startsOn endsOn closed }
  }
`);

// One fulfilment row as the view and the printable report show it. Contributors are asked one level at a
// time (GoalFulfilment), so the documents stay well inside the front door's depth limit.
export const FulfilmentRow = graphql(`
  fragment FulfilmentRow on Fulfilment {
    status basis rolledUpStatus suggestedStatus explanation
    goal { id level title organizations { id code } parents { id title } }
    assessment { status analysis assessedAt assessedBy { name } }
    indicators { indicator { id name unit direction } year target actual actualYear share status }
  }
`);

export const FollowUpDocument = graphql(`
  query FollowUp($code: String!, $periodLabel: String!) {
    organization(code: $code) {
      id code name kind
      children { id code name children { id code name } }
      followUpReport(periodLabel: $periodLabel) {
        period { id label startsOn endsOn closed }
        goals {
          ...FulfilmentRow
          contributors { status basis explanation goal { id title level organizations { code } } }
        }
        actions { id title dueOn state overdue owner { id code name } goal { id title } }
      }
    }
  }
`);

// The printable report's HTML from the API, offered as a download beside the app's own print route.
export const FollowUpReportHtmlDocument = graphql(`
  query FollowUpReportHtml($code: String!, $periodLabel: String!) {
    organization(code: $code) { id followUpReport(periodLabel: $periodLabel) { html } }
  }
`);

export const GoalFulfilmentDocument = graphql(`
  query GoalFulfilment($id: ID!, $periodId: ID!) {
    goal(id: $id) {
      id title
      fulfilment(periodId: $periodId) {
        ...FulfilmentRow
        contributors { status basis explanation goal { id title level organizations { code } } }
      }
    }
  }
`);

export const AssessGoalDocument = graphql(`
  mutation AssessGoal($goalId: ID!, $periodId: ID!, $status: AssessmentStatus!, $analysis: String) {
    assessGoal(goalId: $goalId, periodId: $periodId, status: $status, analysis: $analysis) {
      status basis explanation rolledUpStatus
    }
  }
`);

export const AddActionDocument = graphql(`
  mutation AddAction($goalId: ID!, $input: ActionInput!) {
    addAction(goalId: $goalId, input: $input) { id title dueOn state overdue owner { id code name } }
  }
`);

export const SetActionStateDocument = graphql(`
  mutation SetActionState($id: ID!, $state: ActionState!) {
    setActionState(id: $id, state: $state) { id state overdue }
  }
`);
