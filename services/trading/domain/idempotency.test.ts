import { describe, expect, test } from 'vitest';
import {
  decideIdempotency,
  IDEMPOTENCY_TTL_MS,
  requestFingerprint,
  type StoredRequest,
} from './idempotency.js';

const body = { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '190.25' };
const hash = requestFingerprint(body);
const t0 = 1_800_000_000_000;

function stored(overrides: Partial<StoredRequest> = {}): StoredRequest {
  return {
    requestHash: hash,
    state: 'completed',
    response: { statusCode: 201, body: { id: 'o1' } },
    createdAtMs: t0,
    claimedAtMs: t0,
    ...overrides,
  };
}

describe('requestFingerprint', () => {
  test('is the sha256 of the canonical body', () => {
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint({ ...body })).toBe(hash);
    expect(requestFingerprint(JSON.parse(JSON.stringify(body, Object.keys(body).reverse())))).toBe(
      hash,
    );
  });

  test('differs when any value differs, including "10" versus 10', () => {
    expect(requestFingerprint({ ...body, quantity: '10.0' })).not.toBe(hash);
    expect(requestFingerprint({ ...body, quantity: 10 })).not.toBe(hash);
  });
});

describe('decideIdempotency', () => {
  test('no record: new', () => {
    expect(decideIdempotency(undefined, hash, t0)).toEqual({ action: 'new' });
  });

  test('same body, completed: replay the stored response', () => {
    expect(decideIdempotency(stored(), hash, t0 + 1000)).toEqual({
      action: 'replay',
      response: { statusCode: 201, body: { id: 'o1' } },
    });
  });

  test('a different body is a conflict, finished or not', () => {
    const other = requestFingerprint({ ...body, quantity: '11' });
    expect(decideIdempotency(stored(), other, t0)).toEqual({
      action: 'conflict',
      storedHash: hash,
    });
    expect(decideIdempotency(stored({ state: 'in-progress', response: null }), other, t0)).toEqual({
      action: 'conflict',
      storedHash: hash,
    });
  });

  test('same body still running: in progress, with how long to wait', () => {
    expect(
      decideIdempotency(stored({ state: 'in-progress', response: null }), hash, t0 + 10_000),
    ).toEqual({
      action: 'in-progress',
      retryAfterMs: 20_000,
    });
  });

  test('an abandoned claim may be resumed', () => {
    expect(
      decideIdempotency(stored({ state: 'in-progress', response: null }), hash, t0 + 30_000),
    ).toEqual({
      action: 'resume',
    });
  });

  test('keys are kept for the whole TTL, then forgotten', () => {
    expect(decideIdempotency(stored(), hash, t0 + IDEMPOTENCY_TTL_MS - 1).action).toBe('replay');
    expect(decideIdempotency(stored(), hash, t0 + IDEMPOTENCY_TTL_MS)).toEqual({ action: 'new' });
    expect(IDEMPOTENCY_TTL_MS).toBe(86_400_000);
  });
});
