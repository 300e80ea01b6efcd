import { describe, expect, test } from 'vitest';
import { scenarios } from '../scenarios/registry.js';
import { effectiveScenario, validateOptions } from './run-bench.js';

describe('validateOptions', () => {
  test('valid options pass', () => {
    expect(() =>
      validateOptions({
        scenarios: ['read', 'order'],
        durationS: 5,
        connections: 10,
        warmupS: 0,
        users: 3,
        rate: 500,
        repeat: 3,
        settleS: 0,
      }),
    ).not.toThrow();
  });

  test('every problem is reported at once, as a usage error (exit 2)', () => {
    expect(() =>
      validateOptions({
        scenarios: ['read'],
        durationS: 0,
        connections: 1.5,
        rate: 0,
        repeat: 21,
        settleS: -1,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'ALP_BENCH_INVALID_OPTION',
        exitCode: 2,
        message: '5 invalid options',
        problems: [
          '--duration must be an integer from 1 to 3600 (got 0)',
          '--connections must be an integer from 1 to 10000 (got 1.5)',
          '--rate must be an integer from 1 to 100000 (got 0)',
          '--repeat must be an integer from 1 to 20 (got 21)',
          '--settle must be an integer from 0 to 600 (got -1)',
        ],
      }),
    );
  });

  test('an unknown scenario names the known ones', () => {
    expect(() => validateOptions({ scenarios: ['graphql'], repeat: 1 })).toThrow(
      expect.objectContaining({
        code: 'ALP_BENCH_UNKNOWN_SCENARIO',
        exitCode: 2,
        message: 'unknown scenario "graphql"',
        suggestions: [
          'known scenarios: gateway, read, order, orders-read',
          'see alphintra bench --help',
        ],
      }),
    );
  });
});

describe('effectiveScenario', () => {
  test('flags override the scenario; unset flags keep it; users default to 1', () => {
    expect(effectiveScenario(scenarios.read, { durationS: 2 })).toMatchObject({
      durationS: 2,
      connections: 100,
      warmupS: 3,
      users: 1,
    });
    expect(effectiveScenario(scenarios.order, { connections: 8, warmupS: 0 })).toMatchObject({
      durationS: 20,
      connections: 8,
      warmupS: 0,
      users: 10,
    });
  });
});
