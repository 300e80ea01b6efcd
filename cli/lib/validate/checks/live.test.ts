import { describe, expect, test } from 'vitest';
import { services } from '../../../../services/catalog.js';
import {
  GATEWAY_FAMILIES,
  metricsProblems,
  parsePrometheus,
  PROTECTED_PROBES,
  REQUIRED_FAMILIES,
  ROUTE_PROBES,
} from './live.js';

const TEXT = `# HELP process_resident_memory_bytes Resident memory.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes{service="risk",instance="risk-0"} 1234
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="+Inf",route="/x"} 3
`;

describe('Prometheus text', () => {
  test('parses types and samples, keeps what is not Prometheus', () => {
    const p = parsePrometheus(`${TEXT}garbage line here\n`);
    expect(p.types.get('http_request_duration_seconds')).toBe('histogram');
    expect(p.samples[1]).toEqual({
      name: 'http_request_duration_seconds_bucket',
      labels: { le: '+Inf', route: '/x' },
      value: 3,
    });
    expect(p.invalid).toEqual(['garbage line here']);
  });

  test('missing families, wrong types and wrong labels fail', () => {
    expect(
      metricsProblems('risk-0', TEXT, [['http_request_duration_seconds', 'histogram']], {
        service: 'risk',
        instance: 'risk-0',
      }),
    ).toEqual([]);
    expect(
      metricsProblems('risk-0', TEXT, REQUIRED_FAMILIES, { service: 'user', instance: 'user-0' }),
    ).toEqual([
      'risk-0: no process_cpu_seconds_total family',
      'risk-0: no nodejs_heap_size_used_bytes family',
      'risk-0: no nodejs_eventloop_lag_p99_seconds family',
      'risk-0: no nodejs_gc_duration_seconds family',
      'risk-0: samples labelled service=risk instance=risk-0, expected user/user-0',
    ]);
    expect(GATEWAY_FAMILIES.length).toBe(5);
  });
});

test('every gateway route prefix of the catalog has a probe under it', () => {
  const prefixes = services.flatMap((s) => s.routes.map((r) => r.prefix));
  // Exactly one probe per catalog prefix: none missing, none for a prefix the catalog lacks.
  expect(Object.keys(ROUTE_PROBES).sort()).toEqual([...prefixes].sort());
  for (const prefix of prefixes) {
    const { path } = ROUTE_PROBES[prefix]!;
    expect(path === prefix || path.startsWith(`${prefix}/`), `${prefix}: ${path}`).toBe(true);
  }
  for (const [name, probe] of Object.entries(PROTECTED_PROBES)) {
    const spec = services.find((s) => s.name === name)!;
    expect(
      spec.routes.some((r) => probe!.path.startsWith(r.prefix)),
      name,
    ).toBe(true);
  }
});
