/*
 * Retries at the gateway: only for idempotent methods (RFC 9110 §9.2.2), only for outcomes
 * where the upstream cannot have acted or said it did not (connection refused/reset before
 * an answer, 502/503), with full-jitter exponential back-off, and within a budget so that
 * retries can never multiply load on a struggling upstream (at most ~20 % extra, plus a
 * small reserve for low traffic). A timeout is not retried: the upstream may still be working
 * and the client has already waited 5 s. The wiring must resolve the instance again for the
 * retry (round-robin moves it to another one) and must have buffered any request body.
 */

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRYABLE_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);
const RETRYABLE_STATUS = new Set([502, 503]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number }
  | { readonly kind: 'error'; readonly code: string | undefined };

export interface RetryBudget {
  /** Call once per original request (not per retry). */
  recordRequest(): void;
  /** Takes one retry from the budget; false when exhausted. */
  tryAcquire(): boolean;
  readonly available: number;
}

export interface RetryBudgetOptions {
  /** Retries earned per request (default 0.2 = 20 % extra load at most). */
  readonly ratio?: number;
  /** Retries per second always available, so a quiet upstream can still be retried (default 5). */
  readonly minPerSecond?: number;
  /** Most retries that can be saved up (default 20). */
  readonly maxTokens?: number;
  readonly now?: () => number;
}

export function createRetryBudget(opts: RetryBudgetOptions = {}): RetryBudget {
  const ratio = opts.ratio ?? 0.2;
  const minPerSecond = opts.minPerSecond ?? 5;
  const maxTokens = opts.maxTokens ?? 20;
  const now = opts.now ?? Date.now;
  let tokens = minPerSecond;
  let last = now();
  const refill = () => {
    const t = now();
    tokens = Math.min(maxTokens, tokens + ((t - last) / 1000) * minPerSecond);
    last = t;
  };
  return {
    recordRequest() {
      tokens = Math.min(maxTokens, tokens + ratio);
    },
    tryAcquire() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    get available() {
      refill();
      return Math.floor(tokens);
    },
  };
}

export interface RetryPolicyOptions {
  /** Total attempts including the first (default 2). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly budget: RetryBudget;
  readonly random?: () => number;
}

export type RetryDecision =
  | {
      readonly retry: false;
      readonly reason: 'not-idempotent' | 'not-retryable' | 'attempts' | 'budget';
    }
  | { readonly retry: true; readonly delayMs: number };

/** Decides whether attempt number `attempt` (1-based) that ended in `outcome` is retried. */
export function createRetryPolicy(opts: RetryPolicyOptions) {
  const maxAttempts = opts.maxAttempts ?? 2;
  const base = opts.baseDelayMs ?? 25;
  const cap = opts.maxDelayMs ?? 250;
  const random = opts.random ?? Math.random;
  return function decide(method: string, attempt: number, outcome: AttemptOutcome): RetryDecision {
    if (!isIdempotent(method)) return { retry: false, reason: 'not-idempotent' };
    const retryable =
      outcome.kind === 'response'
        ? RETRYABLE_STATUS.has(outcome.status)
        : outcome.code !== undefined && RETRYABLE_ERRORS.has(outcome.code);
    if (!retryable) return { retry: false, reason: 'not-retryable' };
    if (attempt >= maxAttempts) return { retry: false, reason: 'attempts' };
    if (!opts.budget.tryAcquire()) return { retry: false, reason: 'budget' };
    // Full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^(attempt-1))].
    const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
    return { retry: true, delayMs: Math.floor(random() * ceiling) };
  };
}
