import type autocannon from 'autocannon';
import { describe, expect, test } from 'vitest';
import { statsFromAutocannon } from './autocannon-stats.js';

// The fields of an autocannon 9 result that the conversion reads.
const result = {
  duration: 10.02,
  errors: 2,
  non2xx: 8,
  requests: { total: 4000, sent: 4050 },
  statusCodeStats: { '200': { count: 3992 }, '503': { count: 8 } },
  latency: { p50: 20, p90: 35, p99: 80, p99_9: 120, max: 240, mean: 22.4567 },
} as unknown as autocannon.Result;

describe('statsFromAutocannon', () => {
  test('throughput over the measured duration, failures (refusals included) over all attempts', () => {
    expect(
      statsFromAutocannon(result, {
        target: 'gateway',
        url: 'http://127.0.0.1:6000/api/v1/orders',
        connections: 50,
        loadAverage: { before: [1, 2, 3], after: [4, 5, 6] },
        refusals: { refused: 5, refusalCounts: { 'Rejected: ALP_ORDERS_RISK_UNAVAILABLE': 5 } },
      }),
    ).toEqual({
      mode: 'closed',
      target: 'gateway',
      url: 'http://127.0.0.1:6000/api/v1/orders',
      connections: 50,
      rate: null,
      durationS: 10.02,
      requests: 4000,
      sent: 4050,
      rps: 399.202,
      latencyMs: { p50: 20, p90: 35, p99: 80, p999: 120, max: 240, mean: 22.457 },
      latencyResolutionMs: 1,
      errors: 2,
      non2xx: 8,
      refused: 5,
      refusalCounts: { 'Rejected: ALP_ORDERS_RISK_UNAVAILABLE': 5 },
      // Refusals are failures too, but still answers: rps keeps counting them.
      errorRate: 15 / 4002,
      statusCounts: { '200': 3992, '503': 8 },
      loadAverage: { before: [1, 2, 3], after: [4, 5, 6] },
    });
  });
});
