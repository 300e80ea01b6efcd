import { defineErrors } from '../platform/index.js';

/**
 * Errors of the graph. GraphQL answers carry them as `errors[].extensions.code` (and the HTTP
 * status when an error is the whole answer); a service's refusal keeps that service's own
 * code (e.g. ALP_ORDERS_INVALID), see upstream/upstream-error.ts.
 */
export const graphErrors = defineErrors({
  ALP_GRAPHQL_UNAUTHENTICATED: {
    status: 401,
    message: 'this field needs a valid access token (Authorization: Bearer <token>)',
  },
  ALP_GRAPHQL_OPERATION_INVALID: { status: 400, message: 'the operation is invalid: %s' },
  ALP_GRAPHQL_ARGUMENT_INVALID: { status: 400, message: 'argument %s is invalid: %s' },
  ALP_GRAPHQL_TOO_MANY_ALIASES: {
    status: 400,
    message: 'the operation uses %s aliases; at most %s are allowed',
  },
  ALP_GRAPHQL_TOO_MANY_FIELDS: {
    status: 400,
    message: 'the operation selects %s fields; at most %s are allowed',
  },
  ALP_GRAPHQL_UPSTREAM_REJECTED: { status: 502, message: 'service %s answered %s' },
});

export type GraphErrorCode = keyof typeof graphErrors;

/** What GraphQL puts in `errors[].extensions`: the stable code, plus details. */
export interface GraphErrorExtensions {
  readonly code: string;
  readonly [key: string]: unknown;
}

/** An error a resolver throws: graphql-js copies `extensions`, Mercurius reads `statusCode`. */
export type GraphFailure = Error & {
  readonly code: string;
  readonly statusCode: number;
  readonly extensions: GraphErrorExtensions;
};

/** One of the registry's errors, shaped for GraphQL (`extensions.code` = its code). */
export function graphFailure(
  code: GraphErrorCode,
  args: readonly unknown[] = [],
  extra: Record<string, unknown> = {},
): GraphFailure {
  const err = new graphErrors[code](...args);
  return Object.assign(err, { extensions: { code, ...extra } });
}
