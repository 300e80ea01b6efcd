import { describe, expect, test } from 'vitest';
import {
  batchersBy,
  createBatcher,
  settleAll,
  settleEachInTurn,
  settledError,
  settledValue,
} from './batcher.js';

/** A promise settled by hand, to hold a batch in flight. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createBatcher', () => {
  test('a lone item leaves at once, alone', async () => {
    const batches: number[][] = [];
    const b = createBatcher<number, number>({
      run: async (items) => {
        batches.push([...items]);
        return items.map((i) => settledValue(i * 2));
      },
    });
    await expect(b.submit(21)).resolves.toBe(42);
    expect(batches).toEqual([[21]]);
  });

  test('items submitted in the same turn go together, each gets its own outcome', async () => {
    const batches: number[][] = [];
    const b = createBatcher<number, string>({
      run: async (items) => {
        batches.push([...items]);
        return items.map((i) => settledValue(`#${i}`));
      },
    });
    await expect(Promise.all([1, 2, 3].map((i) => b.submit(i)))).resolves.toEqual([
      '#1',
      '#2',
      '#3',
    ]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  test('items that arrive while a batch runs wait and leave together as the next batch', async () => {
    const batches: number[][] = [];
    const first = gate();
    const b = createBatcher<number, number>({
      run: async (items) => {
        batches.push([...items]);
        if (batches.length === 1) await first.promise;
        return items.map((i) => settledValue(i));
      },
    });
    const p1 = b.submit(1);
    await tick();
    const later = [2, 3, 4].map((i) => b.submit(i));
    await tick();
    expect(b.inFlight).toBe(1);
    expect(b.queued).toBe(3);
    first.open();
    await expect(Promise.all([p1, ...later])).resolves.toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  test('maxBatch splits a burst; maxInFlight lets that many batches run at once', async () => {
    const batches: number[][] = [];
    let running = 0;
    let most = 0;
    const b = createBatcher<number, number>({
      maxBatch: 2,
      maxInFlight: 2,
      run: async (items) => {
        batches.push([...items]);
        running += 1;
        most = Math.max(most, running);
        await tick();
        running -= 1;
        return items.map((i) => settledValue(i));
      },
    });
    await expect(Promise.all([1, 2, 3, 4, 5].map((i) => b.submit(i)))).resolves.toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    expect(most).toBe(2);
  });

  test('onBatch hears the size of every batch as it leaves', async () => {
    const sizes: number[] = [];
    const b = createBatcher<number, number>({
      maxBatch: 3,
      onBatch: (n) => sizes.push(n),
      run: async (items) => items.map((i) => settledValue(i)),
    });
    await Promise.all([1, 2, 3, 4].map((i) => b.submit(i)));
    await b.submit(5);
    expect(sizes).toEqual([3, 1, 1]);
  });

  test('an item that fails fails alone', async () => {
    const b = createBatcher<number, number>({
      run: async (items) =>
        items.map((i) => (i === 2 ? settledError(new Error('two is bad')) : settledValue(i))),
    });
    const outcomes = await settleAll([1, 2, 3].map((i) => b.submit(i)));
    expect(outcomes).toEqual([
      { ok: true, value: 1 },
      { ok: false, error: new Error('two is bad') },
      { ok: true, value: 3 },
    ]);
  });

  test('a batch that throws fails its items only; the next batch runs', async () => {
    let calls = 0;
    const b = createBatcher<number, number>({
      run: async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('connection lost');
        return items.map((i) => settledValue(i));
      },
    });
    const failed = await settleAll([1, 2].map((i) => b.submit(i)));
    expect(failed).toEqual([
      { ok: false, error: new Error('connection lost') },
      { ok: false, error: new Error('connection lost') },
    ]);
    await expect(b.submit(3)).resolves.toBe(3);
  });

  test('a batch that settles the wrong number of items fails them all', async () => {
    const b = createBatcher<number, number>({
      run: async () => [settledValue(1)],
    });
    await expect(Promise.all([b.submit(1), b.submit(2)])).rejects.toThrow(
      'a batch of 2 settled 1 items',
    );
  });
});

describe('settleEachInTurn', () => {
  test('runs one item at a time, in order, and settles each', async () => {
    const log: string[] = [];
    const out = await settleEachInTurn([1, 2, 3], async (n) => {
      log.push(`start ${n}`);
      await tick();
      log.push(`end ${n}`);
      if (n === 2) throw new Error('two');
      return n;
    });
    expect(out).toEqual([
      { ok: true, value: 1 },
      { ok: false, error: new Error('two') },
      { ok: true, value: 3 },
    ]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });
});

describe('batchersBy', () => {
  test('one batcher per owner, made on first use; owners do not share batches', async () => {
    const batches: string[][] = [];
    const of = batchersBy((owner: { name: string }) => ({
      run: async (items: readonly number[]) => {
        batches.push(items.map((i) => `${owner.name}${i}`));
        return items.map((i) => settledValue(i));
      },
    }));
    const a = { name: 'a' };
    const b = { name: 'b' };
    expect(of(a)).toBe(of(a));
    expect(of(a)).not.toBe(of(b));
    await Promise.all([of(a).submit(1), of(b).submit(2), of(a).submit(3)]);
    expect(batches.sort()).toEqual([['a1', 'a3'], ['b2']]);
  });
});
