import { describe, expect, test } from 'vitest';
import { gatewayError, gatewayErrors } from './errors.js';

describe('gateway error registry', () => {
  test('codes and statuses', () => {
    expect(Object.entries(gatewayErrors).map(([code, E]) => [code, new E('x').statusCode])).toEqual(
      [
        ['ALP_GATEWAY_CIRCUIT_OPEN', 503],
        ['ALP_GATEWAY_UPSTREAM_TIMEOUT', 504],
        ['ALP_GATEWAY_UPSTREAM_UNAVAILABLE', 503],
        ['ALP_GATEWAY_UPSTREAM_FAILED', 502],
        ['ALP_GATEWAY_RATE_LIMITED', 429],
      ],
    );
  });

  test('gatewayError carries Retry-After seconds', () => {
    expect(gatewayError('ALP_GATEWAY_CIRCUIT_OPEN', 'risk', 7)).toMatchObject({
      code: 'ALP_GATEWAY_CIRCUIT_OPEN',
      statusCode: 503,
      message: 'upstream risk is unavailable (circuit open)',
      retryAfterSec: 7,
    });
    expect(gatewayError('ALP_GATEWAY_RATE_LIMITED', undefined)).toMatchObject({
      message: 'rate limit exceeded, retry later',
    });
  });
});
