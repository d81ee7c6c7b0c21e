import { graphql } from '../../gql';

// The chooser's organisations, read with a reader's token before anyone is signed in.
export const SignInOrganizationsDocument = graphql(`
  query SignInOrganizations {
    organizations {
      id
      code
      name
      kind
    }
  }
`);
