import { describe, expect, test } from 'vitest';
import { graphErrors, graphFailure } from './errors.js';

describe('graphql-gateway error registry', () => {
  test('codes and statuses', () => {
    expect(
      Object.entries(graphErrors).map(([code, E]) => {
        const e = new E('x', 'y');
        return [code, e.code, e.statusCode];
      }),
    ).toEqual([
      ['ALP_GRAPHQL_UNAUTHENTICATED', 'ALP_GRAPHQL_UNAUTHENTICATED', 401],
      ['ALP_GRAPHQL_OPERATION_INVALID', 'ALP_GRAPHQL_OPERATION_INVALID', 400],
      ['ALP_GRAPHQL_ARGUMENT_INVALID', 'ALP_GRAPHQL_ARGUMENT_INVALID', 400],
      ['ALP_GRAPHQL_TOO_MANY_ALIASES', 'ALP_GRAPHQL_TOO_MANY_ALIASES', 400],
      ['ALP_GRAPHQL_TOO_MANY_FIELDS', 'ALP_GRAPHQL_TOO_MANY_FIELDS', 400],
      ['ALP_GRAPHQL_UPSTREAM_REJECTED', 'ALP_GRAPHQL_UPSTREAM_REJECTED', 502],
    ]);
  });

  test('graphFailure carries the code in extensions for GraphQL', () => {
    const e = graphFailure('ALP_GRAPHQL_ARGUMENT_INVALID', ['limit', 'must be from 1 to 100'], {
      argument: 'limit',
    });
    expect({ message: e.message, status: e.statusCode, extensions: e.extensions }).toEqual({
      message: 'argument limit is invalid: must be from 1 to 100',
      status: 400,
      extensions: { code: 'ALP_GRAPHQL_ARGUMENT_INVALID', argument: 'limit' },
    });
  });
});
