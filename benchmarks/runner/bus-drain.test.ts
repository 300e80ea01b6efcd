import { describe, expect, test } from 'vitest';
import type { EventsView } from '../../cli/lib/runtime/local/bus-view.js';
import { describeDrain, drainBus } from './bus-drain.js';

/** A bus whose reads return the given views in turn, on a clock that sleeps instantly. */
function fakeBus(views: EventsView[]) {
  let t = 0;
  let i = 0;
  return {
    read: async () => views[Math.min(i++, views.length - 1)]!,
    options: {
      now: () => t,
      sleep: async (ms: number) => void (t += ms),
      pollMs: 250,
    },
    reads: () => i,
  };
}

const waiting = (n: number, oldest = 3): EventsView => ({
  ok: true,
  waiting: n,
  deadLettered: 0,
  oldestWaitingS: oldest,
  queues: [],
});

describe('drainBus', () => {
  test('nothing waiting: one read, drained at once', async () => {
    const bus = fakeBus([waiting(0, 0)]);
    expect(await drainBus(bus.read, bus.options)).toEqual({
      waitingAfter: 0,
      oldestWaitingS: 0,
      drainedInMs: 0,
    });
    expect(bus.reads()).toBe(1);
  });

  test('a backlog is reported as first seen, and the time until it is gone', async () => {
    const bus = fakeBus([waiting(6040, 25), waiting(2790), waiting(640), waiting(0)]);
    const d = await drainBus(bus.read, bus.options);
    expect(d).toEqual({ waitingAfter: 6040, oldestWaitingS: 25, drainedInMs: 750 });
    expect(describeDrain(d)).toBe(
      'bus: 6040 deliveries waiting after the run (oldest 25 s), drained in 0.8 s',
    );
  });

  test('a backlog that outlasts the budget is reported as not drained', async () => {
    const bus = fakeBus([waiting(10)]);
    const d = await drainBus(bus.read, { ...bus.options, budgetMs: 1000 });
    expect(d).toEqual({ waitingAfter: 10, oldestWaitingS: 3, drainedInMs: null });
    expect(describeDrain(d)).toContain('not drained within the budget');
  });

  test('an unreadable bus says why and does not wait', async () => {
    const bus = fakeBus([{ ok: false, error: 'ECONNREFUSED' }]);
    const d = await drainBus(bus.read, bus.options);
    expect(d).toEqual({
      waitingAfter: null,
      oldestWaitingS: null,
      drainedInMs: null,
      error: 'ECONNREFUSED',
    });
    expect(describeDrain(d)).toBe('bus not read (ECONNREFUSED)');
  });
});
