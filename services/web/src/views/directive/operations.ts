// The direktiv view's documents (design 6.3). DecisionParts and AssignmentParts are in api/fragments.ts.
import { graphql } from '../../gql';

// The budget years to choose from and the one under way (the default of /direktiv).
export const DirectiveYearsDocument = graphql(`
  query DirectiveYears {
    cycles(kind: ANNUAL) {
      id
      startYear
    }
    current: currentCycle(kind: ANNUAL) {
      id
      startYear
    }
  }
`);

export const DirectiveListDocument = graphql(`
  query DirectiveList($budgetYear: Int!) {
    directives(budgetYear: $budgetYear) {
      id
      kind
      title
      state
      revision
      adopted {
        date
      }
    }
  }
`);

export const DirectiveDetailDocument = graphql(`
  query DirectiveDetail($id: ID!) {
    directive(id: $id) {
      id
      lineageId
      kind
      title
      budgetYear
      state
      revision
      taxRate
      adopted {
        ...DecisionParts
      }
      cycle {
        id
        title
      }
      recipients {
        id
        code
        name
        kind
      }
      budgetFrames {
        year
        amount
        organization {
          id
          code
        }
      }
      concreteGoals {
        id
        title
        state
        validFrom
        validTo
        organizations {
          code
          name
        }
      }
      assignments {
        ...AssignmentParts
        description
      }
      revisions {
        id
        revision
        state
        adopted {
          date
          paragraph
        }
      }
      supersededBy {
        id
        revision
        state
      }
      goalEstablishment {
        state
        refusals {
          goalId
          rule
          message
          goal {
            id
            title
          }
        }
      }
    }
  }
`);
