import { describe, expect, test } from 'vitest';
import { catalog, services, type ServiceSpec } from '../../catalog.js';
import { buildRouteTable } from './route-table.js';

const table = buildRouteTable(services);

describe('route table from the catalog', () => {
  test.each([
    ['/api/v1/auth/login', 'auth', true],
    ['/api/v1/auth/register', 'auth', true],
    ['/api/v1/auth/refresh', 'auth', true],
    ['/api/v1/auth/logout', 'auth', true],
    ['/api/v1/auth/me', 'auth', false],
    ['/api/v1/auth/login?next=/x', 'auth', true],
    ['/.well-known/jwks.json', 'auth', true],
    ['/api/v1/users/me', 'user', false],
    ['/api/v1/orders', 'trading', false],
    ['/api/v1/orders/123/cancel', 'trading', false],
    ['/api/v1/positions', 'trading', false],
    ['/api/v1/risk/limits', 'risk', false],
    ['/api/v1/market/quotes/AAPL', 'broker', false],
    ['/api/v1/accounts/me', 'broker', false],
    ['/api/v1/strategies', 'strategy', false],
    ['/api/v1/workflows/1', 'no-code', false],
    ['/api/v1/notifications', 'notification', false],
    ['/graphql', 'graphql-gateway', false],
  ])('%s → %s (public %s)', (path, service, isPublic) => {
    expect(table.match(path)).toMatchObject({ service, public: isPublic });
  });

  test.each([
    '/',
    '/api/v1',
    '/api/v1/ordersX',
    '/api/v1/unknown/x',
    '/internal/service-tokens',
    '/API/v1/orders',
    '/api/v1/auth/login/../../users/me',
    '/api/v1/auth/./me',
    '/api/v1/auth/login/..%2F..%2Fusers',
    '/api/v1/auth/login/%2e%2e/x',
    '/api/v1//orders',
    '/api/v1/orders\\x',
    'api/v1/orders',
    '/api/v1/orders/\u0000',
  ])('%j → null', (path) => {
    expect(table.match(path)).toBeNull();
  });

  test.each(['/api/v1/auth/login/', '/api/v1/auth/login/x'])(
    '%s is under auth but not public',
    (path) => {
      expect(table.match(path)).toEqual({
        service: 'auth',
        prefix: '/api/v1/auth',
        public: false,
        websocket: false,
      });
    },
  );

  test('only the routes the catalog marks take WebSocket upgrades', () => {
    expect(table.match('/graphql')?.websocket).toBe(true);
    expect(table.match('/api/v1/orders/x')?.websocket).toBe(false);
  });

  test('every catalog route is in the table', () => {
    const expected = services.flatMap((s) =>
      s.routes.map((r) => ({ prefix: r.prefix, service: s.name })),
    );
    expect([...table.routes].sort((a, b) => a.prefix.localeCompare(b.prefix))).toEqual(
      expected.sort((a, b) => a.prefix.localeCompare(b.prefix)),
    );
  });

  const spec = (name: ServiceSpec['name'], routes: ServiceSpec['routes']): ServiceSpec => ({
    ...catalog[name],
    routes,
  });

  test('longest prefix wins', () => {
    const t = buildRouteTable([
      spec('trading', [{ prefix: '/api/v1/orders' }]),
      spec('risk', [{ prefix: '/api/v1/orders/risk' }]),
    ]);
    expect(t.match('/api/v1/orders/risk/x')?.service).toBe('risk');
    expect(t.match('/api/v1/orders/riskless')?.service).toBe('trading');
  });

  test.each([
    [
      [spec('trading', [{ prefix: '/a' }]), spec('risk', [{ prefix: '/a' }])],
      /claimed by trading and risk/,
    ],
    [[spec('trading', [{ prefix: '/a/' }])], /must start with \/ and not end with \//],
    [[spec('trading', [{ prefix: '/a', public: ['/b'] }])], /not under its prefix/],
  ])('refuses a bad catalog (%#)', (list, msg) => {
    expect(() => buildRouteTable(list)).toThrow(msg);
  });
});
