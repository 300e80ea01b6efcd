import { describe, expect, test } from 'vitest';
import { services } from '../../../../services/catalog.js';
import { cpuMillis, memoryBytes } from '../../manifests/quantity.js';
import { replicaProblems, resourceProblems } from './workload.js';

describe('V016 resources', () => {
  test('quantities', () => {
    expect(cpuMillis('250m')).toBe(250);
    expect(cpuMillis('1')).toBe(1000);
    expect(cpuMillis('lots')).toBeUndefined();
    expect(memoryBytes('128Mi')).toBe(128 * 2 ** 20);
    expect(memoryBytes('1G')).toBe(1e9);
  });

  test('the catalog passes; a limit below its request, a missing or bad field fail', () => {
    expect(resourceProblems(services)).toEqual([]);
    expect(
      resourceProblems([
        {
          name: 'x',
          resources: {
            cpuRequest: '500m',
            cpuLimit: '250m',
            memoryRequest: 'big',
            memoryLimit: '1Gi',
          },
        },
        { name: 'y', resources: { cpuRequest: '1', cpuLimit: '1', memoryLimit: '1Gi' } },
      ]),
    ).toEqual([
      'x: memoryRequest big is not a positive quantity',
      'x: cpuLimit 250m is below cpuRequest 500m',
      'y: no memoryRequest',
    ]);
  });
});

describe('V022 replicas', () => {
  test('a critical service with one replica fails', () => {
    expect(replicaProblems(services)).toEqual([]);
    expect(replicaProblems([{ name: 'risk', critical: true, replicas: 1 }])).toEqual([
      'risk is critical but runs 1 replica',
    ]);
  });
});
