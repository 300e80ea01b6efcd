/*
 * Login throttling: exponential back-off per account and per client IP, never a permanent lock.
 * Failures count inside a sliding window; once past a free allowance, each further failure
 * doubles the wait before the next attempt, up to a cap. An account's count restarts after a
 * successful login; an IP's does not (otherwise an attacker holding one valid account could
 * reset it between guesses). Failures are counted for unknown emails too, so the throttle
 * itself does not reveal which accounts exist. Stricter than the gateway's 100/min limit.
 */

export interface BackoffRule {
  /** Failures allowed inside the window before any wait. */
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ThrottlePolicy {
  readonly windowMs: number;
  readonly account: BackoffRule;
  readonly ip: BackoffRule;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  account: { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 },
  ip: { freeFailures: 20, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 },
};

/** Failed attempts inside the window (for the account: since its last success). */
export interface FailureSummary {
  readonly failures: number;
  /** Epoch ms of the latest counted failure, or null. */
  readonly lastFailureAt: number | null;
}

export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly scope: 'account' | 'ip'; readonly retryAfterMs: number };

/** How long after the latest failure the next attempt must wait, given the failure count. */
export function backoffDelayMs(failures: number, rule: BackoffRule): number {
  if (failures < rule.freeFailures) return 0;
  const exponent = Math.min(failures - rule.freeFailures, 30);
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** exponent);
}

function wait(summary: FailureSummary, rule: BackoffRule, now: number): number {
  if (summary.lastFailureAt === null) return 0;
  return Math.max(0, summary.lastFailureAt + backoffDelayMs(summary.failures, rule) - now);
}

/** May this login attempt proceed? Decided before the password is checked. */
export function decideLoginAttempt(
  history: { readonly account: FailureSummary; readonly ip: FailureSummary },
  now: number,
  policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
): ThrottleDecision {
  const accountWait = wait(history.account, policy.account, now);
  const ipWait = wait(history.ip, policy.ip, now);
  if (accountWait === 0 && ipWait === 0) return { allowed: true };
  return accountWait >= ipWait
    ? { allowed: false, scope: 'account', retryAfterMs: accountWait }
    : { allowed: false, scope: 'ip', retryAfterMs: ipWait };
}

/** The key an account is throttled under: the normalised email, whether or not it exists. */
export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}
