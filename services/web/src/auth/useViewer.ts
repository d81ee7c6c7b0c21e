import { useQuery } from 'urql';
import type { CombinedError } from 'urql';
import { graphql } from '../gql';
import type { ViewerQuery } from '../gql/graphql';
import { useSession } from './session';

export const ViewerDocument = graphql(`
  query Viewer {
    viewer {
      subject
      roles
      organization {
        id
        code
        name
        kind
      }
    }
  }
`);

export type Viewer = ViewerQuery['viewer'];

export interface ViewerState {
  viewer: Viewer | null;
  fetching: boolean;
  error: CombinedError | undefined;
}

/** Who the API says the caller is (Query.viewer); paused while nobody is signed in. */
export function useViewer(): ViewerState {
  const session = useSession();
  const [result] = useQuery({ query: ViewerDocument, pause: session === null });
  return {
    viewer: result.data?.viewer ?? null,
    fetching: result.fetching,
    error: result.error,
  };
}
