import { describe, expect, test } from 'vitest';
import { CallSignal } from './call-signal.js';

describe('CallSignal', () => {
  test('aborts once and keeps the first reason', () => {
    const signal = new CallSignal();
    const seen: unknown[] = [];
    signal.on('abort', (reason) => seen.push(reason));
    signal.abort('first');
    signal.abort('second');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('first');
    expect(seen).toEqual(['first']);
  });
});
