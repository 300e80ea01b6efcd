import { expect, test } from 'vitest';
import { clientOrderIdFor, isValidIdempotencyKey } from './client-order-id.js';

test('the client order id is stable per user and key, and differs between users', () => {
  expect(clientOrderIdFor('u1', 'k1')).toBe(clientOrderIdFor('u1', 'k1'));
  expect(clientOrderIdFor('u1', 'k1')).toMatch(/^[0-9a-f]{32}$/);
  expect(clientOrderIdFor('u1', 'k1')).not.toBe(clientOrderIdFor('u2', 'k1'));
  // sha256("u1:k1"), first 32 hex digits: the same derivation as migration 002.
  expect(clientOrderIdFor('u1', 'k1')).toBe('3140c2d8efe61829e6d590d2309b5a43');
});

test.each([
  ['a uuid', '6f1c8c1e-3c55-4b0e-9d63-0c5b1b0f7f0a', true],
  ['one character', 'k', true],
  ['255 characters', 'k'.repeat(255), true],
  ['256 characters', 'k'.repeat(256), false],
  ['a space', 'a b', false],
  ['non-ASCII', 'clé', false],
])('idempotency key: %s', (_name, key, ok) => {
  expect(isValidIdempotencyKey(key)).toBe(ok);
});
