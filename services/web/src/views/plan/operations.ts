import { graphql } from '../../gql';

// The budget years to choose from and the one under way; the plan's cycle is found by its startYear so
// that /verksamhetsplan/BUN?budgetar=2027 means the same on every installation.
export const PlanCyclesDocument = graphql(`
  query PlanCycles {
    cycles(kind: ANNUAL) { id startYear title }
    current: currentCycle(kind: ANNUAL) { id startYear }
    committees: organizations(kind: COMMITTEE) { id code name }
    companies: organizations(kind: COMPANY) { id code name }
  }
`);

export const PlanViewDocument = graphql(`
  query PlanView($code: String!, $cycleId: ID!) {
    organization(code: $code) {
      id code name kind
      operationalPlan(cycleId: $cycleId) {
        id years state returnReason
        adopted { ...DecisionParts }
        cycle { id title currentPhase { kind dueOn } }
        goals { id title state parents { id title } }
        internalBudget { activity year amount }
        frames { year amount directive { id title revision } }
        balanced
        balance { year frame internalBudget difference balanced }
        goalEstablishment { state refusals { goalId rule message } }
      }
    }
  }
`);

export const SetInternalBudgetDocument = graphql(`
  mutation SetInternalBudget($planId: ID!, $lines: [BudgetLineInput!]!) {
    setInternalBudget(planId: $planId, lines: $lines) {
      id state
      internalBudget { activity year amount }
      balanced
      balance { year frame internalBudget difference balanced }
    }
  }
`);

export const SubmitPlanDocument = graphql(`
  mutation SubmitPlan($id: ID!) {
    submitPlan(id: $id) { id state balanced }
  }
`);
