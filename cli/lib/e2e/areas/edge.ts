import assert from 'node:assert/strict';
import { LOCAL_CORS_ORIGINS } from '../../runtime/local/env.js';
import { bodyOf, expectProblem, expectStatus } from '../expect.js';
import { headerOf } from '../http.js';
import { area } from '../suite.js';

/** The origin the local gateway allows by default (CORS_ORIGINS overrides both). */
const ALLOWED_ORIGIN =
  process.env.CORS_ORIGINS?.split(',')[0]?.trim() ?? LOCAL_CORS_ORIGINS.split(',')[0]!;
const UNKNOWN_ORIGIN = 'https://evil.example';

export const edge = area('edge', [
  {
    id: 'E01',
    title: 'health through the gateway',
    async run(t) {
      const live = await t.call('GET', '/health/live');
      expectStatus(live, 200, 'GET /health/live');
      const ready = await t.call('GET', '/health/ready');
      expectStatus(ready, 200, 'GET /health/ready');
      assert.equal(bodyOf(ready, 'ready').status, 'ready', 'readiness says ready');
    },
  },
  {
    id: 'E02',
    title: 'an unknown route answers problem+json 404',
    async run(t) {
      const res = await t.call('GET', '/api/v1/no-such-area/anything');
      expectStatus(res, 404, 'unknown route');
      assert.match(headerOf(res, 'content-type') ?? '', /^application\/problem\+json/);
      const problem = bodyOf(res, 'problem');
      assert.equal(problem.status, 404);
      assert.equal(typeof problem.code, 'string', 'a stable error code');
      assert.equal(typeof problem.title, 'string');
    },
  },
  {
    id: 'E03',
    title: 'CORS preflight for an allowed origin',
    async run(t) {
      const res = await t.call('OPTIONS', '/api/v1/orders', {
        headers: {
          origin: ALLOWED_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expectStatus(res, 204, 'preflight');
      assert.equal(headerOf(res, 'access-control-allow-origin'), ALLOWED_ORIGIN);
      assert.equal(headerOf(res, 'access-control-allow-credentials'), 'true');
      assert.match(headerOf(res, 'access-control-allow-methods') ?? '', /POST/);
      assert.match(headerOf(res, 'vary') ?? '', /Origin/i);
    },
  },
  {
    id: 'E04',
    title: 'an unknown origin is not reflected',
    async run(t) {
      const user = await t.user();
      for (const method of ['GET', 'OPTIONS'] as const) {
        const res = await user.call(method, '/api/v1/users/me', {
          headers: { origin: UNKNOWN_ORIGIN, 'access-control-request-method': 'GET' },
        });
        expectStatus(res, method === 'GET' ? 200 : 204, `${method} from an unknown origin`);
        assert.equal(
          headerOf(res, 'access-control-allow-origin'),
          undefined,
          `${method}: no grant`,
        );
        assert.equal(headerOf(res, 'access-control-allow-credentials'), undefined);
      }
    },
  },
  {
    id: 'E05',
    title: 'security headers on every answer',
    async run(t) {
      const user = await t.user();
      const answers = [
        await user.call('GET', '/api/v1/users/me'),
        await t.call('GET', '/api/v1/users/me'),
        await t.call('GET', '/api/v1/no-such-area'),
      ];
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 401, 404],
      );
      for (const res of answers) {
        assert.equal(headerOf(res, 'x-content-type-options'), 'nosniff', `${res.status}: nosniff`);
        assert.match(headerOf(res, 'strict-transport-security') ?? '', /max-age=\d+/);
        assert.ok(headerOf(res, 'content-security-policy'), `${res.status}: a CSP`);
        assert.ok(
          headerOf(res, 'x-frame-options') ??
            headerOf(res, 'content-security-policy')?.includes('frame-ancestors'),
        );
        assert.equal(headerOf(res, 'x-powered-by'), undefined, `${res.status}: no x-powered-by`);
        assert.ok(headerOf(res, 'x-request-id'), `${res.status}: a request id`);
      }
    },
  },
  {
    id: 'E06',
    title: 'an oversize body answers 413',
    async run(t) {
      const user = await t.user();
      // Just over the 256 KiB limit: refused on its length, before anything reads it.
      const big = JSON.stringify({ displayName: 'x'.repeat(300 * 1024) });
      const res = await user.call('PATCH', '/api/v1/users/me', {
        rawBody: big,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 413, 'ALP_REQUEST_TOO_LARGE', 'a 300 KiB body');
      const after = await user.call('GET', '/api/v1/users/me');
      expectStatus(after, 200, 'the profile is still there');
    },
  },
]);
