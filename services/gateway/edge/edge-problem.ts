import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemFor, sendProblem } from '../../platform/index.js';

/**
 * Answers with a problem document for an error the gateway made (ALP_* code, status,
 * optional Retry-After), without going through the error handler: these are expected
 * outcomes (401, 429, open circuit) and must not be logged as failures with a stack.
 */
export function sendEdgeProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  err: { code: string; statusCode: number; message: string; retryAfterSec?: number | undefined },
  headers: Record<string, string> = {},
): FastifyReply {
  if (err.retryAfterSec !== undefined) reply.header('retry-after', String(err.retryAfterSec));
  reply.headers(headers);
  return sendProblem(reply, problemFor(request, err.statusCode, err.code, err.message));
}

/** An error from our registries (gateway or auth), as opposed to a bug. */
export function isEdgeError(
  err: unknown,
): err is { code: string; statusCode: number; message: string; retryAfterSec?: number } {
  const e = err as { code?: unknown; statusCode?: unknown };
  return (
    typeof e?.code === 'string' &&
    /^ALP_(GATEWAY|AUTH)_/.test(e.code) &&
    typeof e.statusCode === 'number'
  );
}
