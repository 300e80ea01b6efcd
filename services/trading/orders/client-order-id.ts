import { createHash } from 'node:crypto';

/**
 * The client order id trading sends to the broker for a user's idempotency key: a retried
 * request (same user, same key) always reaches the broker under the same id, and keys of
 * different users never collide. Same derivation as migration 002.
 */
export function clientOrderIdFor(userId: string, idempotencyKey: string): string {
  return createHash('sha256')
    .update(`${userId}:${idempotencyKey}`, 'utf8')
    .digest('hex')
    .slice(0, 32);
}

// Printable ASCII, as the IETF Idempotency-Key draft recommends for the header value.
const KEY = /^[\x21-\x7e]{1,255}$/;

export function isValidIdempotencyKey(key: string): boolean {
  return KEY.test(key);
}
