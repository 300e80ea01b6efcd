import { describe, expect, test } from 'vitest';
import { SERVICE_NAMES } from '../../services/catalog.js';
import { PG_PORT_OFFSET } from '../../cli/lib/runtime/local/options.js';
import { planInstances } from '../../cli/lib/runtime/local/port-plan.js';

describe('planInstances', () => {
  test('one instance per service on the catalog ports shifted by the base', () => {
    const plan = planInstances(5000, {});
    expect(plan.map((i) => `${i.id}:${i.port}`)).toEqual([
      'gateway-0:5000',
      'graphql-gateway-0:5001',
      'auth-0:5010',
      'user-0:5011',
      'trading-0:5020',
      'risk-0:5021',
      'broker-0:5022',
      'strategy-0:5030',
      'no-code-0:5031',
      'notification-0:5040',
    ]);
  });

  test('extra instances sit 100 ports above the previous one', () => {
    const plan = planInstances(4000, { trading: 3 }).filter((i) => i.service === 'trading');
    expect(plan).toEqual([
      { service: 'trading', index: 0, id: 'trading-0', port: 4020 },
      { service: 'trading', index: 1, id: 'trading-1', port: 4120 },
      { service: 'trading', index: 2, id: 'trading-2', port: 4220 },
    ]);
  });

  test('at the maximum scale no two ports collide, nor with the embedded PostgreSQL', () => {
    const all = Object.fromEntries(SERVICE_NAMES.map((n) => [n, 10]));
    const ports = planInstances(4000, all).map((i) => i.port);
    expect(ports).toHaveLength(100);
    expect(new Set([...ports, 4000 + PG_PORT_OFFSET]).size).toBe(101);
  });
});
