import { describe, expect, test } from 'vitest';
import {
  catalog,
  databaseOf,
  portOf,
  SERVICE_NAMES,
  services,
  startOrder,
  upstreamEnvVar,
  type ServiceSpec,
} from './catalog.js';

describe('the service catalog', () => {
  test('declares exactly the ten platform services, each under its own name', () => {
    expect(SERVICE_NAMES).toHaveLength(10);
    for (const name of SERVICE_NAMES) expect(catalog[name].name).toBe(name);
  });

  test('names and ports are unique, ports clear of the standard Postgres/Redis ports', () => {
    const ports = services.map((s) => s.port);
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).not.toContain(5432);
    expect(ports).not.toContain(6379);
  });

  test('every dependency is known and the graph has no cycle', () => {
    const order = startOrder().map((s) => s.name);
    expect(order).toHaveLength(10);
    for (const s of services) {
      for (const d of s.dependsOn) expect(order.indexOf(d)).toBeLessThan(order.indexOf(s.name));
    }
  });

  test('a cycle is refused, naming the services in it', () => {
    const a = { ...catalog.risk, dependsOn: ['broker'] } as ServiceSpec;
    const b = { ...catalog.broker, dependsOn: ['risk'] } as ServiceSpec;
    expect(() => startOrder([catalog.auth, a, b])).toThrow('dependency cycle among: risk, broker');
  });

  test('an unknown dependency is refused', () => {
    const bad = { ...catalog.risk, dependsOn: ['ghost'] } as unknown as ServiceSpec;
    expect(() => startOrder([bad])).toThrow('risk depends on unknown service ghost');
  });

  test('gateway route prefixes are unique across services', () => {
    const prefixes = services.flatMap((s) => s.routes.map((r) => r.prefix));
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const s of services) {
      for (const r of s.routes) {
        for (const p of r.public ?? []) expect(p.startsWith(r.prefix)).toBe(true);
      }
    }
  });

  test('derived names', () => {
    expect(databaseOf('no-code')).toEqual({ database: 'alphintra_no_code', role: 'no_code' });
    expect(upstreamEnvVar('graphql-gateway')).toBe('GRAPHQL_GATEWAY_URL');
    expect(portOf('trading')).toBe(4020);
    expect(portOf('trading', 7000)).toBe(7020);
  });
});
