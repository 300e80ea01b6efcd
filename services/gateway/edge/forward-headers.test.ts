import { describe, expect, test } from 'vitest';
import { childTraceparent, clientResponseHeaders } from './forward-headers.js';

describe('forwarded headers', () => {
  test('response: hop-by-hop and Connection-listed headers are dropped', () => {
    expect(
      clientResponseHeaders({
        connection: 'x-private, keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'x-private': '1',
        'content-type': 'application/json',
        'set-cookie': ['a=1', 'b=2'],
      }),
    ).toEqual({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
  });

  test('traceparent keeps the trace id and flags, with a fresh span id', () => {
    const trace = { traceId: 'a'.repeat(32), parentId: 'b'.repeat(16), sampled: false };
    const one = childTraceparent(trace);
    expect(one).toMatch(/^00-a{32}-[0-9a-f]{16}-00$/);
    expect(one).not.toBe(childTraceparent(trace));
  });

  test('span ids stay well-formed and distinct across refills of their random pool', () => {
    const trace = { traceId: 'c'.repeat(32), parentId: null, sampled: true };
    const spans = Array.from({ length: 2_000 }, () => childTraceparent(trace).split('-')[2]!);
    expect(spans.every((s) => /^[0-9a-f]{16}$/.test(s) && s !== '0'.repeat(16))).toBe(true);
    expect(new Set(spans).size).toBe(spans.length);
  });
});
