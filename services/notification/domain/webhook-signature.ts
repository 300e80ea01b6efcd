import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'alphintra-signature';

/** Default tolerance between the signed timestamp and the receiver's clock (replay window). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const MAX_TIMESTAMP = 10 ** 12;

/** A new webhook secret: 32 random bytes, base64url, with a prefix that makes leaks greppable. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function mac(secret: string, timestamp: number, body: string): Buffer {
  // Signing "<t>.<body>" binds the timestamp, so an old body cannot be replayed with a new t.
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest();
}

/** The signature header value for `body` (the exact bytes sent) at `timestamp` (unix seconds). */
export function signPayload(secret: string, body: string, timestamp: number): string {
  // The same bound verifySignature parses: whole seconds, at most 12 digits.
  if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp >= MAX_TIMESTAMP) {
    throw new RangeError(
      `timestamp must be whole unix seconds below ${MAX_TIMESTAMP}, got ${timestamp}`,
    );
  }
  return `t=${timestamp},v1=${mac(secret, timestamp, body).toString('hex')}`;
}

export type SignatureCheck =
  | { readonly ok: true; readonly timestamp: number }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'timestamp-outside-tolerance' | 'signature-mismatch';
    };

/**
 * Verifies a signature header: well-formed, timestamp within `toleranceSeconds` of `now`
 * (either side), and one of its `v1` values equal to our HMAC in constant time. Several
 * `v1` entries are allowed so a sender can sign with an old and a new secret while
 * rotating; unknown schemes (`v0=`, `v2=`) are ignored.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  now: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^[0-9]{1,12}$/.test(value)) {
        return { ok: false, reason: 'malformed' };
      }
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed' };
      candidates.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now - timestamp) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp-outside-tolerance' };
  }
  const expected = mac(secret, timestamp, body);
  // Compare against every candidate (no early exit) so timing does not reveal which matched.
  let matched = false;
  for (const c of candidates) matched = timingSafeEqual(c, expected) || matched;
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'signature-mismatch' };
}
