import { graphql } from '../../gql';

// Every read of medarbetarmål is logged with its purpose (ändamål); the log is the employee's to read, so
// it names the app in Swedish whatever the UI language.
export const PURPOSE = 'Medarbetarmål i vsm-webben';

// No employeeRef is sent: the goals service narrows an unfiltered read to the caller's own rows (an
// employee's own goals, a manager's unit). unitId only when ?enhet= names a unit.
export const EmployeeGoalsDocument = graphql(`
  query EmployeeGoals($unitId: ID, $after: String, $purpose: String!) {
    employeeGoals(unitId: $unitId, first: 100, after: $after, purpose: $purpose) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          employeeRef
          title
          state
          sourceSystem
          externalId
          unit {
            code
            name
          }
          operationalGoal {
            id
            title
            organizations {
              code
              name
            }
          }
        }
      }
    }
  }
`);

export const UnitByCodeDocument = graphql(`
  query UnitByCode($code: String!) {
    organization(code: $code) {
      id
      code
      name
      kind
    }
  }
`);

export const MyAccessLogDocument = graphql(`
  query MyAccessLog($employeeRef: String!) {
    employeeDataExport(employeeRef: $employeeRef, purpose: "Registerutdrag i vsm-webben") {
      accessLog {
        accessedAt
        actor
        purpose
        operation
        goalCount
      }
    }
  }
`);
