import Fastify, { type FastifyInstance } from 'fastify';

/*
 * Tiny stand-ins for risk and broker at the trading service's outer edge, speaking exactly
 * their contracts (POST /internal/risk/check and /checks; POST /internal/broker/orders,
 * /internal/broker/order-batches, .../cancel,
 * GET /internal/broker/orders/:clientOrderId, GET /api/v1/market/quotes). Tests switch their behaviour and read what they received.
 */

/** `refuse-batches`: the batch route answers 400 (as for a check its schema refuses). */
export type RiskMode = 'approve' | 'reject' | 'down' | 'refuse-batches';
/** `lost-answer`: the broker takes the order (fills it) but its answer never arrives (503). */
/** `refuse-batches`: the batch route answers 400 (as for an order its schema refuses). */
export type BrokerMode = 'fill' | 'rest' | 'reject' | 'down' | 'lost-answer' | 'refuse-batches';

export interface FakeUpstreams {
  readonly riskUrl: string;
  readonly brokerUrl: string;
  risk: {
    mode: RiskMode;
    /** Every check received, in order, and the size of each batch that carried them. */
    calls: Record<string, unknown>[];
    batches: number[];
  };
  broker: {
    mode: BrokerMode;
    orders: Record<string, unknown>[];
    cancels: string[];
    /** Client order ids asked for on GET /internal/broker/orders/:clientOrderId. */
    lookups: string[];
    /** The size of each batch that carried orders (POST /internal/broker/order-batches). */
    batches: number[];
    /** Symbols asked for on GET /api/v1/market/quotes, one entry per call. */
    quoteCalls: string[];
    /** When set, quotes carry it as `validUntil` (as the broker does on a wall-time clock). */
    quotesValidUntil?: string;
  };
  close(): Promise<void>;
}

export const FILL_PRICE = '100.5';
export const QUOTE = { bid: '99.5', ask: '100.5', last: '100' };

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

export async function startFakeUpstreams(): Promise<FakeUpstreams> {
  const state: Pick<FakeUpstreams, 'risk' | 'broker'> = {
    risk: { mode: 'approve', calls: [], batches: [] },
    broker: { mode: 'fill', orders: [], cancels: [], lookups: [], quoteCalls: [], batches: [] },
  };
  const risk = Fastify();
  const verdict = () =>
    state.risk.mode === 'reject'
      ? {
          approved: false,
          rule: 'kill-switch',
          code: 'ALP_RISK_KILL_SWITCH',
          reason: 'trading is halted',
        }
      : { approved: true };
  risk.post('/internal/risk/check', async (request, reply) => {
    state.risk.calls.push(request.body as Record<string, unknown>);
    if (state.risk.mode === 'down') return reply.code(503).send({ code: 'DOWN' });
    return verdict();
  });
  risk.post('/internal/risk/checks', async (request, reply) => {
    const { checks } = request.body as { checks: Record<string, unknown>[] };
    state.risk.batches.push(checks.length);
    if (state.risk.mode === 'refuse-batches') {
      return reply.code(400).type('application/problem+json').send({ code: 'ALP_REQUEST_INVALID' });
    }
    state.risk.calls.push(...checks);
    if (state.risk.mode === 'down') return reply.code(503).send({ code: 'DOWN' });
    return { decisions: checks.map(verdict) };
  });

  const broker = Fastify();
  // The broker's memory of client order ids: a repeat gets the same answer, nothing new.
  const known = new Map<string, Record<string, unknown>>();
  broker.get('/api/v1/market/quotes', async (request) => {
    const symbol = (request.query as { symbols: string }).symbols;
    state.broker.quoteCalls.push(symbol);
    const validUntil = state.broker.quotesValidUntil;
    return { quotes: [{ symbol, ...QUOTE }], ...(validUntil && { validUntil }) };
  });
  /** The broker's answer to one order: its status and body, as the single route sends it. */
  function submit(body: Record<string, string>): { status: number; body: Record<string, unknown> } {
    state.broker.orders.push(body);
    if (state.broker.mode === 'down') return { status: 503, body: { code: 'DOWN' } };
    const cid = body.clientOrderId!;
    const seen = known.get(cid);
    if (seen) return { status: 200, body: seen };
    let answer: Record<string, unknown>;
    if (state.broker.mode === 'reject') {
      return {
        status: 422,
        body: { status: 422, code: 'ALP_BROKER_INSUFFICIENT_FUNDS', detail: 'insufficient funds' },
      };
    } else if (state.broker.mode === 'rest' || body.type === 'limit') {
      answer = {
        clientOrderId: cid,
        status: 'New',
        cumQty: '0',
        leavesQty: body.quantity,
        avgPrice: null,
        fills: [],
      };
    } else {
      answer = {
        clientOrderId: cid,
        status: 'Filled',
        cumQty: body.quantity,
        leavesQty: '0',
        avgPrice: FILL_PRICE,
        fills: [{ execId: `${cid}/1`, quantity: body.quantity, price: FILL_PRICE, fee: '0.25' }],
      };
    }
    known.set(cid, answer);
    if (state.broker.mode === 'lost-answer') return { status: 503, body: { code: 'LOST' } };
    return { status: 200, body: answer };
  }
  broker.post('/internal/broker/orders', async (request, reply) => {
    const { status, body } = submit(request.body as Record<string, string>);
    if (status >= 400) reply.type('application/problem+json');
    return reply.code(status).send(body);
  });
  broker.post('/internal/broker/order-batches', async (request, reply) => {
    const { orders } = request.body as { orders: Record<string, string>[] };
    state.broker.batches.push(orders.length);
    if (state.broker.mode === 'refuse-batches') {
      return reply.code(400).type('application/problem+json').send({ code: 'ALP_REQUEST_INVALID' });
    }
    // A broker that is down (or loses its answers) answers the whole call that way.
    if (state.broker.mode === 'down' || state.broker.mode === 'lost-answer') {
      orders.forEach(submit);
      return reply.code(503).send({ code: state.broker.mode === 'down' ? 'DOWN' : 'LOST' });
    }
    return {
      results: orders.map((o) => {
        const { requestId: _, ...terms } = o;
        const { status, body } = submit(terms);
        return status === 200 ? { status, order: body } : { status, ...body };
      }),
    };
  });
  broker.get('/internal/broker/orders/:cid', async (request, reply) => {
    const cid = (request.params as { cid: string }).cid;
    if (typeof (request.query as { userId?: unknown }).userId !== 'string')
      return reply.code(400).send();
    state.broker.lookups.push(cid);
    if (state.broker.mode === 'down') return reply.code(503).send({ code: 'DOWN' });
    const seen = known.get(cid);
    if (!seen) {
      return reply
        .code(404)
        .type('application/problem+json')
        .send({ status: 404, code: 'ALP_BROKER_ORDER_NOT_FOUND' });
    }
    return seen;
  });
  broker.post('/internal/broker/orders/:cid/cancel', async (request, reply) => {
    const cid = (request.params as { cid: string }).cid;
    if (typeof (request.body as { userId?: unknown }).userId !== 'string')
      return reply.code(400).send();
    state.broker.cancels.push(cid);
    if (state.broker.mode === 'down') return reply.code(503).send({ code: 'DOWN' });
    const seen = known.get(cid);
    if (!seen) return reply.code(404).send({ code: 'ALP_BROKER_ORDER_NOT_FOUND' });
    if (seen.status === 'New') {
      const canceled = { ...seen, status: 'Canceled', leavesQty: '0' };
      known.set(cid, canceled);
      return canceled;
    }
    return seen;
  });

  const [riskUrl, brokerUrl] = await Promise.all([listen(risk), listen(broker)]);
  return {
    riskUrl,
    brokerUrl,
    ...state,
    async close() {
      await Promise.all([risk.close(), broker.close()]);
    },
  };
}
