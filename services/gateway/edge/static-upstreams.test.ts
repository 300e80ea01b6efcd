import { describe, expect, test } from 'vitest';
import { staticUpstreamUrls } from './static-upstreams.js';

describe('static upstream URLs (no discovery registry)', () => {
  test('local layout: ports shifted like AUTH_URL, same host', () => {
    expect(
      staticUpstreamUrls({ AUTH_URL: 'http://127.0.0.1:5010' }, ['auth', 'trading', 'no-code']),
    ).toEqual({
      auth: 'http://127.0.0.1:5010',
      trading: 'http://127.0.0.1:5020',
      'no-code': 'http://127.0.0.1:5031',
    });
  });

  test('Kubernetes Service DNS: each service by name on its catalog port', () => {
    expect(staticUpstreamUrls({ AUTH_URL: 'http://auth:4010' }, ['auth', 'risk'])).toEqual({
      auth: 'http://auth:4010',
      risk: 'http://risk:4021',
    });
  });

  test('an explicit <UPSTREAM>_URL wins', () => {
    expect(
      staticUpstreamUrls(
        { AUTH_URL: 'http://127.0.0.1:4010', TRADING_URL: 'http://10.0.0.7:9000/' },
        ['trading'],
      ),
    ).toEqual({ trading: 'http://10.0.0.7:9000' });
  });
});
