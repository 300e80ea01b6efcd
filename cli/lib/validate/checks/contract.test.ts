import { Type } from '@sinclair/typebox';
import { describe, expect, test } from 'vitest';
import { catalog, services, SERVICE_NAMES } from '../../../../services/catalog.js';
import {
  breakerProblems,
  CONFIG_SCHEMAS,
  envContractProblems,
  gatewayRouteProblems,
  pathLiterals,
  sampleEnvs,
  serviceGraphProblems,
  upstreamUrlProblems,
  type GraphNode,
} from './contract.js';

const node = (name: string, port: number, dependsOn: string[] = [], calls?: string[]) =>
  ({ name, port, dependsOn, ...(calls && { calls }) }) as unknown as GraphNode;

describe('V001 service graph', () => {
  test('the real catalog is sound', () => {
    expect(serviceGraphProblems(services)).toEqual([]);
  });

  test('a cycle, an unknown dependency, a duplicate name and port all fail', () => {
    const problems = serviceGraphProblems([
      node('a', 1, ['b']),
      node('b', 2, ['c']),
      node('c', 3, ['a']),
      node('d', 3, ['nowhere'], ['ghost']),
      node('d', 5),
    ]);
    expect(problems).toContain('dependency cycle: a → b → c → a');
    expect(problems).toContain('d depends on unknown service nowhere');
    expect(problems).toContain('d calls unknown service ghost');
    expect(problems).toContain('service name d is declared twice');
    expect(problems).toContain('port 3 is taken by c and d');
  });

  test('a service depending on itself fails', () => {
    expect(serviceGraphProblems([node('a', 1, ['a'])])).toContain('a depends on itself');
  });
});

describe('V002 env contract', () => {
  const schema = Type.Object(
    { NEEDED: Type.String(), PORT: Type.Integer(), MAYBE: Type.Optional(Type.String()) },
    { additionalProperties: false },
  );

  test('the real runtime env fits every real schema', () => {
    for (const sample of sampleEnvs()) {
      for (const [name, env] of sample.envs) {
        expect(envContractProblems(name, CONFIG_SCHEMAS[name], env), name).toEqual([]);
      }
    }
  });

  test('a missing required variable fails', () => {
    expect(envContractProblems('svc', schema, { PORT: '1' })).toEqual([
      'svc: its schema requires NEEDED, the runtime does not set it',
    ]);
  });

  test('a variable no schema reads fails; process variables are fine', () => {
    expect(
      envContractProblems('svc', schema, { NEEDED: 'x', PORT: '1', PATH: '/bin', STRAY: 'y' }),
    ).toEqual(['svc: the runtime sets STRAY, which its schema does not read']);
  });

  test('a value the schema refuses fails', () => {
    expect(envContractProblems('svc', schema, { NEEDED: 'x', PORT: 'eighty' })).toEqual([
      expect.stringMatching(/^svc: PORT="eighty": /),
    ]);
  });

  test('the real schema of trading without DATABASE_URL fails', () => {
    const env = { ...sampleEnvs()[0]!.envs.get('trading')! };
    delete env.DATABASE_URL;
    expect(envContractProblems('trading', CONFIG_SCHEMAS.trading, env)).toEqual([
      'trading: its schema requires DATABASE_URL, the runtime does not set it',
    ]);
  });
});

describe('V003 upstream URLs', () => {
  const opts = {
    host: '127.0.0.1',
    serviceAtPort: (p: number) => (p === 4021 ? ('risk' as const) : undefined),
    upstreams: ['risk' as const],
  };

  test('an URL to a declared upstream passes', () => {
    expect(upstreamUrlProblems('trading', { RISK_URL: 'http://127.0.0.1:4021' }, opts)).toEqual([]);
  });

  test('an unknown port, a wrong name, a foreign host fail', () => {
    expect(upstreamUrlProblems('trading', { RISK_URL: 'http://127.0.0.1:4999' }, opts)).toEqual([
      'trading: RISK_URL=http://127.0.0.1:4999: no catalog service listens on port 4999',
    ]);
    expect(upstreamUrlProblems('trading', { BROKER_URL: 'http://127.0.0.1:4021' }, opts)).toEqual([
      'trading: BROKER_URL=http://127.0.0.1:4021 points at risk, whose variable is RISK_URL',
    ]);
    expect(
      upstreamUrlProblems('trading', { RISK_URL: 'http://risk.example:4021' }, opts),
    ).toContain(
      'trading: RISK_URL=http://risk.example:4021 points at host risk.example, not 127.0.0.1',
    );
  });

  test('an URL to an undeclared service fails', () => {
    expect(
      upstreamUrlProblems(
        'trading',
        { RISK_URL: 'http://127.0.0.1:4021' },
        { ...opts, upstreams: [] },
      ),
    ).toEqual([
      'trading: RISK_URL points at risk, which the catalog does not list as its upstream',
    ]);
  });
});

describe('V006 gateway routes', () => {
  const served = (s: string) => (s === 'risk' ? ['/api/v1/risk/limits'] : undefined);

  test('a route to an unknown service fails', () => {
    expect(
      gatewayRouteProblems(
        [{ prefix: '/api/v1/ghosts', service: 'ghost' }],
        ['risk'],
        () => undefined,
        served,
      ),
    ).toEqual(['/api/v1/ghosts routes to ghost, which is not a catalog service']);
  });

  test('a route the service does not serve fails; one it serves passes', () => {
    const resolve = () => 'risk';
    expect(
      gatewayRouteProblems(
        [{ prefix: '/api/v1/risk', service: 'risk' }],
        ['risk'],
        resolve,
        served,
      ),
    ).toEqual([]);
    expect(
      gatewayRouteProblems(
        [{ prefix: '/api/v1/riskx', service: 'risk' }],
        ['risk'],
        resolve,
        served,
      ),
    ).toEqual(['/api/v1/riskx routes to risk, which registers no route under it']);
  });

  test('a route the table sends elsewhere fails', () => {
    expect(
      gatewayRouteProblems(
        [{ prefix: '/api/v1/risk', service: 'risk' }],
        ['risk'],
        () => 'user',
        served,
      ),
    ).toEqual(['/api/v1/risk resolves to user at the gateway, not risk']);
  });

  test('path literals ignore comments', () => {
    const src = `/** \`GET /api/v1/doc\` */\n// app.get('/api/v1/commented')\napp.get<{ A: 1 }>('/api/v1/real', h); const u = 'http://x//y';`;
    expect(pathLiterals(src)).toEqual(['/api/v1/real']);
  });
});

describe('V007 breakers', () => {
  test('every routed upstream needs a breaker, none unknown, all closed', () => {
    expect(breakerProblems(['a'], [['a', 0]], ['a'])).toEqual([]);
    expect(
      breakerProblems(
        ['a', 'b'],
        [
          ['a', 0],
          ['z', 2],
        ],
        ['a', 'b'],
      ),
    ).toEqual([
      'the gateway routes to b but has no circuit breaker for it',
      'a circuit breaker names z, which is not a catalog service',
      'the breaker of z starts in state 2, not closed (0)',
    ]);
  });
});

test('every service has a config schema', () => {
  expect(Object.keys(CONFIG_SCHEMAS).sort()).toEqual([...SERVICE_NAMES].sort());
  expect(catalog.gateway.port).toBe(4000);
});
