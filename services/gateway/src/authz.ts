// Authorization at the gateway: the access policy of the supergraph it serves, i.e. the federation
// `@requiresScopes` directives the subgraphs declare (libs/vsm_common/scopes.py; every subgraph enforces
// the same directives again from its own schema in vsm_common.authz), applied to every field of the
// operation, fragments and aliases included, after validation and before any subgraph is called.
//
// Roles are the scopes: a caller's scopes are the verified token's `vsm_roles`. A rule is an OR of
// AND-groups; a field is usable when the rules of its parent type, of the field and of its result type
// (where they have one) are each met, which is how Hive Router, the gateway's successor, checks them.
// A type declared in several subgraphs composes to one rule on the supergraph's type (the subgraphs'
// rules ANDed); should it carry several, all must hold. Rows (whose medarbetarmål, which organisation's
// plan) are the subgraphs' business.
import type { GatewayPlugin } from '@graphql-hive/gateway';
import {
  getNamedType,
  GraphQLError,
  isTypeDefinitionNode,
  isTypeExtensionNode,
  Kind,
  parse,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
} from 'graphql';
import { configError } from './env.ts';

const SPEC_URL = 'https://specs.apollo.dev/requiresScopes/';

/** The caller must hold every scope of at least one group. */
export type Rule = readonly (readonly string[])[];

function satisfies(roles: ReadonlySet<string>, rule: Rule | undefined): boolean {
  return rule === undefined || rule.some((group) => group.every((scope) => roles.has(scope)));
}

/** Both rules hold: every pair of groups, united. */
function both(a: Rule, b: Rule): Rule {
  const groups = new Map<string, string[]>();
  for (const left of a) {
    for (const right of b) {
      const group = [...new Set([...left, ...right])].sort();
      groups.set(group.join(' '), group);
    }
  }
  return [...groups.values()];
}

function scopesOf(directive: DirectiveNode): Rule {
  const argument = directive.arguments?.find((arg) => arg.name.value === 'scopes');
  const value: unknown = argument ? valueFromASTUntyped(argument.value) : undefined;
  if (!Array.isArray(value) || !value.every((group) => Array.isArray(group) && group.every((s) => typeof s === 'string'))) {
    throw new Error(`@${directive.name.value} needs scopes: [[String!]!]!`);
  }
  return value as string[][];
}

/** The name `@requiresScopes` goes by in `document`: the one its @link gives it (`as:`), else its own. */
function directiveName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = new Map((link.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
      const url = args.get('url');
      if (typeof url === 'string' && url.startsWith(SPEC_URL)) {
        const alias = args.get('as');
        return typeof alias === 'string' ? alias : 'requiresScopes';
      }
    }
  }
  return 'requiresScopes';
}

export class ScopeRules {
  /** Rules by type name and by field coordinate (`Type.field`). */
  readonly types = new Map<string, Rule>();
  readonly fields = new Map<string, Rule>();

  /** The rules a supergraph (or any SDL) declares with `@requiresScopes`. */
  static fromSdl(sdl: string): ScopeRules {
    const document = parse(sdl);
    const name = directiveName(document);
    const rules = new ScopeRules();
    const add = (into: Map<string, Rule>, key: string, directives: readonly DirectiveNode[] | undefined) => {
      for (const directive of directives ?? []) {
        if (directive.name.value !== name) continue;
        const rule = scopesOf(directive);
        const before = into.get(key);
        into.set(key, before === undefined ? rule : both(before, rule));
      }
    };
    for (const definition of document.definitions) {
      if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
      const typeName = definition.name.value;
      add(rules.types, typeName, definition.directives);
      if ('fields' in definition) {
        for (const field of definition.fields ?? []) {
          if (field.kind === Kind.FIELD_DEFINITION) add(rules.fields, `${typeName}.${field.name.value}`, field.directives);
        }
      }
    }
    return rules;
  }

  static load(path: string, read: (path: string) => string): ScopeRules {
    let rules: ScopeRules;
    try {
      rules = ScopeRules.fromSdl(read(path));
    } catch (err) {
      return configError(`access policy from ${path}: ${(err as Error).message}`);
    }
    // Fail closed: a supergraph composed without the directives would otherwise open every field.
    if (rules.types.size === 0) {
      configError(`access policy: ${path} declares no @requiresScopes (compose it with make supergraph)`);
    }
    return rules;
  }

  /** May a caller with `roles` select `parent.field`, whose named type is `resultType`? */
  mayUse(roles: ReadonlySet<string>, parent: string, field: string, resultType: string): boolean {
    if (field.startsWith('__')) return true; // __typename; introspection follows the profile, not roles
    return (
      satisfies(roles, this.types.get(parent)) &&
      satisfies(roles, this.fields.get(`${parent}.${field}`)) &&
      satisfies(roles, this.types.get(resultType))
    );
  }

  /** The field coordinates of `document` that `roles` may not use, each with its first node. */
  refusedFields(schema: GraphQLSchema, document: DocumentNode, roles: readonly string[]): Map<string, FieldNode> {
    const held = new Set(roles);
    const refused = new Map<string, FieldNode>();
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) return; // unknown: validation has reported it
          const coordinate = `${parent.name}.${node.name.value}`;
          if (!this.mayUse(held, parent.name, node.name.value, getNamedType(field.type).name)) {
            if (!refused.has(coordinate)) refused.set(coordinate, node);
            return false; // what lies below a refused field is refused with it; one error says so
          }
          return undefined;
        },
      }),
    );
    return refused;
  }
}

type JwtContext = { jwt?: { payload?: { vsm_roles?: unknown } } };

function rolesOf(context: unknown): string[] {
  const roles = (context as JwtContext | undefined)?.jwt?.payload?.vsm_roles;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

function forbidden(coordinate: string, node: FieldNode, roles: readonly string[]): GraphQLError {
  const who = roles.length ? [...roles].sort().join(', ') : 'no role';
  return new GraphQLError(`${coordinate}: not allowed for ${who}`, {
    nodes: [node],
    extensions: { code: 'FORBIDDEN', rule: 'access.field', field: coordinate, http: { status: 403 } },
  });
}

/** Refuses an operation that selects any field the caller's roles may not use; no subgraph is called. */
export function useAuthorization(rules: ScopeRules): GatewayPlugin {
  // Decisions per document and role set: a client repeats a handful of operations, and the
  // parser cache hands out the same DocumentNode for the same text.
  const decisions = new WeakMap<DocumentNode, Map<string, Map<string, FieldNode>>>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const roles = rolesOf(args.contextValue);
      const key = [...roles].sort().join(' ');
      let byRoles = decisions.get(args.document);
      if (!byRoles) {
        byRoles = new Map();
        decisions.set(args.document, byRoles);
      }
      let refused = byRoles.get(key);
      if (!refused) {
        refused = rules.refusedFields(args.schema, args.document, roles);
        byRoles.set(key, refused);
      }
      if (refused.size > 0) {
        setResultAndStopExecution({
          errors: [...refused].map(([coordinate, node]) => forbidden(coordinate, node, roles)),
        });
      }
    },
  };
}
