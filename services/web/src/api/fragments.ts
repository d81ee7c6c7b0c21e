// Fragments more than one view asks for. Fragment names are global across every document codegen reads,
// so a fragment two views share lives here under one name rather than once per view.
import { graphql } from '../gql';

// A decision as every view cites it: date, paragraph, diary number and the deciding body (design 6.1).
export const DecisionPartsFragment = graphql(`
  fragment DecisionParts on Decision {
    date
    paragraph
    diaryNumber
    body {
      code
      name
    }
  }
`);

// An uppdrag as the direktiv and the årshjul list it: due, overdue and to whom.
export const AssignmentPartsFragment = graphql(`
  fragment AssignmentParts on Assignment {
    id
    title
    dueOn
    state
    overdue
    recipients {
      code
      name
    }
  }
`);
