import { describe, expect, test } from 'vitest';
import { candleWindow, type ServedCandle } from './candle-window.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const t = (i: number) => new Date(START + i * HOUR).toISOString();
const served = (first: number, count: number, forming = true): ServedCandle[] =>
  Array.from({ length: count }, (_, k) => ({
    startStep: (first + k) * 3600,
    openTime: t(first + k),
    close: String(100 + first + k),
    complete: !(forming && k === count - 1),
  }));

describe('candleWindow', () => {
  test('a range takes the finished candles wholly inside it', () => {
    const w = candleWindow(served(0, 6), { from: t(1), to: '2026-03-01T04:30:00Z' }, HOUR);
    expect(w).toMatchObject({ ok: true, from: t(1), to: t(4) });
    expect(w.ok && w.candles.map((c) => c.openTime)).toEqual([t(1), t(2), t(3)]);
  });

  test('the same range gives the same candles later, when more have been served', () => {
    const range = { from: t(3), to: t(6) };
    const early = candleWindow(served(2, 6), range, HOUR);
    const late = candleWindow(served(3, 9), range, HOUR);
    expect(late).toEqual(early);
  });

  test.each([
    [
      'a range ending after the last finished candle',
      { from: t(0), to: t(6) },
      { ok: false, reason: 'not-finished', finishedUntil: t(5) },
    ],
    [
      'a range starting before the oldest served candle',
      { from: t(1), to: t(4) },
      { ok: false, reason: 'history-unavailable', earliest: t(2) },
    ],
    [
      'a range holding no whole candle',
      { from: t(3), to: '2026-03-01T03:59:59Z' },
      { ok: false, reason: 'empty' },
    ],
  ])('%s is refused', (_name, range, expected) => {
    expect(candleWindow(served(2, 4), range, HOUR)).toEqual(expected);
  });

  test('before the market began only the served candles count (history starts at step 0)', () => {
    const w = candleWindow(served(0, 3), { from: t(-5), to: t(2) }, HOUR);
    expect(w).toMatchObject({ ok: true, from: t(0), to: t(2) });
  });

  test('limit takes the newest finished candles, never the forming one', () => {
    const w = candleWindow(served(0, 5), { limit: 2 }, HOUR);
    expect(w).toMatchObject({ ok: true, from: t(2), to: t(4) });
    expect(candleWindow(served(0, 1), { limit: 2 }, HOUR)).toEqual({ ok: false, reason: 'empty' });
  });
});
