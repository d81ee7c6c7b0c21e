#!/usr/bin/env node
// Breaking-change check of the public API: compares a supergraph (the candidate) with the
// committed services/gateway/supergraph.graphql (the base) using @graphql-inspector/core, and
// exits 1 when the candidate breaks clients in a way nobody marked as intended.
//
//   node conformance/schema-diff.mjs <candidate supergraph> [--base <file>] [--accepted <file>]
//
// Both files may be supergraphs (as compose.mjs writes them) or plain schemas: a supergraph is
// first reduced to what clients see (federation's join__/link__ machinery and @inaccessible
// elements removed), so moving a field between subgraphs or changing a subgraph URL is no change.
//
// Every change is printed with its criticality. A BREAKING change passes only when it is listed
// in the accepted-changes file (default: conformance/accepted-changes.json beside this script):
//   {"accepted": [{"type": "FIELD_REMOVED", "path": "Goal.legacyCode",
//                  "reason": "deprecated since 2026-03, removed with issue #42"}]}
// An entry matches a change by `type` and `path` (or by `type` and `message` for changes
// without a path); `reason` is required. Entries that match nothing are reported as stale.
// Exit status: 0 no unmarked breaking change, 1 unmarked breaking change(s), 2 usage or input error.
//
// In CI, compare the committed supergraph with the one of the previous commit, e.g.:
//   git show HEAD~1:services/gateway/supergraph.graphql > /tmp/base.graphql
//   node conformance/schema-diff.mjs supergraph.graphql --base /tmp/base.graphql
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { buildASTSchema, parse } from 'graphql';

const here = dirname(fileURLToPath(import.meta.url));
const defaults = {
  base: join(here, '..', 'supergraph.graphql'),
  accepted: join(here, 'accepted-changes.json'),
};

function fail(message, status = 2) {
  console.error(`schema-diff: ${message}`);
  process.exit(status);
}

function usage(message) {
  if (message) console.error(`schema-diff: ${message}`);
  console.error('usage: node conformance/schema-diff.mjs <candidate supergraph> [--base <file>] [--accepted <file>]');
  process.exit(2);
}

const args = process.argv.slice(2);
let candidate;
let base = defaults.base;
let accepted = defaults.accepted;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--base') base = args[++i] ?? usage('--base needs a file');
  else if (arg === '--accepted') accepted = args[++i] ?? usage('--accepted needs a file');
  else if (arg === '-h' || arg === '--help') usage();
  else if (!candidate && !arg.startsWith('-')) candidate = arg;
  else usage(`unexpected argument "${arg}"`);
}
if (!candidate) usage('the candidate supergraph file is missing');

/** The schema clients see, from a supergraph or a plain SDL file. */
function publicSchema(path) {
  let sdl;
  try {
    sdl = readFileSync(path, 'utf8');
  } catch (err) {
    fail(`cannot read ${path}: ${err.message}`);
  }
  try {
    return buildASTSchema(transformSupergraphToPublicSchema(parse(sdl)), { assumeValidSDL: false });
  } catch (err) {
    fail(`${path} is not a valid schema: ${err.message}`);
  }
}

function loadAccepted(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT' && path === defaults.accepted) return [];
    fail(`cannot read ${path}: ${err.message}`);
  }
  let entries;
  try {
    entries = JSON.parse(text).accepted;
  } catch (err) {
    fail(`${path}: not JSON (${err.message})`);
  }
  if (!Array.isArray(entries)) fail(`${path}: expected {"accepted": [...]}`);
  for (const [index, entry] of entries.entries()) {
    if (typeof entry?.type !== 'string' || !(typeof entry.path === 'string' || typeof entry.message === 'string')) {
      fail(`${path}: entry ${index} needs "type" and "path" (or "message")`);
    }
    if (typeof entry.reason !== 'string' || !entry.reason.trim()) fail(`${path}: entry ${index} needs a "reason"`);
  }
  return entries;
}

const oldSchema = publicSchema(resolve(base));
const newSchema = publicSchema(resolve(candidate));
const acceptedEntries = loadAccepted(resolve(accepted));
const used = new Set();

function acceptance(change) {
  const index = acceptedEntries.findIndex(
    (entry) =>
      entry.type === change.type && (change.path ? entry.path === change.path : entry.message === change.message),
  );
  if (index >= 0) used.add(index);
  return index >= 0 ? acceptedEntries[index] : undefined;
}

const changes = await diff(oldSchema, newSchema);
const order = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking];
let unmarked = 0;
let marked = 0;
for (const level of order) {
  for (const change of changes.filter((c) => c.criticality.level === level)) {
    let label = level;
    if (level === CriticalityLevel.Breaking) {
      const entry = acceptance(change);
      if (entry) {
        marked += 1;
        label = `BREAKING (accepted: ${entry.reason})`;
      } else {
        unmarked += 1;
        label = 'BREAKING (NOT ACCEPTED)';
      }
    }
    console.log(`${label}  ${change.type}  ${change.path ?? '-'}  ${change.message}`);
    if (change.criticality.reason && level !== CriticalityLevel.NonBreaking) {
      console.log(`    ${change.criticality.reason}`);
    }
  }
}
for (const [index, entry] of acceptedEntries.entries()) {
  if (!used.has(index)) {
    console.log(`stale accepted entry (matches no change): ${entry.type} ${entry.path ?? entry.message}`);
  }
}
const count = (level) => changes.filter((c) => c.criticality.level === level).length;
console.log(
  `schema diff ${base} -> ${candidate}: ${changes.length} change(s): ${count(CriticalityLevel.Breaking)} breaking ` +
    `(${marked} accepted, ${unmarked} not accepted), ${count(CriticalityLevel.Dangerous)} dangerous, ` +
    `${count(CriticalityLevel.NonBreaking)} non-breaking`,
);
process.exit(unmarked > 0 ? 1 : 0);
