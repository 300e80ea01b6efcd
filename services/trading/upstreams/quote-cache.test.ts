import { describe, expect, test } from 'vitest';
import { QuoteCache } from './quote-cache.js';

describe('QuoteCache', () => {
  const at = (iso: string) => Date.parse(iso);

  test('a quote is reused until its validUntil, then asked for again', () => {
    let now = at('2026-01-01T00:00:00.200Z');
    const cache = new QuoteCache(() => now);
    cache.set('AAPL', { bid: '1', ask: '2' }, '2026-01-01T00:00:01.000Z');
    expect(cache.get('AAPL')).toEqual({ bid: '1', ask: '2' });
    now = at('2026-01-01T00:00:00.999Z');
    expect(cache.get('AAPL')).toEqual({ bid: '1', ask: '2' });
    now = at('2026-01-01T00:00:01.000Z');
    expect(cache.get('AAPL')).toBeUndefined();
  });

  test('never kept: no validUntil (hand-stepped clock), a past one, or garbage', () => {
    const now = at('2026-01-01T00:00:00Z');
    const cache = new QuoteCache(() => now);
    cache.set('A', { ask: '1' }, undefined);
    cache.set('B', { ask: '1' }, '2025-12-31T23:59:59Z');
    cache.set('C', { ask: '1' }, 'soon');
    cache.set('D', { ask: '1' }, 1_900_000_000_000);
    expect(['A', 'B', 'C', 'D'].map((s) => cache.get(s))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  test('bounded: past the limit the oldest symbol is dropped', () => {
    const now = at('2026-01-01T00:00:00Z');
    const cache = new QuoteCache(() => now, 2);
    const until = '2026-01-01T00:00:01Z';
    cache.set('A', { ask: '1' }, until);
    cache.set('B', { ask: '2' }, until);
    cache.set('C', { ask: '3' }, until);
    expect([cache.get('A'), cache.get('B'), cache.get('C')]).toEqual([
      undefined,
      { ask: '2' },
      { ask: '3' },
    ]);
  });
});
