import Fastify, { type FastifyInstance } from 'fastify';

/*
 * Tiny stand-ins for risk and broker at the trading service's outer edge, speaking exactly
 * their contracts (POST /internal/risk/check; POST /internal/broker/orders, .../cancel,
 * GET /internal/broker/orders/:clientOrderId, GET /api/v1/market/quotes). Tests switch their behaviour and read what they received.
 */

export type RiskMode = 'approve' | 'reject' | 'down';
/** `lost-answer`: the broker takes the order (fills it) but its answer never arrives (503). */
export type BrokerMode = 'fill' | 'rest' | 'reject' | 'down' | 'lost-answer';

export interface FakeUpstreams {
  readonly riskUrl: string;
  readonly brokerUrl: string;
  risk: { mode: RiskMode; calls: Record<string, unknown>[] };
  broker: {
    mode: BrokerMode;
    orders: Record<string, unknown>[];
    cancels: string[];
    /** Client order ids asked for on GET /internal/broker/orders/:clientOrderId. */
    lookups: string[];
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
    risk: { mode: 'approve', calls: [] },
    broker: { mode: 'fill', orders: [], cancels: [], lookups: [], quoteCalls: [] },
  };
  const risk = Fastify();
  risk.post('/internal/risk/check', async (request, reply) => {
    state.risk.calls.push(request.body as Record<string, unknown>);
    if (state.risk.mode === 'down') return reply.code(503).send({ code: 'DOWN' });
    if (state.risk.mode === 'reject') {
      return {
        approved: false,
        rule: 'kill-switch',
        code: 'ALP_RISK_KILL_SWITCH',
        reason: 'trading is halted',
      };
    }
    return { approved: true };
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
  broker.post('/internal/broker/orders', async (request, reply) => {
    const body = request.body as Record<string, string>;
    state.broker.orders.push(body);
    if (state.broker.mode === 'down') return reply.code(503).send({ code: 'DOWN' });
    const cid = body.clientOrderId!;
    const seen = known.get(cid);
    if (seen) return seen;
    let answer: Record<string, unknown>;
    if (state.broker.mode === 'reject') {
      return reply
        .code(422)
        .type('application/problem+json')
        .send({ status: 422, code: 'ALP_BROKER_INSUFFICIENT_FUNDS', detail: 'insufficient funds' });
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
    if (state.broker.mode === 'lost-answer') return reply.code(503).send({ code: 'LOST' });
    return answer;
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
