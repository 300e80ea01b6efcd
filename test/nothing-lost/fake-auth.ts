import Fastify from 'fastify';
import type { TestIdentity } from '../support/identity.js';

/**
 * Auth's two machine-facing routes, signed with a test identity: the JWKS the services verify
 * with, and the service-token exchange. Auth itself is not under test here, and is never
 * killed by the fault injector.
 */
export async function startFakeAuth(
  identity: TestIdentity,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify();
  app.get('/.well-known/jwks.json', async () => identity.jwks);
  app.post('/internal/service-tokens', async (request) => {
    const body = request.body as { service: string; audience: string };
    return { token: identity.serviceToken(body.service, body.audience), expiresIn: 300 };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
