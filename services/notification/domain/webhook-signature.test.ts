import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { newWebhookSecret, signPayload, verifySignature } from './webhook-signature.js';

const SECRET = 'whsec_test_secret';
const BODY = '{"event":"order.filled","id":"evt_1"}';
const T = 1_700_000_000;
// Computed independently: printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
const V1 = 'e495597fa374cbf63a6841f60278d2df210ce27712ab30efd446173096d2c594';

describe('signPayload', () => {
  test('signs "<t>.<body>" with HMAC-SHA256 in the t=...,v1=... format', () => {
    expect(signPayload(SECRET, BODY, T)).toBe(`t=${T},v1=${V1}`);
  });

  test.each([-1, 1.5, 10 ** 12, Number.NaN])('refuses the timestamp %s', (t) => {
    expect(() => signPayload(SECRET, BODY, t)).toThrow(RangeError);
  });

  test('new secrets are prefixed and carry 32 random bytes', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});

describe('verifySignature', () => {
  test.each([
    {
      name: 'the signature as sent',
      header: `t=${T},v1=${V1}`,
      now: T,
      result: { ok: true, timestamp: T },
    },
    {
      name: 'with spaces and an unknown scheme alongside',
      header: `t=${T}, v0=abc, v1=${V1}`,
      now: T,
      result: { ok: true, timestamp: T },
    },
    {
      name: 'one of two v1 values (secret rotation)',
      header: `t=${T},v1=${'0'.repeat(64)},v1=${V1}`,
      now: T,
      result: { ok: true, timestamp: T },
    },
    {
      name: '300 s late is still inside',
      header: `t=${T},v1=${V1}`,
      now: T + 300,
      result: { ok: true, timestamp: T },
    },
    {
      name: '301 s late is a replay',
      header: `t=${T},v1=${V1}`,
      now: T + 301,
      result: { ok: false, reason: 'timestamp-outside-tolerance' },
    },
    {
      name: '301 s in the future',
      header: `t=${T},v1=${V1}`,
      now: T - 301,
      result: { ok: false, reason: 'timestamp-outside-tolerance' },
    },
    {
      name: 'a different timestamp with the same MAC',
      header: `t=${T + 1},v1=${V1}`,
      now: T,
      result: { ok: false, reason: 'signature-mismatch' },
    },
    {
      name: 'no timestamp',
      header: `v1=${V1}`,
      now: T,
      result: { ok: false, reason: 'malformed' },
    },
    {
      name: 'no v1',
      header: `t=${T},v0=${V1}`,
      now: T,
      result: { ok: false, reason: 'malformed' },
    },
    {
      name: 'two timestamps',
      header: `t=${T},t=${T},v1=${V1}`,
      now: T,
      result: { ok: false, reason: 'malformed' },
    },
    {
      name: 'short MAC',
      header: `t=${T},v1=abcd`,
      now: T,
      result: { ok: false, reason: 'malformed' },
    },
    {
      name: 'upper-case hex',
      header: `t=${T},v1=${V1.toUpperCase()}`,
      now: T,
      result: { ok: false, reason: 'malformed' },
    },
    { name: 'garbage', header: 'nonsense', now: T, result: { ok: false, reason: 'malformed' } },
    { name: 'empty', header: '', now: T, result: { ok: false, reason: 'malformed' } },
  ])('$name', ({ header, now, result }) => {
    expect(verifySignature(SECRET, BODY, header, now)).toEqual(result);
  });

  test('the tolerance is configurable', () => {
    expect(verifySignature(SECRET, BODY, `t=${T},v1=${V1}`, T + 10, 5)).toEqual({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
  });

  test('a signature verifies with its own secret and body, and with no other', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 0, max: 10 ** 12 - 1 }),
        (secret, otherSecret, body, suffix, t) => {
          const header = signPayload(secret, body, t);
          expect(verifySignature(secret, body, header, t)).toEqual({ ok: true, timestamp: t });
          expect(verifySignature(secret, body + suffix, header, t)).toEqual({
            ok: false,
            reason: 'signature-mismatch',
          });
          if (otherSecret !== secret) {
            expect(verifySignature(otherSecret, body, header, t)).toEqual({
              ok: false,
              reason: 'signature-mismatch',
            });
          }
        },
      ),
    );
  });
});
