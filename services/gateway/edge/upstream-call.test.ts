import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CallSignal } from '../domain/call-signal.js';
import { callUpstream, type UpstreamCallOptions } from './upstream-call.js';

describe('callUpstream', () => {
  let server: Server;
  let origin: string;
  const agent = new Agent();
  const big = Buffer.alloc(256 * 1024, 'x');
  let endlessGone!: () => void;
  const endlessClosed = new Promise<void>((r) => (endlessGone = r));
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return; // never answers (until the socket closes)
      if (req.url === '/big') return res.end(big);
      if (req.url === '/endless') {
        // Writes until the reader goes away; tells the test when it did.
        const write = () => {
          while (res.write(big)) if (res.destroyed) return;
        };
        res.on('drain', write);
        res.on('close', () => endlessGone());
        return write();
      }
      if (req.url === '/chunked') {
        res.write('a');
        setTimeout(() => res.end('b'), 10);
        return;
      }
      if (req.url === '/half') {
        res.writeHead(200, { 'content-length': '10' });
        res.write('12345');
        setTimeout(() => res.destroy(), 10);
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const text = Buffer.from(`${req.method} ${req.url} ${body}`);
        res.writeHead(201, { 'content-length': text.length, 'x-echo': req.method! });
        res.end(text);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const call = (over: Partial<UpstreamCallOptions>, signal = new CallSignal()) =>
    callUpstream(
      agent,
      { origin, method: 'GET', path: '/', headers: {}, body: null, bufferMax: 64 * 1024, ...over },
      signal,
    );

  test('a small answer of known length comes whole, with its status and headers', async () => {
    const signal = new CallSignal();
    const res = await call({ method: 'POST', path: '/x?y=1', body: Buffer.from('hi') }, signal);
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-echo']).toBe('POST');
    expect(res.stream).toBeUndefined();
    expect(res.body?.toString()).toBe('POST /x?y=1 hi');
    expect(signal.listenerCount('abort')).toBe(0);
  });

  test.each([
    ['larger than the limit', '/big', 'GET', big.length],
    ['of unannounced length', '/chunked', 'GET', 2],
    ['to HEAD', '/', 'HEAD', 0],
  ])('an answer %s streams', async (_what, path, method, bytes) => {
    const res = await call({ path, method });
    expect(res.body).toBeUndefined();
    let n = 0;
    for await (const chunk of res.stream!) n += (chunk as Buffer).length;
    expect(n).toBe(bytes);
  });

  test('aborting before the answer rejects with the reason', async () => {
    const signal = new CallSignal();
    const pending = call({ path: '/slow' }, signal);
    const reason = new Error('call timed out');
    setTimeout(() => signal.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });

  test('an already aborted signal never sends the call', async () => {
    const signal = new CallSignal();
    signal.abort(new Error('client gone'));
    await expect(call({ path: '/slow' }, signal)).rejects.toThrow('client gone');
  });

  test('an answer cut short fails the call instead of resolving a partial body', async () => {
    await expect(call({ path: '/half' })).rejects.toThrow();
  });

  test('destroying a stream aborts the upstream call', async () => {
    const res = await call({ path: '/endless' });
    res.stream!.destroy();
    await endlessClosed; // the upstream saw its connection go
    expect((await call({ path: '/' })).statusCode).toBe(201);
  });
});
