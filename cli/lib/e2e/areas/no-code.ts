import assert from 'node:assert/strict';
import { bodyOf, expectProblem, expectStatus } from '../expect.js';
import { headerOf } from '../http.js';
import { area } from '../suite.js';

interface PortRef {
  node: string;
  port: string;
}
interface Workflow {
  nodes: { id: string; component: string; config?: Record<string, unknown> }[];
  edges: { from: PortRef; to: PortRef }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const edge = (from: string, to: string) => {
  const [fn, fp] = from.split('.') as [string, string];
  const [tn, tp] = to.split('.') as [string, string];
  return { from: { node: fn, port: fp }, to: { node: tn, port: tp } };
};

/** An SMA crossover drawn as a client draws it: 10/30 on MSFT hourly, capped at 25.50 units. */
function smaCrossover(): Workflow {
  return {
    nodes: [
      { id: 'md', component: 'market-data', config: { symbol: 'MSFT', timeframe: '1h' } },
      { id: 'fast', component: 'sma', config: { period: 10 } },
      { id: 'slow', component: 'sma', config: { period: 30 } },
      { id: 'up', component: 'crosses-above' },
      { id: 'down', component: 'crosses-below' },
      { id: 'buy', component: 'buy' },
      { id: 'sell', component: 'sell' },
      { id: 'cap', component: 'max-position', config: { quantity: '25.50' } },
    ],
    edges: [
      edge('md.close', 'fast.source'),
      edge('md.close', 'slow.source'),
      edge('fast.value', 'up.a'),
      edge('slow.value', 'up.b'),
      edge('fast.value', 'down.a'),
      edge('slow.value', 'down.b'),
      edge('up.signal', 'buy.trigger'),
      edge('down.signal', 'sell.trigger'),
    ],
  };
}

export const noCode = area('no-code', [
  {
    id: 'E48',
    title: 'create a workflow',
    async run(t) {
      const [owner, other] = await Promise.all([t.user(), t.user()]);
      const res = await owner.call('POST', '/api/v1/workflows', {
        body: { name: 'MSFT crossover', workflow: smaCrossover() },
      });
      expectStatus(res, 201, 'create');
      const created = bodyOf<{
        id?: string;
        name?: string;
        workflow?: unknown;
        createdAt?: string;
      }>(res, 'created workflow');
      assert.match(created.id ?? '', UUID, 'an id');
      assert.equal(headerOf(res, 'location'), `/api/v1/workflows/${created.id}`);
      assert.equal(created.name, 'MSFT crossover');
      assert.deepEqual(created.workflow, smaCrossover(), 'the workflow as sent');
      assert.ok(!Number.isNaN(Date.parse(created.createdAt ?? '')), 'a creation time');

      const read = await owner.call('GET', `/api/v1/workflows/${created.id}`);
      expectStatus(read, 200, 'read back');
      assert.deepEqual(read.body, created);
      const theirs = await other.call('GET', `/api/v1/workflows/${created.id}`);
      expectProblem(theirs, 404, 'ALP_WORKFLOW_NOT_FOUND', "another user's workflow");

      // An invalid workflow is not stored: a buy with nothing triggering it.
      const broken = smaCrossover();
      broken.edges.pop();
      broken.edges.splice(6, 1);
      const bad = await owner.call('POST', '/api/v1/workflows', {
        body: { name: 'broken', workflow: broken },
      });
      expectProblem(bad, 400, 'ALP_WORKFLOW_INVALID', 'an invalid workflow');
      assert.deepEqual(bodyOf(bad, 'refusal').findings, [
        {
          kind: 'missing-required-input',
          message: 'node "buy" (buy) needs its input "trigger" (signal) connected',
          nodes: ['buy'],
        },
        {
          kind: 'missing-required-input',
          message: 'node "sell" (sell) needs its input "trigger" (signal) connected',
          nodes: ['sell'],
        },
      ]);
    },
  },
  {
    id: 'E49',
    title: 'a cycle is rejected with the offending nodes',
    async run(t) {
      const user = await t.user();
      // md -> a(sma) -> b(ema) -> c(rsi) -> a: every input is fed, the only fault is the loop.
      const cyclic: Workflow = {
        nodes: [
          { id: 'md', component: 'market-data', config: { symbol: 'AAPL' } },
          { id: 'c', component: 'rsi', config: { period: 14 } },
          { id: 'a', component: 'sma', config: { period: 5 } },
          { id: 'b', component: 'ema', config: { period: 8 } },
        ],
        edges: [
          edge('a.value', 'b.source'),
          edge('b.value', 'c.source'),
          edge('c.value', 'a.source'),
        ],
      };
      for (const route of ['validate', 'compile']) {
        const res = await user.call('POST', `/api/v1/workflows/${route}`, { body: cyclic });
        expectProblem(res, 400, 'ALP_WORKFLOW_INVALID', `${route} of a cyclic workflow`);
        const problem = bodyOf<{ detail?: string; findings?: unknown }>(res, route);
        // The nodes in cycle order, starting at the first one declared (c).
        assert.deepEqual(
          problem.findings,
          [{ kind: 'cycle', message: 'cycle: c -> a -> b -> c', nodes: ['c', 'a', 'b'] }],
          `${route}: exactly one finding, the cycle`,
        );
        assert.equal(problem.detail, 'workflow is invalid: cycle: c -> a -> b -> c');
      }
      // The same graph with the loop cut (a fed by the market data) is valid.
      const cut = structuredClone(cyclic);
      cut.edges[2] = edge('md.close', 'a.source');
      const ok = await user.call('POST', '/api/v1/workflows/validate', { body: cut });
      expectStatus(ok, 200, 'validate without the cycle');
      assert.deepEqual(ok.body, { valid: true });
    },
  },
  {
    id: 'E50',
    title: 'compile produces a strategy the strategy service accepts',
    async run(t) {
      const user = await t.user();
      const res = await user.call('POST', '/api/v1/workflows/compile', { body: smaCrossover() });
      expectStatus(res, 200, 'compile');
      const strategy = {
        type: 'sma-crossover',
        parameters: { symbol: 'MSFT', maxPosition: '25.5', timeframe: '1h', fast: 10, slow: 30 },
      };
      assert.deepEqual(res.body, strategy, 'the compiled definition');
      // The strategy service takes the compiled definition as it is (already normalised).
      const checked = await user.call('POST', '/api/v1/strategies/validate', { body: res.body });
      expectStatus(checked, 200, 'strategy validation of the compiled definition');
      assert.deepEqual(checked.body, { valid: true, normalised: strategy });

      // A valid drawing with the SMAs swapped (fast slower than slow) is refused, not compiled.
      const swapped = smaCrossover();
      swapped.nodes[1]!.config = { period: 40 };
      const refused = await user.call('POST', '/api/v1/workflows/compile', { body: swapped });
      expectProblem(refused, 422, 'ALP_WORKFLOW_NOT_COMPILABLE', 'compile with fast >= slow');
      assert.deepEqual(bodyOf(refused, 'refusal').problems, [
        'the fast SMA (fast.value, period 40) must be shorter than the slow SMA (slow.value, period 30)',
      ]);
    },
  },
  {
    id: 'E51',
    title: 'template instantiation',
    async run(t) {
      const user = await t.user();
      const list = await user.call('GET', '/api/v1/workflows/templates');
      expectStatus(list, 200, 'templates');
      const templates = bodyOf<{ templates?: { id: string }[] }>(list, 'templates').templates;
      assert.deepEqual(
        templates?.map((x) => x.id),
        ['sma-crossover'],
      );

      const url = '/api/v1/workflows/templates/sma-crossover/instantiate';
      const res = await user.call('POST', url, {
        body: {
          parameters: { symbol: 'MSFT', timeframe: '1h', fast: 10, slow: 30, maxPosition: '25.50' },
        },
      });
      expectStatus(res, 200, 'instantiate');
      const made = bodyOf<{ template?: string; workflow?: Workflow }>(res, 'instance');
      assert.equal(made.template, 'sma-crossover');
      // The same graph a client would draw by hand.
      assert.deepEqual(made.workflow, smaCrossover(), 'the instantiated workflow');
      // It compiles into exactly the parameters given.
      const compiled = await user.call('POST', '/api/v1/workflows/compile', {
        body: made.workflow,
      });
      expectStatus(compiled, 200, 'compile the instance');
      assert.deepEqual(compiled.body, {
        type: 'sma-crossover',
        parameters: { symbol: 'MSFT', maxPosition: '25.5', timeframe: '1h', fast: 10, slow: 30 },
      });

      const bad = await user.call('POST', url, {
        body: { parameters: { symbol: 'MSFT', fast: 30, slow: 10 } },
      });
      expectProblem(bad, 400, 'ALP_WORKFLOW_TEMPLATE_PARAMETERS_INVALID', 'fast >= slow');
      assert.deepEqual(bodyOf(bad, 'refusal').problems, [
        { path: '/fast', message: 'Expected fast (30) to be less than slow (10)' },
      ]);
      const unknown = await user.call('POST', '/api/v1/workflows/templates/macd/instantiate', {
        body: { parameters: {} },
      });
      expectProblem(unknown, 404, 'ALP_WORKFLOW_TEMPLATE_NOT_FOUND', 'an unknown template');
    },
  },
]);
