import { describe, expect, test } from 'vitest';
import { UserError } from '../../cli/lib/errors.js';
import { parseScale, parseUpOptions } from '../../cli/lib/runtime/local/options.js';

describe('parseUpOptions', () => {
  test('defaults', () => {
    const o = parseUpOptions({});
    expect(o).toMatchObject({
      portBase: 4000,
      pgPort: 4099,
      dbPrefix: 'alphintra',
      readyTimeoutMs: 30_000,
      profile: 'dev',
      logLevel: 'info',
      databaseUrl: undefined,
      redisUrl: undefined,
      logFilter: [],
    });
    expect(Object.values(o.scale)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  test('the embedded PostgreSQL port follows the port base unless given', () => {
    expect(parseUpOptions({ portBase: '5000' }).pgPort).toBe(5099);
    expect(parseUpOptions({ portBase: '5000', pgPort: '6543' }).pgPort).toBe(6543);
  });

  test('every problem is reported at once, exit 3', () => {
    let caught: unknown;
    try {
      parseUpOptions({
        portBase: 'abc',
        pgPort: '70000',
        readyTimeout: '0',
        dbPrefix: 'Bad-Prefix',
        profile: 'staging',
        logLevel: 'loud',
        scale: ['trading=0', 'nope=2'],
        services: ['ghost'],
        databaseUrl: 'mysql://x',
        redisUrl: 'not a url',
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    const err = caught as UserError;
    expect([err.code, err.exitCode]).toEqual(['ALP_CONFIG_INVALID', 3]);
    expect(err.message).toBe('invalid configuration (11 problems); nothing was started');
    expect(err.problems).toEqual([
      '--port-base abc: must be an integer from 1024 to 64536',
      '--pg-port 70000: must be an integer from 1024 to 65535',
      '--ready-timeout 0: must be seconds from 1 to 600',
      '--db-prefix Bad-Prefix: must match ^[a-z][a-z0-9_]{0,39}$ (lowercase letters, digits, _)',
      '--profile staging: must be one of dev, test, prod',
      '--log-level loud: must be one of trace, debug, info, warn, error, fatal, silent',
      '--scale trading=0: N must be an integer from 1 to 10',
      '--scale nope=2: unknown service "nope" (known: gateway, graphql-gateway, auth, user, trading, risk, broker, strategy, no-code, notification)',
      '--service ghost: unknown service (known: gateway, graphql-gateway, auth, user, trading, risk, broker, strategy, no-code, notification)',
      'DATABASE_URL must start with postgres:// or postgresql:// (got mysql://)',
      'REDIS_URL is not a URL',
    ]);
  });
});

describe('parseScale', () => {
  test.each([
    [['trading=3'], { trading: 3 }, []],
    [['trading=3,risk=2'], { trading: 3, risk: 2 }, []],
    [['trading=3', 'risk=2'], { trading: 3, risk: 2 }, []],
    [['trading=11'], {}, ['--scale trading=11: N must be an integer from 1 to 10']],
    [['trading=1.5'], {}, ['--scale trading=1.5: N must be an integer from 1 to 10']],
    [['trading'], {}, ['--scale trading: expected NAME=N, e.g. trading=3']],
    [['trading=2', 'trading=3'], { trading: 3 }, ['--scale trading=3: trading is scaled twice']],
  ])('%j', (entries, scaled, expectedProblems) => {
    const problems: string[] = [];
    const scale = parseScale(entries, problems);
    expect(problems).toEqual(expectedProblems);
    expect(Object.fromEntries(Object.entries(scale).filter(([, n]) => n !== 1))).toEqual(scaled);
  });
});
