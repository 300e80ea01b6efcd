import { describe, expect, test } from 'vitest';
import {
  accountKey,
  backoffDelayMs,
  decideLoginAttempt,
  DEFAULT_THROTTLE_POLICY,
} from './login-throttle.js';

const none = { failures: 0, lastFailureAt: null };
const rule = DEFAULT_THROTTLE_POLICY.account;

describe('login throttle', () => {
  test.each([
    [0, 0],
    [4, 0],
    [5, 1_000],
    [6, 2_000],
    [10, 32_000],
    [15, 900_000],
    [500, 900_000],
  ])('%i account failures → wait %i ms', (failures, ms) => {
    expect(backoffDelayMs(failures, rule)).toBe(ms);
  });

  test('no history: allowed', () => {
    expect(decideLoginAttempt({ account: none, ip: none }, 0)).toEqual({ allowed: true });
  });

  test('back-off, not a lock: allowed again once the wait has passed', () => {
    const history = { account: { failures: 6, lastFailureAt: 10_000 }, ip: none };
    expect(decideLoginAttempt(history, 10_500)).toEqual({
      allowed: false,
      scope: 'account',
      retryAfterMs: 1_500,
    });
    expect(decideLoginAttempt(history, 12_000)).toEqual({ allowed: true });
  });

  test('per IP: 20 free failures across accounts, then back-off', () => {
    expect(
      decideLoginAttempt({ account: none, ip: { failures: 19, lastFailureAt: 5 } }, 5),
    ).toEqual({ allowed: true });
    expect(
      decideLoginAttempt({ account: none, ip: { failures: 21, lastFailureAt: 5 } }, 5),
    ).toEqual({
      allowed: false,
      scope: 'ip',
      retryAfterMs: 2_000,
    });
  });

  test('the longer wait wins', () => {
    const d = decideLoginAttempt(
      { account: { failures: 7, lastFailureAt: 0 }, ip: { failures: 20, lastFailureAt: 0 } },
      0,
    );
    expect(d).toEqual({ allowed: false, scope: 'account', retryAfterMs: 4_000 });
  });

  test('account key normalises the email', () => {
    expect(accountKey('  Alice@Example.COM ')).toBe('alice@example.com');
  });
});
