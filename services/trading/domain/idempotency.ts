import { canonicalJson, sha256Hex } from '../../platform/canonical-json.js';

/** Keys are kept at least this long (the issue asks for >= 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** sha256 of the canonical JSON of the request body: key order and spacing do not matter. */
export function requestFingerprint(body: unknown): string {
  return sha256Hex(canonicalJson(body));
}

export interface StoredRequest {
  readonly requestHash: string;
  /** `completed` once the response is stored (in the same transaction as the order). */
  readonly state: 'in-progress' | 'completed';
  readonly response: { readonly statusCode: number; readonly body: unknown } | null;
  readonly createdAtMs: number;
  /** When the in-progress claim was last taken (equals createdAtMs unless resumed). */
  readonly claimedAtMs: number;
}

export type IdempotencyDecision =
  /** First time (or the old record expired): process and store the response. */
  | { readonly action: 'new' }
  /** Same key, same body, finished: answer the stored response, create nothing. */
  | {
      readonly action: 'replay';
      readonly response: { readonly statusCode: number; readonly body: unknown };
    }
  /** Same key, different body: 422. */
  | { readonly action: 'conflict'; readonly storedHash: string }
  /** Same key and body still being processed by another request: 409 (or wait and retry). */
  | { readonly action: 'in-progress'; readonly retryAfterMs: number }
  /**
   * Same key and body, claimed long ago and never finished (the process died): the caller
   * may take the claim over and finish the request. Safe because the key travels to the
   * broker as the client order id and the broker never fills a client order id twice.
   */
  | { readonly action: 'resume' };

export interface IdempotencyPolicy {
  readonly ttlMs: number;
  /** An in-progress claim older than this is considered abandoned. */
  readonly staleAfterMs: number;
}

export const DEFAULT_IDEMPOTENCY_POLICY: IdempotencyPolicy = {
  ttlMs: IDEMPOTENCY_TTL_MS,
  staleAfterMs: 30_000,
};

export function decideIdempotency(
  stored: StoredRequest | undefined,
  requestHash: string,
  nowMs: number,
  policy: IdempotencyPolicy = DEFAULT_IDEMPOTENCY_POLICY,
): IdempotencyDecision {
  if (stored === undefined || nowMs - stored.createdAtMs >= policy.ttlMs) return { action: 'new' };
  // A different body is a client bug whatever the state of the first request.
  if (stored.requestHash !== requestHash)
    return { action: 'conflict', storedHash: stored.requestHash };
  if (stored.state === 'completed' && stored.response !== null) {
    return { action: 'replay', response: stored.response };
  }
  const claimedFor = nowMs - stored.claimedAtMs;
  if (claimedFor >= policy.staleAfterMs) return { action: 'resume' };
  return { action: 'in-progress', retryAfterMs: Math.max(1, policy.staleAfterMs - claimedFor) };
}
