#!/usr/bin/env node
// Compose Apollo Federation v2 subgraph SDL files into a supergraph SDL and, with --api-schema,
// the public API schema beside it: what clients see at the gateway (the supergraph without
// federation's join__/link__ machinery and @inaccessible elements), for generating client code.
//
//   node compose.mjs --out <supergraph file> [--api-schema <API schema file>] \
//     --subgraph <name>,<url>,<sdl file> [--subgraph ...]
//
// Exit codes: 0 composed and written, 1 composition (or SDL parse/read) errors,
// nothing written; 2 bad command line.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildASTSchema, parse, printSchema } from 'graphql';
import { composeServices, transformSupergraphToPublicSchema } from '@theguild/federation-composition';

const USAGE =
  'usage: node compose.mjs --out <supergraph file> [--api-schema <file>] --subgraph <name>,<url>,<sdl file> [--subgraph ...]';

// Clients read the API schema's first lines; the supergraph stays exactly what composition made.
const API_SCHEMA_HEADER = `# The public GraphQL API of vsm: what clients see at the gateway (POST /graphql).
# Generate client code from this file. Written by \`make supergraph\` from the subgraphs; do not edit.
# Custom scalars name their format with @specifiedBy (docs/api.md, "Scalars").

`;

function usageError(message) {
  console.error(`compose: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

function parseArgs(argv) {
  let out;
  let apiSchema;
  const subgraphs = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) usageError(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--out':
      case '-o':
        out = next();
        break;
      case '--api-schema':
        apiSchema = next();
        break;
      case '--subgraph':
      case '-s': {
        const spec = next();
        // name is everything before the first comma, the SDL file everything after
        // the last comma, the URL what lies in between.
        const first = spec.indexOf(',');
        const last = spec.lastIndexOf(',');
        if (first === -1 || first === last) {
          usageError(`--subgraph expects <name>,<url>,<sdl file>, got "${spec}"`);
        }
        const name = spec.slice(0, first).trim();
        const url = spec.slice(first + 1, last).trim();
        const file = spec.slice(last + 1).trim();
        if (!name || !url || !file) {
          usageError(`--subgraph expects <name>,<url>,<sdl file>, got "${spec}"`);
        }
        if (!/^https?:\/\//.test(url)) {
          usageError(`subgraph "${name}": url must start with http:// or https://, got "${url}"`);
        }
        if (subgraphs.some((s) => s.name === name)) {
          usageError(`subgraph "${name}" given twice`);
        }
        subgraphs.push({ name, url, file });
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        usageError(`unknown argument "${argv[i]}"`);
    }
  }
  if (!out) usageError('--out is required');
  if (subgraphs.length === 0) usageError('at least one --subgraph is required');
  return { out, apiSchema, subgraphs };
}

/** Writes `text` to `path` in place, unless it holds that already; returns whether it was unchanged. */
function writeIfChanged(path, text) {
  // Written in place (no temp file + rename): the gateway watches the supergraph and reloads on
  // "change", but stops watching on a "rename". Unchanged content is not rewritten, so a running
  // gateway does not reload for nothing.
  const unchanged = existsSync(path) && readFileSync(path, 'utf8') === text;
  if (!unchanged) writeFileSync(path, text);
  return unchanged;
}

const { out, apiSchema, subgraphs } = parseArgs(process.argv.slice(2));

const services = [];
let inputErrors = 0;
for (const { name, url, file } of subgraphs) {
  let sdl;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`compose: subgraph "${name}": cannot read ${file}: ${err.message}`);
    inputErrors++;
    continue;
  }
  if (!sdl.trim()) {
    console.error(`compose: subgraph "${name}": ${file} is empty`);
    inputErrors++;
    continue;
  }
  try {
    services.push({ name, url, typeDefs: parse(sdl) });
  } catch (err) {
    console.error(`compose: subgraph "${name}": invalid SDL in ${file}: ${err.message}`);
    inputErrors++;
  }
}
if (inputErrors > 0) {
  console.error(`compose: failed, ${inputErrors} subgraph(s) could not be read; ${out} not written`);
  process.exit(1);
}

const result = composeServices(services);
if (result.errors && result.errors.length > 0) {
  for (const error of result.errors) {
    const code = error.extensions?.code ? `[${error.extensions.code}] ` : '';
    console.error(`compose: error: ${code}${error.message}`);
  }
  console.error(`compose: failed with ${result.errors.length} error(s); ${out} not written`);
  process.exit(1);
}

const supergraphSdl = result.supergraphSdl.endsWith('\n')
  ? result.supergraphSdl
  : `${result.supergraphSdl}\n`;
// The API schema: federation's own types and directives stripped by the composition library, then
// built and printed by graphql-js (printSchema keeps @specifiedBy and @deprecated, and its output
// depends only on the composed supergraph, so the file is the same on every machine).
let apiSchemaSdl;
if (apiSchema) {
  try {
    const publicSchema = buildASTSchema(transformSupergraphToPublicSchema(parse(supergraphSdl)));
    apiSchemaSdl = `${API_SCHEMA_HEADER}${printSchema(publicSchema)}\n`;
  } catch (err) {
    console.error(`compose: cannot derive the API schema from the supergraph: ${err.message}; nothing written`);
    process.exit(1);
  }
}

const unchanged = writeIfChanged(resolve(out), supergraphSdl);
const apiUnchanged = apiSchema ? writeIfChanged(resolve(apiSchema), apiSchemaSdl) : undefined;

const typeCount = result.publicDocumentNode.definitions.filter((d) =>
  d.kind.endsWith('TypeDefinition'),
).length;
console.log(
  `compose: ok: ${services.length} subgraph(s) (${services
    .map((s) => `${s.name}=${s.url}`)
    .join(', ')}) -> ${out} (${Buffer.byteLength(supergraphSdl)} bytes, ${typeCount} public types${
    unchanged ? ', unchanged' : ''
  })${apiSchema ? `; API schema -> ${apiSchema}${apiUnchanged ? ' (unchanged)' : ''}` : ''}`,
);
