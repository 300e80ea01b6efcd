import type { FastifyPluginAsync } from 'fastify';
import type { AuthDeps } from '../session.js';

/** Verifiers cache the set; five minutes bounds how long a newly published key stays unseen. */
export const JWKS_MAX_AGE_SEC = 300;

/** `GET /.well-known/jwks.json`: the signing key and the previous keys still in circulation. */
export const jwksRoute: FastifyPluginAsync<{ deps: AuthDeps }> = async (app, { deps }) => {
  const body = JSON.stringify(deps.keys.jwks);
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply
      .header('cache-control', `public, max-age=${JWKS_MAX_AGE_SEC}`)
      .type('application/json; charset=utf-8')
      .send(body),
  );
};
