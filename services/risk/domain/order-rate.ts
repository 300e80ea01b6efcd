/**
 * Orders per minute, as a fixed one-minute window: two numbers that live on the user's
 * limit row, so the check and the increment happen under the same row lock.
 */
export interface RateWindow {
  readonly windowStartMs: number;
  readonly count: number;
}

export const RATE_WINDOW_MS = 60_000;

export const EMPTY_RATE_WINDOW: RateWindow = { windowStartMs: 0, count: 0 };

/** Orders already counted in the window that contains `nowMs`. */
export function ordersInWindow(window: RateWindow, nowMs: number): number {
  return nowMs - window.windowStartMs < RATE_WINDOW_MS && nowMs >= window.windowStartMs
    ? window.count
    : 0;
}

/** The window after counting one more approved order at `nowMs`. */
export function countOrder(window: RateWindow, nowMs: number): RateWindow {
  const current = ordersInWindow(window, nowMs);
  if (current === 0) return { windowStartMs: nowMs - (nowMs % RATE_WINDOW_MS), count: 1 };
  return { windowStartMs: window.windowStartMs, count: current + 1 };
}
