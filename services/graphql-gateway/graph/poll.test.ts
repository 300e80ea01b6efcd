import { describe, expect, test } from 'vitest';
import { pollChanges } from './poll.js';

interface Item {
  id: string;
  v: number;
}

/** A source that answers the given reads in turn (the last one repeats). */
function reads(...answers: (Item[] | Error)[]) {
  let n = 0;
  const signals: AbortSignal[] = [];
  return {
    signals,
    count: () => n,
    read: async (signal: AbortSignal) => {
      signals.push(signal);
      const answer = answers[Math.min(n++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const base = { key: (i: Item) => i.id, version: (i: Item) => String(i.v), intervalMs: 1 };

async function take<T>(it: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('pollChanges', () => {
  test('emits what is new or changed since the previous read, in read order', async () => {
    const src = reads(
      [{ id: 'a', v: 1 }],
      [{ id: 'a', v: 1 }],
      [
        { id: 'a', v: 2 },
        { id: 'b', v: 1 },
      ],
    );
    const it = pollChanges({ ...base, read: src.read, emitFirst: () => true });
    expect(await take(it, 3)).toEqual([
      { id: 'a', v: 1 },
      { id: 'a', v: 2 },
      { id: 'b', v: 1 },
    ]);
    expect(src.count()).toBe(3);
    await it.return!();
  });

  test('the first read is a baseline except what emitFirst picks', async () => {
    const src = reads(
      [
        { id: 'old', v: 1 },
        { id: 'fresh', v: 1 },
      ],
      [
        { id: 'old', v: 1 },
        { id: 'fresh', v: 1 },
        { id: 'new', v: 1 },
      ],
    );
    const it = pollChanges({ ...base, read: src.read, emitFirst: (i) => i.id === 'fresh' });
    expect(await take(it, 2)).toEqual([
      { id: 'fresh', v: 1 },
      { id: 'new', v: 1 },
    ]);
    await it.return!();
  });

  test('ends after the item `last` picks, reading no more', async () => {
    const src = reads([{ id: 'a', v: 1 }], [{ id: 'a', v: 9 }]);
    const it = pollChanges({
      ...base,
      read: src.read,
      emitFirst: () => true,
      last: (i) => i.v === 9,
    });
    expect(await take(it, 5)).toEqual([
      { id: 'a', v: 1 },
      { id: 'a', v: 9 },
    ]);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(src.count()).toBe(2);
  });

  test('return() ends a waiting stream at once and aborts the read signal', async () => {
    const src = reads([{ id: 'a', v: 1 }]);
    const it = pollChanges({ ...base, intervalMs: 60_000, read: src.read, emitFirst: () => true });
    expect(await take(it, 1)).toEqual([{ id: 'a', v: 1 }]);
    const waiting = it.next(); // sleeps a minute before the next read
    await it.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(src.signals[0]!.aborted).toBe(true);
    expect(src.count()).toBe(1);
  });

  test('a failed read ends the stream with its error', async () => {
    const src = reads([{ id: 'a', v: 1 }], new Error('trading answered 401'));
    const it = pollChanges({ ...base, read: src.read, emitFirst: () => true });
    expect(await take(it, 1)).toHaveLength(1);
    await expect(it.next()).rejects.toThrow('trading answered 401');
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });
});
