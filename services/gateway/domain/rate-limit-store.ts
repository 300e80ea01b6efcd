/** One fixed-window counter per key. Two implementations: in-process and Redis. */
export interface RateLimitStore {
  /**
   * Counts one hit for `key` in its current window and returns the count so far and the ms
   * until the window resets. The window starts at a key's first hit and lasts `windowMs`.
   */
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
}
