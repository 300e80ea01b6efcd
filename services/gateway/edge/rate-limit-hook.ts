import type { onRequestHookHandler } from 'fastify';
import { gatewayError } from '../domain/errors.js';
import {
  rateLimitHeaders,
  rateLimitKey,
  type RateLimiter,
  type RateLimitResult,
} from '../domain/rate-limiter.js';
import { sendEdgeProblem } from './edge-problem.js';

/**
 * Runs after authentication, so the key is the verified subject (or the client IP when
 * anonymous), and before the body is read, so a refused client costs no buffering. Callback
 * style: with the in-process store the whole check happens without a promise.
 */
export function rateLimitHook(
  limiter: RateLimiter,
  onRejected: (kind: 'user' | 'ip') => void,
): onRequestHookHandler {
  return function rateLimit(request, reply, done) {
    const subject = request.edge?.subject;
    const apply = (result: RateLimitResult) => {
      reply.headers(rateLimitHeaders(result));
      if (result.allowed) return done();
      onRejected(subject ? 'user' : 'ip');
      sendEdgeProblem(
        request,
        reply,
        gatewayError('ALP_GATEWAY_RATE_LIMITED', undefined, result.retryAfterSec),
      );
    };
    const result = limiter.consume(rateLimitKey({ verifiedSubject: subject, ip: request.ip }));
    if (result instanceof Promise) result.then(apply, done);
    else apply(result);
  };
}
