// Prometheus metrics of the front door, at GET /metrics on the gateway's own port.
//
// The gateway's own Prometheus support (`prometheus` in the config, @graphql-mesh/plugin-prometheus
// over prom-client) counts requests, errors and durations per operation name and type, per phase, and
// per subgraph call. prom-client's default collectors add process memory, event-loop lag and GC, which
// the plugin leaves off. Both write to prom-client's global registry, the one the endpoint serves.
import { collectDefaultMetrics, register } from 'prom-client';

export const METRICS_PATH = '/metrics';

// Seconds; a committee dashboard answers in 50-200 ms, a bulk import in seconds.
// A tuple type, as the plugin requires at least one bucket.
const LATENCY_BUCKETS: [number, ...number[]] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let defaultsCollected = false;

export function prometheusOption() {
  // The config module is evaluated once per process, but never register the collectors twice.
  if (!defaultsCollected) {
    collectDefaultMetrics({ register });
    defaultsCollected = true;
  }
  return {
    endpoint: METRICS_PATH,
    metrics: {
      graphql_yoga_http_duration: LATENCY_BUCKETS,
      graphql_envelop_request: true,
      graphql_envelop_request_duration: LATENCY_BUCKETS,
      graphql_envelop_error_result: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_execute: LATENCY_BUCKETS,
      graphql_envelop_deprecated_field: true,
      graphql_gateway_subgraph_execute_duration: LATENCY_BUCKETS,
      graphql_gateway_subgraph_execute_errors: true,
      graphql_gateway_fetch_duration: LATENCY_BUCKETS,
    },
    labels: {
      // The URL is always /graphql; as a label it would only multiply series.
      url: false,
      subgraphName: true,
    },
  } as const;
}
