export interface Hit {
  readonly count: number;
  readonly resetInMs: number;
}

/**
 * One fixed-window counter per key. Two implementations: in-process, which answers at once,
 * and Redis, which answers with a promise. The limiter runs on every request, so the in-process
 * answer is not wrapped in a promise it does not need.
 */
export interface RateLimitStore {
  /**
   * Counts one hit for `key` in its current window and returns the count so far and the ms
   * until the window resets. The window starts at a key's first hit and lasts `windowMs`.
   */
  hit(key: string, windowMs: number): Hit | Promise<Hit>;
}
