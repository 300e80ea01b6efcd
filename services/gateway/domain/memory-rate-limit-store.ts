import type { Hit, RateLimitStore } from './rate-limit-store.js';

export interface MemoryStoreOptions {
  readonly now?: () => number;
  /** Past this many keys, expired windows are swept on the next hit (default 10 000). */
  readonly sweepAbove?: number;
}

/** In-process fixed windows: exact for one gateway instance, per instance when there are several. */
export function createMemoryRateLimitStore(
  opts: MemoryStoreOptions = {},
): RateLimitStore & { hit(key: string, windowMs: number): Hit; readonly size: number } {
  const now = opts.now ?? Date.now;
  const sweepAbove = opts.sweepAbove ?? 10_000;
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    hit(key, windowMs) {
      const t = now();
      if (windows.size > sweepAbove) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      }
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return { count: w.count, resetInMs: w.resetAt - t };
    },
    get size() {
      return windows.size;
    },
  };
}
