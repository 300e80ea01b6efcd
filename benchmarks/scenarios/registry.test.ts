import { describe, expect, test } from 'vitest';
import { SERVICE_NAMES } from '../../services/catalog.js';
import { order } from './order.js';
import { SCENARIO_IDS, scenarios } from './registry.js';

describe('scenario registry', () => {
  test('lists the scenarios of the bench issue, ids unique', () => {
    expect([...SCENARIO_IDS]).toEqual(['gateway', 'read', 'order', 'orders-read']);
    expect(new Set(SCENARIO_IDS).size).toBe(SCENARIO_IDS.length);
    expect(Object.keys(scenarios).sort()).toEqual([...SCENARIO_IDS].sort());
  });

  test.each(SCENARIO_IDS)(
    '%s: id equals key, targets are services, SLOs and load are set',
    (id) => {
      const s = scenarios[id];
      expect(s.id).toBe(id);
      expect(SERVICE_NAMES).toContain(s.target);
      if (s.compareTo) expect(SERVICE_NAMES).toContain(s.compareTo.target);
      expect(s.slo.p99Ms).toBeGreaterThan(0);
      expect(s.slo.maxErrorRate).toBeGreaterThanOrEqual(0);
      expect(s.slo.minRps).toBeGreaterThanOrEqual(0);
      expect(s.connections).toBeGreaterThan(0);
      expect(s.durationS).toBeGreaterThan(0);
      expect(s.warmupS).toBeGreaterThan(0);
      expect(s.request.path.startsWith('/api/v1/')).toBe(true);
      expect(s.source.length).toBeGreaterThan(10);
    },
  );

  test('the gates of issues 4 and 5', () => {
    expect(scenarios.read.compareTo).toEqual({
      target: 'user',
      minThroughputRatio: 0.6,
      maxAddedP50Ms: 1.5,
      maxAddedP99Ms: 3,
    });
    expect(scenarios.order).toMatchObject({
      connections: 50,
      durationS: 20,
      slo: { minRps: 1000, maxErrorRate: 0, openModelP99Ms: 20 },
    });
    expect(scenarios['orders-read']).toMatchObject({
      connections: 100,
      slo: { minRps: 4000, p99Ms: 40, maxErrorRate: 0 },
      compareTo: { target: 'trading' },
    });
  });

  test('every order carries a fresh Idempotency-Key and a decimal-string quantity', () => {
    const h = order.request.headers;
    const a = h()['idempotency-key'];
    const b = h()['idempotency-key'];
    expect(a).toMatch(/^bench-[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
    expect(order.request.body()).toEqual({
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      quantity: '1',
    });
  });
});
