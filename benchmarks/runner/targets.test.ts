import { describe, expect, test } from 'vitest';
import { recordedInstance, runtimeState } from '../../test/support/runtime-state.js';
import { targetUrlsOf } from './targets.js';

const state = runtimeState([
  recordedInstance('gateway', 1, 6100, 11),
  recordedInstance('gateway', 0, 6000, 10),
  recordedInstance('user', 0, 6011, 12),
]);

describe('targetUrlsOf', () => {
  test('the lowest-index live instance of each service', () => {
    expect(targetUrlsOf(state, () => true)).toEqual({
      gateway: 'http://127.0.0.1:6000',
      user: 'http://127.0.0.1:6011',
    });
  });

  test('dead instances are skipped: the next live one, or none', () => {
    expect(targetUrlsOf(state, (pid) => pid === 11)).toEqual({ gateway: 'http://127.0.0.1:6100' });
  });
});
