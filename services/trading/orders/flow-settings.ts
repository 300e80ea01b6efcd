import type { IdempotencyPolicy } from '../domain/idempotency.js';

/** Deadlines and idempotency timing of the order flow. */
export interface FlowSettings {
  readonly riskTimeoutMs: number;
  readonly brokerTimeoutMs: number;
  /** How long a duplicate request waits for the first one before answering 409. */
  readonly duplicateWaitMs: number;
  readonly idempotency: IdempotencyPolicy;
}

/**
 * A claim goes stale after 10 s: longer than the slowest possible processing (risk 2 s, quote
 * 2 s, broker 3 s), so a live request is never taken over, yet a request whose process died
 * is resumed by the client's retry within seconds. Keys never expire with their order row
 * (kept as long as the order: well over 24 h).
 */
export const DEFAULT_FLOW_SETTINGS: FlowSettings = {
  riskTimeoutMs: 2_000,
  brokerTimeoutMs: 3_000,
  duplicateWaitMs: 3_000,
  idempotency: { ttlMs: Number.POSITIVE_INFINITY, staleAfterMs: 10_000 },
};
