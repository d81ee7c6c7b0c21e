// The årshjul's documents (design 6.2). WheelCycles is also how other views find a budget year's cycle id.
import { graphql } from '../../gql';

export const WheelCyclesDocument = graphql(`
  query WheelCycles {
    cycles {
      id
      kind
      startYear
      endYear
      title
    }
    annual: currentCycle(kind: ANNUAL) {
      id
      startYear
    }
  }
`);

export const YearWheelCycleFragment = graphql(`
  fragment YearWheelCycle on PlanningCycle {
    id
    kind
    title
    startYear
    endYear
    currentPhase {
      kind
    }
    phases {
      kind
      state
      opensOn
      dueOn
      completedOn
      overdue
      responsible {
        code
        name
      }
    }
  }
`);

// The mandate period is asked for on its own: a budget year outside every mandate period (a past year) has
// none, and an ID! variable cannot be left out.
export const YearWheelDocument = graphql(`
  query YearWheel($annualId: ID!, $budgetYear: Int!, $reviewBefore: Date!) {
    annual: cycle(id: $annualId) {
      ...YearWheelCycle
      taxRate
      directives {
        id
        kind
        title
        state
        revision
        assignments {
          ...AssignmentParts
        }
      }
      operationalPlans {
        id
        state
        organization {
          code
          name
        }
      }
    }
    compilation(cycleId: $annualId) {
      missingPlans {
        code
        name
      }
    }
    goalsDueForReview(before: $reviewBefore) {
      id
      level
      title
      reviewDue
    }
    periods(year: $budgetYear) {
      id
      label
      endsOn
      closed
    }
  }
`);

export const YearWheelMandateDocument = graphql(`
  query YearWheelMandate($mandateId: ID!) {
    mandate: cycle(id: $mandateId) {
      ...YearWheelCycle
      analysis {
        kind
        version
        updatedAt
      }
    }
  }
`);
