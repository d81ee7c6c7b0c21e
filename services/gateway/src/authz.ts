// Authorization at the gateway: the access policy (libs/vsm_common/policy/access.json, the same
// file every subgraph enforces again in vsm_common.authz) applied to every field of the operation,
// fragments and aliases included, after validation and before any subgraph is called.
//
// A field is usable when one of the caller's roles (the verified token's `vsm_roles`) may read its
// parent type (and, where that role lists the fields it may read of the type, the field is listed)
// and its result type (leaves need no check of their own); a Query field may further be limited to a
// list per role, a Mutation field must be listed for one of the roles. Rows (whose medarbetarmål,
// which organisation's plan) are the subgraphs' business.
import { readFileSync } from 'node:fs';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import {
  getNamedType,
  GraphQLError,
  isLeafType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
} from 'graphql';
import { configError, env } from './env.ts';

interface RoleRule {
  read: 'all' | 'public' | string[];
  queries?: string[];
  mutations?: string[];
  /** Of the types named, only these fields (the budget system reads a goal's own fields, not its links). */
  fields?: Record<string, string[]>;
}

interface PolicyDocument {
  personalTypes: string[];
  roles: Record<string, RoleRule>;
}

export class AccessPolicy {
  private readonly personal: Set<string>;
  private readonly roles: Map<
    string,
    { rule: RoleRule; read: Set<string>; queries?: Set<string>; mutations: Set<string>; fields: Map<string, Set<string>> }
  >;

  constructor(document: PolicyDocument) {
    if (!Array.isArray(document?.personalTypes) || typeof document?.roles !== 'object') {
      configError('access policy: expected "personalTypes" and "roles"');
    }
    this.personal = new Set(document.personalTypes);
    this.roles = new Map(
      Object.entries(document.roles).map(([name, rule]) => [
        name,
        {
          rule,
          read: new Set(Array.isArray(rule.read) ? rule.read : []),
          queries: rule.queries ? new Set(rule.queries) : undefined,
          mutations: new Set(rule.mutations ?? []),
          fields: new Map(Object.entries(rule.fields ?? {}).map(([type, names]) => [type, new Set(names)])),
        },
      ]),
    );
  }

  static load(path: string): AccessPolicy {
    try {
      return new AccessPolicy(JSON.parse(readFileSync(path, 'utf8')) as PolicyDocument);
    } catch (err) {
      return configError(`access policy ${path}: ${(err as Error).message}`);
    }
  }

  private roleReadsType(role: string, typeName: string): boolean {
    const found = this.roles.get(role);
    if (!found) return false;
    if (found.rule.read === 'all') return true;
    if (found.rule.read === 'public') return !this.personal.has(typeName);
    return found.read.has(typeName);
  }

  mayReadType(roles: readonly string[], typeName: string): boolean {
    return roles.some((role) => this.roleReadsType(role, typeName));
  }

  /** Does one of `roles` read `parent` and, if it lists the fields it may read of `parent`, `field`? */
  mayReadField(roles: readonly string[], parent: string, field: string): boolean {
    // One role must grant both: a field list binds the role that has it, not the caller's other roles.
    return roles.some((role) => {
      if (!this.roleReadsType(role, parent)) return false;
      const listed = this.roles.get(role)?.fields.get(parent);
      return listed === undefined || listed.has(field);
    });
  }

  /** May a caller with `roles` select `parent.field` (`resultType` undefined for scalars and enums)? */
  mayUse(roles: readonly string[], parent: string, field: string, resultType: string | undefined): boolean {
    if (field.startsWith('__')) return true; // __typename; introspection follows the profile, not roles
    const rules = roles.map((role) => this.roles.get(role)).filter((rule) => rule !== undefined);
    if (parent === 'Mutation') {
      if (!rules.some((rule) => rule.mutations.has(field))) return false;
    } else if (parent === 'Query') {
      if (!rules.some((rule) => rule.queries === undefined || rule.queries.has(field))) return false;
    } else if (!this.mayReadField(roles, parent, field)) {
      return false;
    }
    return resultType === undefined || this.mayReadType(roles, resultType);
  }

  /** The field coordinates of `document` that `roles` may not use, each with its first node. */
  refusedFields(schema: GraphQLSchema, document: DocumentNode, roles: readonly string[]): Map<string, FieldNode> {
    const refused = new Map<string, FieldNode>();
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) return; // unknown: validation has reported it
          const named = getNamedType(field.type);
          const resultType = isLeafType(named) ? undefined : named.name;
          const coordinate = `${parent.name}.${node.name.value}`;
          if (!this.mayUse(roles, parent.name, node.name.value, resultType)) {
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

export function policyPath(): string {
  return env('VSM_ACCESS_POLICY_PATH') ?? new URL('../../../libs/vsm_common/policy/access.json', import.meta.url).pathname;
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
export function useAuthorization(policy: AccessPolicy): GatewayPlugin {
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
        refused = policy.refusedFields(args.schema, args.document, roles);
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
