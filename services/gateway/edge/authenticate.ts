import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { bearerToken, type AccessTokenVerifier } from '../../platform/security/index.js';
import { isEdgeError, sendEdgeProblem } from './edge-problem.js';

/**
 * onRequest hook: a protected path needs a valid access token (no fail-open: a missing or
 * unverifiable token, or keys that cannot be loaded, stop the request here). Public paths
 * pass anonymously; their Authorization header, if any, is forwarded untouched. Callback
 * style: a token verified before is answered from memory without a promise.
 */
export function authenticateHook(verifier: AccessTokenVerifier): onRequestHookHandler {
  return function authenticate(request, reply, done) {
    const edge = request.edge;
    if (!edge || edge.public) return done();
    const refuse = (err: unknown) => {
      if (isEdgeError(err)) refused(request, reply, err);
      else done(err as Error);
    };
    let token: string;
    try {
      token = bearerToken(request.headers.authorization);
    } catch (err) {
      return refuse(err);
    }
    const known = verifier.peek(token);
    if (known) {
      edge.subject = known.sub;
      return done();
    }
    verifier.verify(token).then((claims) => {
      edge.subject = claims.sub;
      done();
    }, refuse);
  };
}

function refused(
  request: FastifyRequest,
  reply: FastifyReply,
  err: { code: string; statusCode: number; message: string },
): void {
  request.log.info(
    { code: err.code, reason: (err as { reason?: string }).reason },
    'token refused',
  );
  const challenge: Record<string, string> = {};
  if (err.statusCode === 401) {
    const invalid = err.code === 'ALP_AUTH_TOKEN_MISSING' ? '' : ', error="invalid_token"';
    challenge['www-authenticate'] = `Bearer realm="alphintra"${invalid}`;
  }
  sendEdgeProblem(request, reply, err, challenge);
}
