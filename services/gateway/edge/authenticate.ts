import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, type AccessTokenVerifier } from '../../platform/security/index.js';
import { isEdgeError, sendEdgeProblem } from './edge-problem.js';

/**
 * onRequest hook: a protected path needs a valid access token (no fail-open: a missing or
 * unverifiable token, or keys that cannot be loaded, stop the request here). Public paths
 * pass anonymously; their Authorization header, if any, is forwarded untouched.
 */
export function authenticateHook(verifier: AccessTokenVerifier) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const edge = request.edge;
    if (!edge || edge.public) return;
    try {
      const claims = await verifier.verify(bearerToken(request.headers.authorization));
      edge.subject = claims.sub;
    } catch (err) {
      if (!isEdgeError(err)) throw err;
      request.log.info(
        { code: err.code, reason: (err as { reason?: string }).reason },
        'token refused',
      );
      const challenge: Record<string, string> = {};
      if (err.statusCode === 401) {
        const invalid = err.code === 'ALP_AUTH_TOKEN_MISSING' ? '' : ', error="invalid_token"';
        challenge['www-authenticate'] = `Bearer realm="alphintra"${invalid}`;
      }
      return sendEdgeProblem(request, reply, err, challenge);
    }
  };
}
