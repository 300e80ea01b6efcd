import { describe, expect, test } from 'vitest';
import { createRetryBudget, createRetryPolicy, isIdempotent } from './retry-policy.js';

const refused = { kind: 'error', code: 'ECONNREFUSED' } as const;

describe('retry policy', () => {
  test.each([
    ['GET', true],
    ['get', true],
    ['HEAD', true],
    ['OPTIONS', true],
    ['PUT', true],
    ['DELETE', true],
    ['POST', false],
    ['PATCH', false],
  ])('%s idempotent: %s', (m, expected) => {
    expect(isIdempotent(m)).toBe(expected);
  });

  const policy = (over = {}) =>
    createRetryPolicy({
      budget: createRetryBudget({ now: () => 0 }),
      random: () => 0.5,
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 150,
      ...over,
    });

  test.each([
    ['POST refused', 'POST', refused, { retry: false, reason: 'not-idempotent' }],
    ['GET refused', 'GET', refused, { retry: true, delayMs: 50 }],
    ['GET reset', 'GET', { kind: 'error', code: 'ECONNRESET' }, { retry: true, delayMs: 50 }],
    ['GET 503', 'GET', { kind: 'response', status: 503 }, { retry: true, delayMs: 50 }],
    ['GET 502', 'GET', { kind: 'response', status: 502 }, { retry: true, delayMs: 50 }],
    [
      'GET 500',
      'GET',
      { kind: 'response', status: 500 },
      { retry: false, reason: 'not-retryable' },
    ],
    [
      'GET 404',
      'GET',
      { kind: 'response', status: 404 },
      { retry: false, reason: 'not-retryable' },
    ],
    [
      'GET timeout',
      'GET',
      { kind: 'error', code: 'ALP_GATEWAY_UPSTREAM_TIMEOUT' },
      { retry: false, reason: 'not-retryable' },
    ],
    [
      'GET circuit open',
      'GET',
      { kind: 'error', code: 'ALP_GATEWAY_CIRCUIT_OPEN' },
      { retry: false, reason: 'not-retryable' },
    ],
    [
      'GET unknown error',
      'GET',
      { kind: 'error', code: undefined },
      { retry: false, reason: 'not-retryable' },
    ],
  ] as const)('%s', (_n, method, outcome, expected) => {
    expect(policy()(method, 1, outcome)).toEqual(expected);
  });

  test('jittered exponential back-off, capped; stops at maxAttempts', () => {
    const decide = policy({ random: () => 0.999 });
    expect(decide('GET', 1, refused)).toEqual({ retry: true, delayMs: 99 });
    expect(decide('GET', 2, refused)).toEqual({ retry: true, delayMs: 149 });
    expect(decide('GET', 3, refused)).toEqual({ retry: false, reason: 'attempts' });
  });

  test('the budget caps retries at ~20 % of requests plus the reserve', () => {
    const clock = { t: 0 };
    const budget = createRetryBudget({
      ratio: 0.2,
      minPerSecond: 5,
      maxTokens: 20,
      now: () => clock.t,
    });
    const decide = createRetryPolicy({ budget, random: () => 0 });
    let retried = 0;
    for (let i = 0; i < 100; i += 1) {
      budget.recordRequest();
      if (decide('GET', 1, refused).retry) retried += 1;
    }
    // 5 reserve + 0.2 × 100 earned = 25.
    expect(retried).toBe(25);
    expect(decide('GET', 1, refused)).toEqual({ retry: false, reason: 'budget' });
    clock.t += 1_000;
    expect(budget.available).toBe(5);
  });
});
