import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { batchJobId, eventsOfJob } from './batch.js';
import type { EventEnvelope } from './types.js';

const event = (): EventEnvelope => ({
  id: randomUUID(),
  topic: 'OrderFilled',
  key: null,
  source: 'trading',
  occurredAt: '2026-12-07T00:00:00.000Z',
  payload: {},
});

describe('event batches on the bus', () => {
  test('a job of one event has the event’s id; a batch a UUID of its events, in order', () => {
    const [a, b, c] = [event(), event(), event()];
    expect(batchJobId([a])).toBe(a.id);
    const ab = batchJobId([a, b]);
    expect(ab).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(batchJobId([a, b])).toBe(ab);
    expect(batchJobId([b, a])).not.toBe(ab);
    expect(batchJobId([a, b, c])).not.toBe(ab);
  });

  test('a job’s events: a batch’s list, or the single event jobs of earlier versions carry', () => {
    const [a, b] = [event(), event()];
    expect(eventsOfJob({ events: [a, b] })).toEqual([a, b]);
    expect(eventsOfJob(a)).toEqual([a]);
  });
});
