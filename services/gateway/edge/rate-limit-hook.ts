import type { FastifyReply, FastifyRequest } from 'fastify';
import { gatewayError } from '../domain/errors.js';
import { rateLimitHeaders, rateLimitKey, type RateLimiter } from '../domain/rate-limiter.js';
import { sendEdgeProblem } from './edge-problem.js';

/**
 * Runs after authentication, so the key is the verified subject (or the client IP when
 * anonymous), and before the body is read, so a refused client costs no buffering.
 */
export function rateLimitHook(limiter: RateLimiter, onRejected: (kind: 'user' | 'ip') => void) {
  return async function rateLimit(request: FastifyRequest, reply: FastifyReply) {
    const subject = request.edge?.subject;
    const result = await limiter.consume(
      rateLimitKey({ verifiedSubject: subject, ip: request.ip }),
    );
    reply.headers(rateLimitHeaders(result));
    if (result.allowed) return;
    onRejected(subject ? 'user' : 'ip');
    return sendEdgeProblem(
      request,
      reply,
      gatewayError('ALP_GATEWAY_RATE_LIMITED', undefined, result.retryAfterSec),
    );
  };
}
