import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions<T> {
  /** Reads the current items; `signal` aborts when the subscriber leaves. */
  readonly read: (signal: AbortSignal) => Promise<readonly T[]>;
  /** Identity of an item across reads. */
  readonly key: (item: T) => string;
  /** Anything that changes when the item changes (an item is emitted when this differs). */
  readonly version: (item: T) => string;
  readonly intervalMs: number;
  /** Which items of the first read are emitted (the others are only the baseline). */
  readonly emitFirst: (item: T) => boolean;
  /** After emitting an item for which this is true, the stream ends. */
  readonly last?: (item: T) => boolean;
}

/**
 * A stream of changes made by polling: read every `intervalMs`, emit the items that are new
 * or whose version changed since the last read. Reads happen only while a subscriber waits
 * for the next item, so a slow subscriber slows the polling instead of piling up a queue;
 * `return()` (the subscriber left) ends the wait at once. A failed read ends the stream
 * with that error.
 */
export function pollChanges<T>(opts: PollOptions<T>): AsyncIterableIterator<T> {
  const seen = new Map<string, string>();
  const queue: T[] = [];
  const stop = new AbortController();
  let first = true;
  let ended = false;

  async function readOnce(): Promise<void> {
    const items = await opts.read(stop.signal);
    for (const item of items) {
      const k = opts.key(item);
      const v = opts.version(item);
      if (seen.get(k) === v) continue;
      seen.set(k, v);
      if (!first || opts.emitFirst(item)) queue.push(item);
    }
    first = false;
  }

  const finish = (): IteratorResult<T> => {
    ended = true;
    stop.abort();
    return { value: undefined, done: true };
  };

  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const item = queue.shift();
        if (item !== undefined) {
          if (opts.last?.(item)) {
            queue.length = 0;
            ended = true;
          }
          return { value: item, done: false };
        }
        if (ended || stop.signal.aborted) return finish();
        if (!first) {
          try {
            await sleep(opts.intervalMs, undefined, { signal: stop.signal });
          } catch {
            return finish();
          }
        }
        try {
          await readOnce();
        } catch (err) {
          if (stop.signal.aborted) return finish();
          finish();
          throw err;
        }
      }
    },
    async return() {
      return finish();
    },
    async throw(err?: unknown) {
      finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
