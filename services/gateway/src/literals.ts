// Number literals for our own scalars (Decimal, Date, DateTime), refused during validation.
//
// The query planner reads a literal into a machine number before it writes the subgraph request:
// a float literal for a Decimal loses its last digits on the way (98765432109876.54 arrives as
// ...76.55) and an integer literal beyond 64 bits stops the planner ("number too small to fit in
// target type", a 500). Money must be exact, so a Decimal is a string literal or an integer of at
// most 15 digits, as the planning service itself demands of variables; Date and DateTime are
// strings anyway. Variables are untouched (they travel as JSON, which the services check).
import {
  getNamedType,
  GraphQLError,
  isScalarType,
  Kind,
  specifiedScalarTypes,
  type ASTNode,
  type ASTVisitor,
  type ValidationContext,
} from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway';

const BUILT_IN = new Set(specifiedScalarTypes.map((type) => type.name));
const EXACT_INTEGER = /^-?\d{1,15}$/;

function ExactScalarLiterals(context: ValidationContext): ASTVisitor {
  const check = (kind: Kind, value: string, node: ASTNode): void => {
    const type = context.getInputType();
    const named = type ? getNamedType(type) : undefined;
    if (!named || !isScalarType(named) || BUILT_IN.has(named.name)) return;
    if (kind === Kind.INT && EXACT_INTEGER.test(value)) return;
    context.reportError(
      new GraphQLError(
        `${named.name} is sent as a string, e.g. "125000000.00"; the number literal ${value.slice(0, 40)} is not exact`,
        { nodes: node, extensions: { code: 'BAD_USER_INPUT', rule: `${named.name.toLowerCase()}.format` } },
      ),
    );
  };
  return {
    IntValue(node) {
      check(Kind.INT, node.value, node);
    },
    FloatValue(node) {
      check(Kind.FLOAT, node.value, node);
    },
  };
}

/** Adds the rule above to every validation. */
export function useExactScalarLiterals(): GatewayPlugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(ExactScalarLiterals);
    },
  };
}
