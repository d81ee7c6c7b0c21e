// Trusted documents (persisted operations).
//
// VSM_PERSISTED_DOCUMENTS_PATH names a JSON file mapping document ids to GraphQL documents:
//   { "<sha256 hex of the document>": "query Dashboard($org: ID!) { ... }", ... }
// A client sends the id instead of the document, either as Hive's / the GraphQL-over-HTTP
// draft's `documentId`
//   {"documentId": "<id>", "variables": {...}}
// or Apollo's way
//   {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<id>"}}, "variables": {...}}
// (Hive Gateway's default id extraction; `documentId` also as a GET query parameter).
// With VSM_PERSISTED_ONLY=true nothing else is executed: a request that carries a document of
// its own is refused (PERSISTED_QUERY_ONLY). Without it, ids and ordinary documents both work.
// The file is read once at start-up; every document in it must parse.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { boolEnv, configError, env } from './env.ts';

export interface PersistedSettings {
  path?: string;
  only: boolean;
}

export function persistedSettings(): PersistedSettings {
  const path = env('VSM_PERSISTED_DOCUMENTS_PATH');
  const only = boolEnv('VSM_PERSISTED_ONLY', false);
  if (only && !path) configError('VSM_PERSISTED_ONLY=true needs VSM_PERSISTED_DOCUMENTS_PATH (the allowed documents)');
  return { path, only };
}

export function loadPersistedDocuments(path: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    configError(`VSM_PERSISTED_DOCUMENTS_PATH=${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    configError(`VSM_PERSISTED_DOCUMENTS_PATH=${path}: expected a JSON object {"<id>": "<document>"}`);
  }
  const documents = new Map<string, string>();
  for (const [id, document] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof document !== 'string' || !id.trim()) {
      configError(`VSM_PERSISTED_DOCUMENTS_PATH=${path}: entry "${id}" is not a document string`);
    }
    try {
      parse(document);
    } catch (err) {
      configError(`VSM_PERSISTED_DOCUMENTS_PATH=${path}: document "${id}" does not parse: ${(err as Error).message}`);
    }
    documents.set(id, document);
  }
  return documents;
}

/** The gateway's `persistedDocuments` option, or undefined when no document file is configured. */
export function persistedDocumentsOption(settings: PersistedSettings) {
  if (!settings.path) return undefined;
  const documents = loadPersistedDocuments(settings.path);
  // An unknown id or a refused document is a request error: 400 for application/graphql-response+json,
  // 200 for application/json (`spec: true`), like GraphQL Yoga's own. A request with neither a
  // usable query nor an id is malformed: 400 for both, like Yoga's answer to a non-string query.
  const requestError = (message: string, code: string, spec: boolean) => ({
    message,
    extensions: { code, http: { spec, status: 400 } },
  });
  return {
    getPersistedOperation: (id: string) => documents.get(id) ?? null,
    allowArbitraryDocuments: !settings.only,
    customErrors: {
      notFound: requestError('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_IN_LIST', true),
      persistedQueryOnly: requestError('PersistedQueryOnly', 'PERSISTED_QUERY_ONLY', true),
      keyNotFound: requestError(
        settings.only ? 'PersistedQueryKeyNotFound' : 'Must provide a query string or a persisted document id.',
        'PERSISTED_QUERY_ID_REQUIRED',
        false,
      ),
    },
  };
}
