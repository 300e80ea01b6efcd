import type { ValueNode } from 'graphql';
import { graphql } from './graphql-runtime.js';

/** A decimal as the services write it: optional minus, digits, optional fraction. */
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const MAX_LENGTH = 64;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_LENGTH || !DECIMAL.test(value)) {
    throw new graphql.GraphQLError(
      `Decimal must be a string of digits with an optional fraction, e.g. "12.50" (got ${JSON.stringify(value)?.slice(0, 80)})`,
      { extensions: { code: 'ALP_GRAPHQL_DECIMAL_INVALID' } },
    );
  }
  return value;
}

/**
 * Money and quantities: exact decimal strings on the wire, in and out (never a float; a
 * number literal is refused, since it may already have lost digits in the client).
 */
export const DecimalScalar = new graphql.GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "187.25"; never a float.',
  serialize: (value) => {
    if (typeof value !== 'string') throw new graphql.GraphQLError('Decimal must be a string');
    return value;
  },
  parseValue: parseDecimal,
  parseLiteral: (node: ValueNode) =>
    parseDecimal(node.kind === graphql.Kind.STRING ? node.value : undefined),
});
