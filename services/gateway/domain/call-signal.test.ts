import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CallSignal } from './call-signal.js';

describe('CallSignal', () => {
  test('aborts once and keeps the first reason', () => {
    const signal = new CallSignal();
    const seen: unknown[] = [];
    signal.on('abort', (reason) => seen.push(reason));
    signal.abort('first');
    signal.abort('second');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('first');
    expect(seen).toEqual(['first']);
  });

  describe('as an undici request signal', () => {
    let server: Server;
    let origin: string;
    const agent = new Agent();
    beforeAll(async () => {
      // Answers /slow never (until the socket closes) and everything else at once.
      server = createServer((req, res) => {
        if (req.url !== '/slow') res.end('fast');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await agent.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    test('aborting it rejects the pending request with the reason', async () => {
      const signal = new CallSignal();
      const pending = request(`${origin}/slow`, { dispatcher: agent, signal });
      const reason = new Error('call timed out');
      setTimeout(() => signal.abort(reason), 20);
      await expect(pending).rejects.toBe(reason);
    });

    test('a completed request leaves no listener behind', async () => {
      const signal = new CallSignal();
      const res = await request(`${origin}/fast`, { dispatcher: agent, signal });
      expect(await res.body.text()).toBe('fast');
      await new Promise((r) => setImmediate(r)); // the body's 'close' removes the listener
      expect(signal.listenerCount('abort')).toBe(0);
    });
  });
});
