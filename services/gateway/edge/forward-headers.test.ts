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
});
