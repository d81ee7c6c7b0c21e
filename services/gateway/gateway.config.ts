// Hive Gateway configuration for the vsm federated gateway.
//
// Everything is driven by environment variables (see README.md):
//   VSM_SUPERGRAPH_PATH          supergraph SDL file written by compose.mjs (required); its @requiresScopes
//                                directives are the access policy (src/authz.ts)
//   VSM_GATEWAY_HOST             listen address (default 127.0.0.1)
//   VSM_GATEWAY_PORT             listen port (default 4000)
//   VSM_GATEWAY_SECRET           sent as `x-vsm-gateway-secret` on every subgraph request (required)
//   VSM_PROFILE                  development (default) | production
//   OTEL_EXPORTER_OTLP_ENDPOINT  when set, spans are exported with OTLP/HTTP to <endpoint>/v1/traces
//   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  full traces URL, used as is (overrides the above)
//   OTEL_SERVICE_NAME            service.name of the spans (default vsm-gateway)
//   VSM_JWKS_PATH / VSM_JWKS_URL where the token keys are (one is required); VSM_JWT_ISSUER,
//                                VSM_JWT_AUDIENCE, VSM_JWT_CLOCK_TOLERANCE_SECONDS,
//                                VSM_JWT_MAX_TOKEN_BYTES (src/auth.ts)
//   VSM_GATEWAY_MAX_TOKENS / _MAX_DEPTH / _MAX_ALIASES / _MAX_COST / _COST_LIST_SIZE / _MAX_BATCH,
//   VSM_GATEWAY_REPORT_COST, VSM_GATEWAY_MAX_BODY_BYTES / _MAX_DOCUMENT_BYTES / _MAX_HEADER_BYTES
//                                limits checked before execution                (src/limits.ts)
//   VSM_PERSISTED_DOCUMENTS_PATH, VSM_PERSISTED_ONLY  trusted documents            (src/persisted.ts)
//   VSM_GATEWAY_QUERY_PLANNER    rust (default: Hive Router's query planner and executor) | js
import { defineConfig, type GatewayPlugin } from '@graphql-hive/gateway';
import { unifiedGraphHandler as routerRuntime } from '@graphql-hive/router-runtime';
import { openTelemetrySetup } from '@graphql-hive/gateway/opentelemetry/setup';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { authPlugins, authSettings } from './src/auth.ts';
import { ScopeRules, useAuthorization } from './src/authz.ts';
import { configError, env } from './src/env.ts';
import { batchingOption, limitPlugins, limitSettings } from './src/limits.ts';
import { useExactScalarLiterals } from './src/literals.ts';
import { prometheusOption } from './src/metrics.ts';
import { persistedDocumentsOption, persistedSettings } from './src/persisted.ts';
import { StableSemconvExporter } from './src/semconv.ts';

const SECRET_HEADER = 'x-vsm-gateway-secret';

// ---------------------------------------------------------------- settings
const profile = env('VSM_PROFILE') ?? 'development';
if (profile !== 'development' && profile !== 'production') {
  configError(`VSM_PROFILE must be "development" or "production", got "${profile}"`);
}
const isProduction = profile === 'production';

const supergraphPath = env('VSM_SUPERGRAPH_PATH');
if (!supergraphPath) configError('VSM_SUPERGRAPH_PATH is not set (path of the composed supergraph file)');

const gatewaySecret = env('VSM_GATEWAY_SECRET');
if (!gatewaySecret) configError('VSM_GATEWAY_SECRET is not set (subgraphs refuse requests without it)');

// The Rust query planner and executor of Hive Router (@graphql-hive/router-runtime) cost 42 % less
// CPU per committee dashboard than the default JavaScript (stitching) runtime (50 -> 29 ms, bench/README.md);
// `js` keeps the default runtime, should a query ever plan differently.
const queryPlanner = env('VSM_GATEWAY_QUERY_PLANNER') ?? 'rust';
if (queryPlanner !== 'rust' && queryPlanner !== 'js') {
  configError(`VSM_GATEWAY_QUERY_PLANNER must be "rust" or "js", got "${queryPlanner}"`);
}

const host = env('VSM_GATEWAY_HOST') ?? '127.0.0.1';
const portText = env('VSM_GATEWAY_PORT') ?? '4000';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  configError(`VSM_GATEWAY_PORT must be a port number, got "${portText}"`);
}
// The hive-gateway CLI also reads the generic HOST and PORT variables (and --host /
// --port), and those win over this file. Refuse to start rather than silently listen
// somewhere else than VSM_GATEWAY_HOST / VSM_GATEWAY_PORT say.
for (const [generic, wanted] of [
  ['PORT', String(port)],
  ['HOST', host],
] as const) {
  const value = env(generic);
  if (value !== undefined && value !== wanted) {
    configError(
      `${generic}=${value} is set and would override VSM_GATEWAY_${generic}=${wanted}; unset ${generic}`,
    );
  }
}

const auth = authSettings(isProduction);
const limits = limitSettings();
const persisted = persistedSettings();
const persistedDocuments = persistedDocumentsOption(persisted);
if (!auth.enabled) {
  configError(
    'authentication is not configured: set VSM_JWKS_URL (production: the identity provider\'s JWKS, with ' +
      'VSM_JWT_ISSUER and VSM_JWT_AUDIENCE) or VSM_JWKS_PATH (development: make run sets it)',
  );
}
// The access policy is the supergraph's @requiresScopes directives (src/authz.ts): read from the file served.
const accessRules = ScopeRules.load(supergraphPath, (path) => readFileSync(path, 'utf8'));

// The gateway closes its server at once on SIGTERM/SIGINT (gracefulShutdownTimeout 0)
// and exits with status 0 within about 0.1 s. Should anything ever keep the event loop
// alive after that, do not outlive the supervisor's patience: force the exit after 10 s.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    setTimeout(() => {
      console.error(`[vsm-gateway] still running 10 s after ${signal}; exiting`);
      process.exit(1);
    }, 10_000).unref();
  });
}

// ----------------------------------------------------------- OpenTelemetry
// Set up the tracer provider before the gateway starts. The gateway's OpenTelemetry
// plugin (enabled below with `openTelemetry.traces`) then creates the spans, continues
// an incoming W3C `traceparent` and injects `traceparent` into every subgraph request.
function tracesUrl(): string | undefined {
  const tracesEndpoint = env('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (tracesEndpoint) return tracesEndpoint;
  const endpoint = env('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

const otlpTracesUrl = tracesUrl();
let tracingEnabled = false;
if (otlpTracesUrl) {
  try {
    openTelemetrySetup({
      contextManager: new AsyncLocalStorageContextManager(),
      resource: { serviceName: env('OTEL_SERVICE_NAME') ?? 'vsm-gateway' },
      traces: {
        // Spans leave in the current semantic conventions; the plugin writes deprecated names (src/semconv.ts).
        exporter: new StableSemconvExporter(new OTLPTraceExporter({ url: otlpTracesUrl, timeoutMillis: 3_000 })),
        // Flush quickly: tests and dev tools read spans right after a request.
        batching: {
          scheduledDelayMillis: 500,
          maxExportBatchSize: 512,
          maxQueueSize: 4096,
          exportTimeoutMillis: 3_000,
        },
      },
      // Default propagators: W3C trace context + baggage.
    });
    tracingEnabled = true;
  } catch (err) {
    // Already initialised by the CLI (`--opentelemetry` / OPENTELEMETRY env var):
    // keep that setup and only enable the plugin.
    console.warn(`[vsm-gateway] OpenTelemetry setup skipped: ${(err as Error).message}`);
    tracingEnabled = true;
  }
}

// ------------------------------------------------------------------ plugins
// Adds the shared gateway secret to every request sent to a subgraph. Only fetches
// that execute a subgraph request carry `executionRequest`, so the secret never goes
// to any other host the gateway might contact.
function useSubgraphSecret(secret: string): GatewayPlugin {
  return {
    onFetch({ executionRequest, options, setOptions }) {
      if (!executionRequest) return;
      const headers = options.headers as unknown;
      if (headers && typeof (headers as Headers).set === 'function') {
        (headers as Headers).set(SECRET_HEADER, secret);
        return;
      }
      const merged: Record<string, string> = Array.isArray(headers)
        ? Object.fromEntries(headers as [string, string][])
        : { ...((headers as Record<string, string> | undefined) ?? {}) };
      for (const key of Object.keys(merged)) {
        if (key.toLowerCase() === SECRET_HEADER) delete merged[key];
      }
      merged[SECRET_HEADER] = secret;
      setOptions({ ...options, headers: merged });
    },
  };
}

// Error extensions that carry stack traces or internals. Subgraph errors are passed
// through to clients (their messages are the subgraph's business), but never these.
const STRIPPED_ERROR_EXTENSIONS = ['stacktrace', 'exception', 'originalError'];

function stripErrorInternals(error: GraphQLError): GraphQLError {
  const extensions = error.extensions;
  if (!extensions || !STRIPPED_ERROR_EXTENSIONS.some((key) => key in extensions)) return error;
  const cleaned = { ...extensions };
  for (const key of STRIPPED_ERROR_EXTENSIONS) delete cleaned[key];
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: cleaned,
  });
}

type ResultLike = { errors?: readonly GraphQLError[] } & Record<string, unknown>;

function stripResult<T extends ResultLike>(result: T): T {
  if (!result?.errors?.length) return result;
  return { ...result, errors: result.errors.map(stripErrorInternals) };
}

function useStripErrorInternals(): GatewayPlugin {
  return {
    onExecutionResult({ result, setResult }) {
      if (!result) return;
      if (Symbol.asyncIterator in (result as object)) {
        const source = result as AsyncIterable<ResultLike>;
        setResult({
          async *[Symbol.asyncIterator]() {
            for await (const item of source) yield stripResult(item);
          },
        } as never);
      } else if (Array.isArray(result)) {
        setResult(result.map((item) => stripResult(item as ResultLike)) as never);
      } else {
        setResult(stripResult(result as ResultLike) as never);
      }
    },
  };
}

// Health probes and metrics scrapes would otherwise produce a trace every few seconds.
const UNTRACED_PATHS = new Set(['/healthcheck', '/readiness', '/metrics']);

// -------------------------------------------------------------------- config
export const gatewayConfig = defineConfig({
  ...(queryPlanner === 'rust' ? { unifiedGraphHandler: routerRuntime } : {}),
  supergraph: supergraphPath,
  host,
  port,
  // Node's HTTP server (the CLI passes this on): headers over the limit get a 431 and a closed connection.
  maxHeaderSize: limits.maxHeaderBytes,

  // Liveness and readiness (Hive Gateway built-ins, stated explicitly).
  healthCheckEndpoint: '/healthcheck',
  readinessCheckEndpoint: '/readiness',
  graphqlEndpoint: '/graphql',

  // Prometheus metrics at GET /metrics (src/metrics.ts); like the health probes, no token needed.
  prometheus: prometheusOption(),

  // development: GraphiQL (self-contained, no CDN) at /graphql, introspection on.
  // production: no IDE, no landing page, no introspection, no field suggestions.
  graphiql: isProduction ? false : { title: 'vsm gateway' },
  renderGraphiQL,
  landingPage: !isProduction,
  disableIntrospection: isProduction ? { disableIf: () => true } : undefined,
  blockFieldSuggestions: isProduction,

  // Unexpected errors become "Unexpected error." without stack or original error,
  // whatever NODE_ENV says (isDev would add `extensions.originalError`).
  maskedErrors: { isDev: false },

  // Browsers send GET and "simple" POSTs (form, text/plain) cross-site without a CORS preflight;
  // such requests must carry one of these headers (a JSON POST needs none). Mutations over GET
  // are refused anyway (405, GraphQL Yoga built-in).
  csrfPrevention: { requestHeaders: ['x-graphql-csrf', 'x-graphql-yoga-csrf', 'apollo-require-preflight'] },

  // GraphQL-over-HTTP batching (a JSON array of operations): off unless VSM_GATEWAY_MAX_BATCH > 0.
  batching: batchingOption(limits),

  // Trusted documents: VSM_PERSISTED_DOCUMENTS_PATH, and VSM_PERSISTED_ONLY=true to allow nothing else.
  ...(persistedDocuments ? { persistedDocuments } : {}),

  // The verified Authorization header goes to every subgraph, which verifies it again and takes
  // the caller (its roles, and the `sub` of the medarbetarmål access log) from it; nothing else
  // the client sends is forwarded.
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const authorization = request.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },

  openTelemetry: tracingEnabled
    ? {
        traces: {
          spans: {
            http: ({ request }) => !UNTRACED_PATHS.has(new URL(request.url).pathname),
          },
        },
        inheritContext: true, // continue the client's traceparent
        propagateContext: true, // send traceparent to subgraphs
      }
    : undefined,

  // Order matters: authentication first (a request without a valid token goes no further),
  // then the limits (parse, validate, before execute) and the access policy (before execute),
  // then what touches subgraph requests.
  plugins: () => [
    ...authPlugins(auth),
    ...limitPlugins(limits),
    useExactScalarLiterals(),
    useAuthorization(accessRules),
    useSubgraphSecret(gatewaySecret),
    useStripErrorInternals(),
  ],
});
