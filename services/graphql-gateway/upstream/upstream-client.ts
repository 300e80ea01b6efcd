import {
  isUpstreamRejected,
  type ServiceClient,
  type ServiceResponse,
  type UpstreamAnswer,
} from '../../platform/index.js';
import type { Caller } from '../caller.js';
import { graphFailure, type GraphFailure } from '../errors.js';

/*
 * Calls to the services the graph reads, on behalf of the user, through the platform's service
 * client (its pools, deadlines and bounded answers): the user's own access token instead of a
 * service token, so each service authenticates and scopes the call to that user itself; the
 * request id and the trace context travel along. Failures become GraphQL-ready errors.
 */

export type UpstreamName = 'user' | 'trading' | 'broker';

export interface UpstreamRequest {
  readonly method?: 'GET' | 'POST';
  /** Path and query on the service, starting with `/`. */
  readonly path: string;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly caller: Caller;
  readonly signal?: AbortSignal;
}

export interface UpstreamClient {
  /** A 2xx answer, else a GraphQL-ready error (the service's code, or ALP_UPSTREAM_*). */
  call<T>(target: UpstreamName, req: UpstreamRequest): Promise<ServiceResponse<T>>;
}

/**
 * A service's refusal as a GraphQL error: the service's own code and detail reach the client
 * (ALP_ORDERS_INVALID with "the order is invalid: quantity ..."), with the service and status.
 * A server error of the service is a 502 of the graph.
 */
export function refusalError({
  service,
  status,
  code,
  detail,
  title,
}: UpstreamAnswer): GraphFailure {
  if (!code) {
    return graphFailure('ALP_GRAPHQL_UPSTREAM_REJECTED', [service, status], { service, status });
  }
  return Object.assign(new Error(detail ?? title ?? `service ${service} answered ${status}`), {
    code,
    statusCode: status < 500 ? status : 502,
    extensions: { code, service, status },
  });
}

/** The graph's view of `app.services`: every call as the caller, every failure for GraphQL. */
export function upstreamClient(services: ServiceClient): UpstreamClient {
  return {
    async call<T>(target: UpstreamName, req: UpstreamRequest) {
      try {
        return await services.call<T>(target, {
          method: req.method ?? 'GET',
          path: req.path,
          body: req.body,
          ...(req.headers && { headers: req.headers }),
          ...(req.signal && { signal: req.signal }),
          authorization: req.caller.authorization,
          context: { id: req.caller.requestId, trace: req.caller.trace },
        });
      } catch (err) {
        if (isUpstreamRejected(err)) throw refusalError(err.upstream);
        // ALP_UPSTREAM_UNAVAILABLE or _TIMEOUT: its code where GraphQL clients read it.
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && code.startsWith('ALP_UPSTREAM_')) {
          throw Object.assign(err as Error, { extensions: { code, service: target } });
        }
        throw err;
      }
    },
  };
}
