import { graphql } from '../../gql';

export const visionAndThemesQuery = graphql(`
  query VisionAndThemes {
    vision {
      id
      title
      horizonYear
      values
      adopted {
        ...DecisionParts
      }
      themes {
        id
        name
        statement
      }
    }
  }
`);

// One level, one page; the view pages on while hasNextPage (design section 5: nested reads cost too much).
export const goalTreeLevelQuery = graphql(`
  query GoalTreeLevel($level: GoalLevel!, $asOf: Date, $state: GoalState, $after: String) {
    goals(level: $level, asOf: $asOf, state: $state, first: 500, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          level
          title
          themes {
            id
          }
          parents {
            id
          }
          organizations {
            id
            code
            name
          }
        }
      }
    }
  }
`);

// `goal` is the goal as it stood on the date shown; `history` is every decision, also those taken later,
// which the panel marks "beslutad senare" (with asOf the API lists only the revisions in force then).
export const goalDetailQuery = graphql(`
  query GoalDetail($id: ID!, $asOf: Date) {
    goal(id: $id, asOf: $asOf) {
      id
      level
      title
      description
      state
      validFrom
      validTo
      reviewDue
      organizations {
        id
        code
        name
        kind
      }
      themes {
        id
        name
      }
      establishedBy {
        id
        title
        budgetYear
        revision
        adopted {
          ...DecisionParts
        }
      }
      plans {
        id
        state
        organization {
          id
          code
          name
        }
      }
    }
    history: goal(id: $id) {
      id
      level
      title
      state
      adopted {
        ...DecisionParts
      }
      retired {
        ...DecisionParts
      }
      revisions {
        number
        title
        description
        recordedAt
        decision {
          ...DecisionParts
        }
      }
      parentLinks {
        effectiveFrom
        effectiveTo
        parent {
          id
          title
          level
        }
        decision {
          ...DecisionParts
        }
        endedBy {
          ...DecisionParts
        }
      }
    }
  }
`);
