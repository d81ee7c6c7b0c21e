#!/usr/bin/env node
// GraphQL-over-HTTP conformance of a running gateway: runs every `graphql-http` server audit
// against a URL, prints each result and exits 1 when any audit reports an error (a failed MUST)
// or fails fatally; SHOULD and MAY failures are printed as warn / notice and do not fail.
//
//   node conformance/audit.mjs http://127.0.0.1:4000/graphql [--token JWT] [--header "name: value"]...
//                              [--known-error ID]...
//
// --known-error ID (repeatable) names an audit whose error is a deliberate deviation: it is
// printed as `known` and does not fail the run. The production profile needs one: audit 28B9
// ("MUST allow map {variables} parameter") sends `{ __type(name: $name) { name } }`, an
// introspection query, which production refuses on purpose.
//
// With authentication on, pass a token (`--token "$(make -s token ROLE=reader)"`, or the
// VSM_TOKEN environment variable): it is sent as `authorization: Bearer <token>` on every audit
// request. --header adds any other header (repeatable). Exit status: 0 conformant, 1 not, 2 usage.
import { serverAudits } from 'graphql-http';

function usage(message) {
  if (message) console.error(`audit.mjs: ${message}`);
  console.error(
    'usage: node conformance/audit.mjs <graphql url> [--token JWT] [--header "name: value"]... [--known-error ID]...',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let url;
let token = process.env.VSM_TOKEN || undefined;
const extraHeaders = [];
const knownErrors = new Set();
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--token') {
    token = args[++i];
    if (!token) usage('--token needs a value');
  } else if (arg === '--header') {
    const header = args[++i] ?? '';
    const colon = header.indexOf(':');
    if (colon < 1) usage(`--header needs "name: value", got "${header}"`);
    extraHeaders.push([header.slice(0, colon).trim(), header.slice(colon + 1).trim()]);
  } else if (arg === '--known-error') {
    const id = args[++i];
    if (!id) usage('--known-error needs an audit id');
    knownErrors.add(id);
  } else if (arg === '-h' || arg === '--help') {
    usage();
  } else if (!url && !arg.startsWith('-')) {
    url = arg;
  } else {
    usage(`unexpected argument "${arg}"`);
  }
}
if (!url) usage('the GraphQL URL is missing');
try {
  new URL(url);
} catch {
  usage(`not a URL: "${url}"`);
}

/** fetch with our headers added (the audits' own headers win where they set the same name). */
function fetchWithHeaders(input, init = {}) {
  const headers = new Headers(init.headers);
  if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  for (const [name, value] of extraHeaders) if (!headers.has(name)) headers.set(name, value);
  return fetch(input, { ...init, headers, signal: AbortSignal.timeout(10_000) });
}

const counts = { ok: 0, notice: 0, warn: 0, error: 0, known: 0 };
// One audit at a time: the results stay in order and the gateway sees no burst.
for (const { id, name, fn } of serverAudits({ url, fetchFn: fetchWithHeaders })) {
  let result;
  try {
    result = await fn();
  } catch (err) {
    result = { id, name, status: 'error', reason: `fatal: ${err?.message ?? err}` };
  }
  if (result.status === 'error' && knownErrors.has(id)) result = { ...result, status: 'known' };
  counts[result.status] += 1;
  console.log(`${result.status.padEnd(6)} ${id} ${name}`);
  if (result.status !== 'ok') {
    let detail = '';
    if (result.response) {
      try {
        detail = ` (HTTP ${result.response.status}: ${(await result.response.text()).slice(0, 200)})`;
      } catch {
        detail = ` (HTTP ${result.response.status})`;
      }
    }
    console.log(`       ${result.reason}${detail}`);
  }
}
console.log(
  `graphql-http server audits against ${url}: ${counts.ok} ok, ${counts.warn} warn, ${counts.notice} notice, ` +
    `${counts.known} known error, ${counts.error} error`,
);
process.exit(counts.error > 0 ? 1 : 0);
