import { formatDocument } from '@urql/core';
import { Kind, Lexer, Source, TokenKind, print } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as generated from '../gql/graphql';

// Both front doors refuse a document deeper than 10 or of 1000 tokens or more (docs/api.md "Limits").
// urql adds __typename to every selection set before sending, so each generated document is measured
// as sent, with one level and 100 tokens to spare.
const MAX_DEPTH = 9;
const MAX_TOKENS = 900;

function isDocument(value: unknown): value is DocumentNode {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === Kind.DOCUMENT;
}

const documents = Object.entries(generated)
  .filter((entry): entry is [string, DocumentNode] => isDocument(entry[1]))
  // Fragment documents are measured inside the operations that spread them.
  .filter(([, document]) => document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION));

/** Depth in fields, fragments spread in place: `a { b { c } }` is 3. */
function depthOf(document: DocumentNode): number {
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const depth = (selectionSet: SelectionSetNode | undefined, seen: ReadonlySet<string>): number => {
    if (!selectionSet) return 0;
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        deepest = Math.max(deepest, 1 + depth(selection.selectionSet, seen));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depth(selection.selectionSet, seen));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name)) {
          deepest = Math.max(deepest, depth(fragment.selectionSet, new Set([...seen, name])));
        }
      }
    }
    return deepest;
  };
  return Math.max(
    0,
    ...document.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION ? depth(definition.selectionSet, new Set()) : 0,
    ),
  );
}

/** Lexical tokens of the printed document, as a parser's token limit counts them. */
function tokensOf(document: DocumentNode): number {
  const lexer = new Lexer(new Source(print(document)));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

describe('the measures', () => {
  it('count depth and tokens as intended', () => {
    const document = generated.ViewerDocument as DocumentNode;
    // query Viewer { viewer { subject roles organization { id code name kind } } }
    expect(depthOf(document)).toBe(3);
    expect(tokensOf(document)).toBe(16);
    expect(depthOf(formatDocument(document))).toBe(3);
    // __typename in viewer and organization, not on the root.
    expect(tokensOf(formatDocument(document))).toBe(18);
  });
});

describe('every generated operation, as urql sends it', () => {
  it('there are operations to check', () => {
    expect(documents.length).toBeGreaterThan(0);
  });

  it.each(documents)('%s stays within depth and token limits', (_name, document) => {
    const sent = formatDocument(document);
    expect(depthOf(sent)).toBeLessThanOrEqual(MAX_DEPTH);
    expect(tokensOf(sent)).toBeLessThanOrEqual(MAX_TOKENS);
  });
});
