import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, test, vi } from 'vitest';
import { LazyLogger } from './lazy-logger.js';
import { requestContextPlugin, requestIdFor } from './request-context.js';

/** A pino logger whose lines land in `lines`, parsed. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: pino({ base: { service: 's' } }, stream) };
}

describe('LazyLogger', () => {
  test('an access line carries the bindings without making a child', () => {
    const { lines, logger } = capture();
    const child = vi.spyOn(logger, 'child');
    const lazy = new LazyLogger(logger, { reqId: 'r1', traceId: 't1' }, {});
    lazy.infoLine({ statusCode: 200 }, 'request completed');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({
        service: 's',
        reqId: 'r1',
        traceId: 't1',
        statusCode: 200,
        msg: 'request completed',
      }),
    ]);
  });

  test('any other line makes the child once, with the bindings, and keeps using it', () => {
    const { lines, logger } = capture();
    const child = vi.spyOn(logger, 'child');
    const lazy = new LazyLogger(logger, { reqId: 'r2' }, {}).asLogger();
    lazy.warn({ upstream: 'user' }, 'upstream call failed');
    lazy.error(new Error('boom'));
    lazy.info('plain');
    (lazy as unknown as LazyLogger).infoLine({ statusCode: 502 }, 'request completed');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => [l.reqId, l.level, l.msg])).toEqual([
      ['r2', 40, 'upstream call failed'],
      ['r2', 50, 'boom'],
      ['r2', 30, 'plain'],
      ['r2', 30, 'request completed'],
    ]);
    expect(lines[1]!.err).toMatchObject({ message: 'boom' });
  });

  test('level: the parent until the child exists; a level option makes lines go through it', () => {
    const { lines, logger } = capture();
    logger.level = 'warn';
    const lazy = new LazyLogger(logger, { reqId: 'r3' }, { level: 'debug' });
    expect(lazy.level).toBe('debug');
    lazy.infoLine({ statusCode: 200 }, 'request completed');
    lazy.debug('detail');
    expect(lines.map((l) => l.msg)).toEqual(['request completed', 'detail']);
    expect(new LazyLogger(logger, {}, {}).level).toBe('warn');
  });
});

describe('requestContextPlugin with Fastify', () => {
  test('one access line per request, and route logs, both bound to the request and trace ids', async () => {
    const { lines, logger } = capture();
    const app = Fastify({
      loggerInstance: logger,
      disableRequestLogging: true,
      genReqId: requestIdFor,
    });
    await app.register(requestContextPlugin);
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/noisy', async (request) => {
      request.log.warn({ detail: 1 }, 'something odd');
      return { ok: true };
    });
    const trace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await app.inject({ url: '/quiet', headers: { 'x-request-id': 'req-quiet-1' } });
    await app.inject({
      url: '/noisy',
      headers: { 'x-request-id': 'req-noisy-1', traceparent: trace },
    });
    await app.close();
    const requestLines = lines.filter((l) => l.reqId !== undefined);
    expect(requestLines.map((l) => [l.reqId, l.msg, l.route ?? null])).toEqual([
      ['req-quiet-1', 'request completed', '/quiet'],
      ['req-noisy-1', 'something odd', null],
      ['req-noisy-1', 'request completed', '/noisy'],
    ]);
    expect(requestLines[1]!.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(requestLines[2]!.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(requestLines[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
