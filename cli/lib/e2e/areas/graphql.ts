import assert from 'node:assert/strict';
import { bodyOf, expectStatus } from '../expect.js';
import { area } from '../suite.js';

/** Nests `dependencies` `levels` times under platform.services: depth = levels + 3. */
const nested = (levels: number) =>
  `{ platform { services { ${'dependencies { '.repeat(levels)}name${' }'.repeat(levels)} } } }`;

export const graphql = area('graphql', [
  {
    id: 'E56',
    title: 'a query across two services',
    missing:
      'fields over the services: the graph has only `platform { services }` (read from the catalog); no field resolves data from another service (users, orders, positions, market data)',
  },
  {
    id: 'E57',
    title: 'a mutation placing an order',
    missing: 'mutations: the graph has no Mutation type (no placeOrder forwarding to trading)',
  },
  {
    id: 'E58',
    title: 'a subscription receiving an order update',
    missing:
      'subscriptions: the graph has no Subscription type and /graphql serves no WebSocket (no order updates)',
  },
  {
    id: 'E59',
    title: 'the depth limit is enforced',
    async run(t) {
      const user = await t.user();
      // Depth 8 (platform > services > dependencies x5 > name) is the most allowed.
      const atLimit = await user.call('POST', '/graphql', { body: { query: nested(5) } });
      expectStatus(atLimit, 200, 'a query of depth 8');
      const data = bodyOf<{ data?: { platform?: { services?: unknown[] } }; errors?: unknown }>(
        atLimit,
        'depth 8',
      );
      assert.equal(data.errors, undefined, 'no errors at the limit');
      assert.equal(data.data?.platform?.services?.length, 10, 'every service listed');

      for (const [levels, depth] of [
        [6, 9],
        [20, 23],
      ] as const) {
        const res = await user.call('POST', '/graphql', { body: { query: nested(levels) } });
        expectStatus(res, 400, `a query of depth ${depth}`);
        assert.deepEqual(res.body, {
          data: null,
          errors: [
            {
              message: `\`unnamedQuery query depth (${depth}) exceeds the query depth limit of 8\``,
            },
          ],
        });
      }
      // The same refusal for a named operation sent by GET.
      const named = `query Deep ${nested(6)}`;
      const viaGet = await user.call('GET', `/graphql?query=${encodeURIComponent(named)}`);
      expectStatus(viaGet, 400, 'a deep query by GET');
      assert.deepEqual(bodyOf(viaGet, 'GET').errors, [
        { message: '`Deep query depth (9) exceeds the query depth limit of 8`' },
      ]);
    },
  },
  {
    id: 'E60',
    title: "another user's objects are invisible",
    missing:
      'per-user objects in the graph: no field returns user data (orders, positions, profile) and the caller is not forwarded to the services',
  },
]);
