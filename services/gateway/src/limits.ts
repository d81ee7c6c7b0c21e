// Limits on what one request may ask for, all checked before any resolver runs:
//   tokens   while parsing           (graphql-armor max-tokens)
//   depth    while validating        (graphql-armor max-depth, fields only: fragments add no level)
//   aliases  while validating        (graphql-armor max-aliases, counted through fragments)
//   cost     after validation, before execution, with the variables (below)
//   batch    while reading the HTTP body (GraphQL Yoga's batching limit; off by default)
//   size     of the headers (Node's HTTP parser), of the body and of the document (below)
// The numbers are set from the operations our own clients send; see README.md.
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { boolEnv, intEnv } from './env.ts';

export interface LimitSettings {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Assumed length of a list field that has no `first` argument. */
  listSize: number;
  /** Page size of a connection when `first` is left out (vsm_common.graphql.check_page_size). */
  defaultPageSize: number;
  /** 0: batching off (a JSON array body is refused); n: at most n operations per request. */
  maxBatch: number;
  /** Add `extensions.cost` ({estimated, max}) to every response (for measuring clients' operations). */
  reportCost: boolean;
  /** Bytes of a request body (the document and its variables). */
  maxBodyBytes: number;
  /** Bytes of the document itself (the `query` text). */
  maxDocumentBytes: number;
  /** Bytes of the request line and headers (Node's HTTP parser; 16 KiB by default). */
  maxHeaderBytes: number;
}

export function limitSettings(): LimitSettings {
  return {
    maxTokens: intEnv('VSM_GATEWAY_MAX_TOKENS', 1000),
    maxDepth: intEnv('VSM_GATEWAY_MAX_DEPTH', 10),
    maxAliases: intEnv('VSM_GATEWAY_MAX_ALIASES', 15, 0),
    maxCost: intEnv('VSM_GATEWAY_MAX_COST', 100000),
    listSize: intEnv('VSM_GATEWAY_COST_LIST_SIZE', 10),
    defaultPageSize: 50,
    maxBatch: intEnv('VSM_GATEWAY_MAX_BATCH', 0, 0),
    reportCost: boolEnv('VSM_GATEWAY_REPORT_COST', false),
    // The HR system's upsertEmployeeGoals of 10,000 rows is 2.7-2.8 MB of variables as HR systems
    // write them, 9.6 MB with every field at its limit (UTF-8); 16 MiB keeps both working.
    maxBodyBytes: intEnv('VSM_GATEWAY_MAX_BODY_BYTES', 16 * 1024 * 1024, 1024),
    // A document of 1,000 tokens is a few kB; 1 MiB leaves room for long texts written as literals.
    maxDocumentBytes: intEnv('VSM_GATEWAY_MAX_DOCUMENT_BYTES', 1024 * 1024, 1024),
    // Node drops a connection whose headers pass its limit (16 KiB) without an answer the client
    // can read. With room for a 200 kB token, an oversized token reaches the JWT check and gets its 401.
    maxHeaderBytes: intEnv('VSM_GATEWAY_MAX_HEADER_BYTES', 256 * 1024, 16 * 1024),
  };
}

// ------------------------------------------------------------------- size
function tooLarge(what: string, max: number, code: string): GraphQLError {
  return new GraphQLError(`The ${what} is larger than ${max} bytes.`, {
    extensions: { code, limit: { max }, http: { status: 413 } },
  });
}

// Answered before GraphQL Yoga has a request to answer: the same error, written out by hand.
function tooLargeResponse(fetchAPI: { Response: typeof Response }, max: number): Response {
  const { message } = tooLarge('request body', max, 'REQUEST_TOO_LARGE');
  const body = { errors: [{ message, extensions: { code: 'REQUEST_TOO_LARGE', limit: { max } } }] };
  return new fetchAPI.Response(JSON.stringify(body), {
    status: 413,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * A body read to its end, or undefined when it is longer than `max`. The rest of a body that is too
 * long is still read and thrown away (up to four times the limit), so that the client, still
 * uploading, reads the 413 instead of a connection reset.
 */
async function readAtMost(request: Request, max: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > 4 * max) {
      await reader.cancel();
      break;
    }
    if (size <= max) chunks.push(value);
  }
  if (size > max) return undefined;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The body and the document, bounded: a declared `content-length` over the limit is refused before
 * anything else is done (Node reads the rest of the upload and throws it away, so the client reads
 * the answer); a body without one (chunked) is counted while it is read. Both answer HTTP 413 and
 * close the connection.
 */
function useRequestSizeLimits(settings: LimitSettings): GatewayPlugin {
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      const declared = request.headers.get('content-length');
      if (declared !== null && Number(declared) > settings.maxBodyBytes) {
        endResponse(tooLargeResponse(fetchAPI, settings.maxBodyBytes));
      }
    },
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!requestParser || request.method !== 'POST' || request.headers.get('content-length') !== null) return;
      const parse = requestParser;
      setRequestParser(async (original: Request) => {
        const body = await readAtMost(original, settings.maxBodyBytes);
        if (body === undefined) throw tooLarge('request body', settings.maxBodyBytes, 'REQUEST_TOO_LARGE');
        return parse(new Request(original.url, { method: original.method, headers: original.headers, body }));
      });
    },
    onResponse({ response }) {
      // Whatever is left of an oversized upload must not be read as the next request.
      if (response.status === 413) response.headers.set('connection', 'close');
    },
    onParams({ params }) {
      const query = params.query;
      if (typeof query === 'string' && Buffer.byteLength(query, 'utf8') > settings.maxDocumentBytes) {
        throw tooLarge('GraphQL document (the query text)', settings.maxDocumentBytes, 'DOCUMENT_TOO_LARGE');
      }
    },
  };
}

// ------------------------------------------------------------------- cost
// A static estimate of the objects an operation makes the gateway and the subgraphs build, in
// the spirit of the GraphQL cost directive spec (IBM) and Apollo's demand control:
//   - a field whose type is an object, interface or union costs 1; a scalar or enum field 0;
//   - a list field multiplies itself and everything below it by its size: its `first` (or
//     `last`) argument when given, else `listSize` (default 10);
//   - a connection (a field with a `first` argument that returns an object) passes its size on
//     to its `edges` and `nodes`: `first`, else the default page size 50;
//   - each root field of a mutation costs 10 more.
// Fragments count where they are spread; introspection fields (`__schema`, `__type`,
// `__typename`) cost nothing.
export const MUTATION_FIELD_COST = 10;

interface CostOptions {
  listSize: number;
  defaultPageSize: number;
}

function sliceSize(args: Record<string, unknown>): number | undefined {
  for (const name of ['first', 'last']) {
    const value = args[name];
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.floor(value));
  }
  return undefined;
}

function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((op) => op.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  options: CostOptions,
): number {
  const operation = selectOperation(document, operationName);
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  }
  const vars = variables ?? {};
  const spreading = new Set<string>(); // guards against fragment cycles (validation rejects them anyway)

  function fieldDef(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
    if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
    return undefined; // a union has only __typename
  }

  function selectionCost(
    parent: GraphQLCompositeType,
    set: SelectionSetNode,
    inherited?: number,
    isRoot = false,
  ): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const def = fieldDef(parent, name);
        if (!def) continue;
        let args: Record<string, unknown> = {};
        try {
          args = getArgumentValues(def, selection, vars as Record<string, unknown>);
        } catch {
          // bad arguments: execution reports them; count the field as if they were left out
        }
        const named = getNamedType(def.type);
        const own = isCompositeType(named) ? 1 : 0;
        const slice = sliceSize(args);
        let size = 1;
        let passOn: number | undefined;
        if (isListType(getNullableType(def.type))) {
          const edgesOfConnection = (name === 'edges' || name === 'nodes') && inherited !== undefined;
          size = slice ?? (edgesOfConnection ? (inherited as number) : options.listSize);
        } else if (def.args.some((arg) => arg.name === 'first')) {
          passOn = slice ?? options.defaultPageSize; // a connection: its edges/nodes get the page size
        }
        const below =
          selection.selectionSet && isCompositeType(named) ? selectionCost(named, selection.selectionSet, passOn) : 0;
        total += size * (own + below) + (isRoot && operation!.operation === 'mutation' ? MUTATION_FIELD_COST : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += selectionCost(type, selection.selectionSet, inherited, isRoot);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || spreading.has(name)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (!type || !isCompositeType(type)) continue;
        spreading.add(name);
        total += selectionCost(type, fragment.selectionSet, inherited, isRoot);
        spreading.delete(name);
      }
    }
    return total;
  }

  return selectionCost(root, operation.selectionSet, undefined, true);
}

function tooExpensive(estimated: number, max: number): GraphQLError {
  return new GraphQLError(`Operation cost ${estimated} exceeds the limit of ${max}.`, {
    // `spec: true`: 400 for application/graphql-response+json (no data), 200 for application/json.
    extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated, max }, http: { spec: true, status: 400 } },
  });
}

/** Rejects an operation whose estimated cost is above the limit, after validation and before execution. */
function useCostLimit(settings: LimitSettings): GatewayPlugin {
  const options = { listSize: settings.listSize, defaultPageSize: settings.defaultPageSize };
  const costs = new WeakMap<object, number>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const estimated = operationCost(args.schema, args.document, args.variableValues, args.operationName, options);
      if (estimated > settings.maxCost) {
        setResultAndStopExecution({ errors: [tooExpensive(estimated, settings.maxCost)] });
        return;
      }
      if (settings.reportCost && args.contextValue) costs.set(args.contextValue as object, estimated);
    },
    onExecutionResult({ result, setResult, context }) {
      if (!settings.reportCost) return;
      const estimated = costs.get(context as object);
      if (estimated === undefined || !result || Symbol.asyncIterator in (result as object)) return;
      const single = result as { extensions?: Record<string, unknown> };
      const cost = { estimated, max: settings.maxCost };
      setResult({ ...single, extensions: { ...single.extensions, cost } } as never);
    },
  };
}

// graphql-armor throws its rejection out of the validation visitor ("Syntax Error: ..."); report
// it as an ordinary validation error instead, with a code of its own, so that it gets the status
// codes of one (200 for application/json, 400 for application/graphql-response+json).
type Reporter = { reportError(error: GraphQLError): void };

function asValidationError(code: string) {
  return (context: Reporter | null, error: GraphQLError): void => {
    context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code } }));
  };
}

/** Size, tokens, depth, aliases and cost; the batch limit is the gateway's `batching` option. */
export function limitPlugins(settings: LimitSettings): GatewayPlugin[] {
  return [
    useRequestSizeLimits(settings),
    // Parsing stops at the first token past the limit: "Syntax Error: Token limit of N exceeded."
    maxTokensPlugin({ n: settings.maxTokens }) as unknown as GatewayPlugin,
    maxDepthPlugin({
      n: settings.maxDepth,
      flattenFragments: true, // depth counts fields; a fragment is no level of its own
      ignoreIntrospection: true, // GraphiQL's introspection query is deeper than any of ours
      propagateOnRejection: false,
      onReject: [asValidationError('MAX_DEPTH_EXCEEDED')],
    }) as unknown as GatewayPlugin,
    maxAliasesPlugin({
      n: settings.maxAliases,
      propagateOnRejection: false,
      onReject: [asValidationError('MAX_ALIASES_EXCEEDED')],
    }) as unknown as GatewayPlugin,
    useCostLimit(settings),
  ];
}

export function batchingOption(settings: LimitSettings): false | { limit: number } {
  return settings.maxBatch > 0 ? { limit: settings.maxBatch } : false;
}
