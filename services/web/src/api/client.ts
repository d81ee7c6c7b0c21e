import { Client, cacheExchange, fetchExchange, mapExchange } from 'urql';
import { toProblems } from './problems';

export interface ClientOptions {
  /** config.json's apiUrl: the same-origin /graphql pipe to the front door. */
  url: string;
  getToken: () => string | null;
  /** Called once per expired or refused token (401, JWT codes): clear the session, go to sign-in. */
  onUnauthenticated: () => void;
}

/**
 * The app's urql client. JSON POSTs always (never GET, so no query text lands in access logs), the
 * bearer token of this tab's session and `x-graphql-csrf: 1`, which both front doors accept, so GET
 * persisted documents later need no change.
 */
export function createApiClient({ url, getToken, onUnauthenticated }: ClientOptions): Client {
  return new Client({
    url,
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          if (toProblems(error).some((problem) => problem.kind === 'unauthenticated')) onUnauthenticated();
        },
      }),
      fetchExchange,
    ],
    fetchOptions: () => {
      const headers: Record<string, string> = {
        'x-graphql-csrf': '1',
        accept: 'application/graphql-response+json, application/json',
      };
      const token = getToken();
      if (token) headers.authorization = `Bearer ${token}`;
      return { headers };
    },
  });
}
