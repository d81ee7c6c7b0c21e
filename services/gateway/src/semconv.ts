// The gateway's spans in the current OpenTelemetry semantic conventions.
//
// Hive Gateway's OpenTelemetry plugin (@graphql-hive/plugin-opentelemetry 1.5) writes the HTTP
// attribute names the conventions deprecated long ago (http.method, http.url, http.status_code,
// net.host.name, ...) and has no option for the stable ones: OTEL_SEMCONV_STABILITY_OPT_IN is read
// by the @opentelemetry/instrumentation-* packages, which the plugin does not use. So the exporter
// below rewrites each finished span on its way out, leaving the plugin and the live span alone:
//   - HTTP server span: http.request.method, url.scheme, url.path, url.query (values redacted),
//     server.address/port, client.address, user_agent.original, http.route, http.response.status_code
//   - upstream fetch (CLIENT): named by its method, with http.request.method, url.full,
//     server.address/port, http.response.status_code (a route belongs to server spans only)
//   - GraphQL operation span: named `{type} {name}` (or the type alone) like the subgraphs' spans
//   - graphql.document is dropped from every span: clients and the query planner put literal
//     argument values in documents (possibly personal data), and they run to kilobytes per span;
//     graphql.operation.type/name and hive.graphql.operation.hash say what ran.
// tests/test_semconv_trace.py checks the result against the opentelemetry-semantic-conventions package.
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

type Attributes = ReadableSpan['attributes'];

// @opentelemetry/api's SpanKind values (a type-only dependency here: the enum is not imported).
const SERVER = 1;
const CLIENT = 2;
const MAX_SPAN_NAME_OPERATION = 64;

// Replaced below by their stable counterparts, or dropped (see above).
const OLD_NAMES = new Set([
  'http.method',
  'http.url',
  'http.scheme',
  'http.host',
  'http.server_name',
  'http.target',
  'http.flavor',
  'http.client_ip',
  'http.user_agent',
  'http.status_code',
  'net.host.name',
  'net.host.port',
  'net.peer.name',
  'net.peer.port',
  'graphql.document',
]);

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The query string with every value replaced: GET requests carry GraphQL variables there. */
export function redactedQuery(search: string): string {
  const params = new URLSearchParams(search);
  return [...params.keys()].map((key) => `${encodeURIComponent(key)}=REDACTED`).join('&');
}

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The span's attributes under the current convention names (a new object; `attributes` is untouched). */
export function stableAttributes(kind: number, attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!OLD_NAMES.has(key)) out[key] = value;
  }
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null && value !== '') out[key] = value as Attributes[string];
  };
  set('http.request.method', attributes['http.method']);
  set('http.response.status_code', attributes['http.status_code']);
  set('user_agent.original', attributes['http.user_agent']);
  if (kind === SERVER) set('client.address', attributes['http.client_ip']);
  const url = parseUrl(attributes['http.url']);
  if (url) {
    set('server.address', url.hostname);
    set('server.port', url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]);
    if (kind === CLIENT) {
      url.username = '';
      url.password = '';
      if (url.search) url.search = redactedQuery(url.search);
      set('url.full', url.toString());
    } else {
      set('url.scheme', url.protocol.replace(/:$/, ''));
      set('url.path', url.pathname);
      if (url.search) set('url.query', redactedQuery(url.search));
    }
  } else {
    set('server.address', attributes['net.host.name']);
  }
  if (kind === CLIENT) delete out['http.route'];
  return out;
}

/** The conventional name of a span, given its stable attributes; other spans keep theirs. */
export function stableSpanName(name: string, kind: number, attributes: Attributes): string {
  if (kind === CLIENT && name === 'http.fetch') {
    const method = attributes['http.request.method'];
    return typeof method === 'string' ? method : 'HTTP';
  }
  if (name === 'graphql.operation' || name.startsWith('graphql.operation ')) {
    const type = attributes['graphql.operation.type'];
    if (typeof type !== 'string') return 'GraphQL Operation';
    const operation = attributes['graphql.operation.name'];
    return typeof operation === 'string' && operation.length <= MAX_SPAN_NAME_OPERATION ? `${type} ${operation}` : type;
  }
  return name;
}

/** A view of `span` with the stable name and attributes; everything else is read from `span` itself. */
export function toStable(span: ReadableSpan): ReadableSpan {
  const attributes = stableAttributes(span.kind, span.attributes);
  return Object.create(span, {
    name: { value: stableSpanName(span.name, span.kind, attributes), enumerable: true },
    attributes: { value: attributes, enumerable: true },
  }) as ReadableSpan;
}

/** Wraps the OTLP exporter: spans leave the gateway in the current conventions. */
export class StableSemconvExporter implements SpanExporter {
  private readonly inner: SpanExporter;

  constructor(inner: SpanExporter) {
    this.inner = inner;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(toStable), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush ? this.inner.forceFlush() : Promise.resolve();
  }
}
