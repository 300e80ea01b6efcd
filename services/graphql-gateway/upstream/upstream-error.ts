import { serviceClientErrors } from '../../platform/index.js';
import { graphFailure, type GraphFailure } from '../errors.js';

/** What a service said when it refused a call (its problem+json, when it sent one). */
export interface Refusal {
  readonly service: string;
  readonly status: number;
  readonly body: unknown;
}

/**
 * A service's refusal as a GraphQL error: the service's own code and detail reach the client
 * (ALP_ORDERS_INVALID with "the order is invalid: quantity ..."), with the service and status.
 * A server error of the service is a 502 of the graph.
 */
export function refusalError({ service, status, body }: Refusal): GraphFailure {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  const code = typeof problem.code === 'string' ? problem.code : undefined;
  if (!code) {
    return graphFailure('ALP_GRAPHQL_UPSTREAM_REJECTED', [service, status], { service, status });
  }
  const message =
    typeof problem.detail === 'string'
      ? problem.detail
      : typeof problem.title === 'string'
        ? problem.title
        : `service ${service} answered ${status}`;
  return Object.assign(new Error(message), {
    code,
    statusCode: status < 500 ? status : 502,
    extensions: { code, service, status },
  });
}

/** A service that could not be reached, or did not answer in time. */
export function unreachableError(service: string, timedOutAfterMs?: number): GraphFailure {
  const err =
    timedOutAfterMs === undefined
      ? new serviceClientErrors.ALP_UPSTREAM_UNAVAILABLE(service)
      : new serviceClientErrors.ALP_UPSTREAM_TIMEOUT(service, timedOutAfterMs);
  return Object.assign(err, { extensions: { code: err.code, service } });
}
