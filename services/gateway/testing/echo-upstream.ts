import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';

/** What an echo upstream saw of one request. */
export interface EchoHit {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string | null;
}

export interface EchoUpstream {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly hits: EchoHit[];
  /** Requests whose connection closed before the answer was complete (aborted by the gateway). */
  readonly aborted: () => number;
  close(): Promise<void>;
}

/**
 * A tiny real upstream for gateway tests: answers any method and path with what it received.
 * `?status=N` answers with that status; `?delay=ms` waits first (to test timeouts and aborts).
 */
export async function startEcho(name: string, port = 0): Promise<EchoUpstream> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const hits: EchoHit[] = [];
  let aborted = 0;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const hit: EchoHit = {
      method: request.method,
      url: request.url,
      headers: { ...request.headers },
      body: Buffer.isBuffer(request.body) ? request.body.toString('utf8') : null,
    };
    hits.push(hit);
    const q = request.query as { status?: string; delay?: string };
    if (q.delay) {
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) aborted += 1;
      });
      await new Promise((r) => setTimeout(r, Number(q.delay)));
    }
    reply.header('x-upstream', name);
    reply.header('keep-alive', 'timeout=5');
    return reply.code(q.status ? Number(q.status) : 200).send({ upstream: name, ...hit });
  };
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/*',
    handler,
  });
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/',
    handler,
  });
  await app.listen({ host: '127.0.0.1', port });
  const bound = (app.server.address() as AddressInfo).port;
  return {
    name,
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    hits,
    aborted: () => aborted,
    close: () => app.close(),
  };
}
