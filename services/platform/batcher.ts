/** One item's outcome in a batch: its value, or the error that item alone failed with. */
export type Settled<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export const settledValue = <T>(value: T): Settled<T> => ({ ok: true, value });
export const settledError = <T = never>(error: unknown): Settled<T> => ({ ok: false, error });

/** Settles every promise, keeping each one's value or error, in order. */
export function settleAll<T>(promises: readonly Promise<T>[]): Promise<Settled<T>[]> {
  return Promise.all(promises.map((p) => p.then(settledValue<T>, settledError<T>)));
}

/**
 * Runs `work` for each item one after another, in order, settling each: the fallback of a
 * batch whose shared transaction failed, where each item must now stand or fall alone and
 * still see the effects of the items before it.
 */
export async function settleEachInTurn<I, O>(
  items: readonly I[],
  work: (item: I) => Promise<O>,
): Promise<Settled<O>[]> {
  const out: Settled<O>[] = [];
  for (const item of items) out.push(await work(item).then(settledValue<O>, settledError<O>));
  return out;
}

export interface BatcherOptions<I, O> {
  /**
   * Runs one batch and settles each item, in order. A rejection fails every item of the
   * batch with that error.
   */
  readonly run: (items: readonly I[]) => Promise<readonly Settled<O>[]>;
  /** Largest batch; items past it wait for the next one. */
  readonly maxBatch?: number;
  /** Batches running at once; further items wait until one ends. */
  readonly maxInFlight?: number;
  /** Called with the size of each batch as it leaves (a metric of how much is shared). */
  readonly onBatch?: (size: number) => void;
}

export interface Batcher<I, O> {
  /** Adds an item to the next batch; settles with that item's outcome. */
  submit(item: I): Promise<O>;
  /** Items waiting for a batch, and batches running (for tests and metrics). */
  readonly queued: number;
  readonly inFlight: number;
}

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (o: O) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Adaptive batching, as a database's group commit does it. Callers submit items one at a
 * time and await their own outcome. Items submitted in the same turn of the event loop go
 * together; while `maxInFlight` batches run, new items wait and leave as the next batch when
 * one ends. A lone item therefore leaves at once (nothing waits for a timer), and under load
 * a batch grows with the arrival rate: the fixed cost of a call (a round trip, an HTTP
 * exchange, a transaction's BEGIN and COMMIT) is shared by every item in it.
 */
export function createBatcher<I, O>(opts: BatcherOptions<I, O>): Batcher<I, O> {
  const maxBatch = opts.maxBatch ?? 64;
  const maxInFlight = opts.maxInFlight ?? 1;
  let waiting: Waiting<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || inFlight >= maxInFlight || waiting.length === 0) return;
    scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: every request that arrived
    // together is in the batch.
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight += 1;
      opts.onBatch?.(batch.length);
      void runBatch(batch).finally(() => {
        inFlight -= 1;
        schedule();
      });
    }
  }

  async function runBatch(batch: readonly Waiting<I, O>[]): Promise<void> {
    let outcomes: readonly Settled<O>[];
    try {
      outcomes = await opts.run(batch.map((w) => w.item));
      if (outcomes.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} settled ${outcomes.length} items`);
      }
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        schedule();
      });
    },
    get queued() {
      return waiting.length;
    },
    get inFlight() {
      return inFlight;
    },
  };
}

/**
 * One batcher per owner (an app), made on first use: `batchersBy((app) => options)(app)`
 * returns the same batcher for the same app, so every request of an instance shares it.
 */
export function batchersBy<K extends object, I, O>(
  options: (owner: K) => BatcherOptions<I, O>,
): (owner: K) => Batcher<I, O> {
  const made = new WeakMap<K, Batcher<I, O>>();
  return (owner) => {
    let batcher = made.get(owner);
    if (!batcher) {
      batcher = createBatcher(options(owner));
      made.set(owner, batcher);
    }
    return batcher;
  };
}
