import type { FastifyInstance } from 'fastify';
import { isUpstreamRejected, type CallContext } from '../../platform/index.js';
import { batchersBy, settledValue, type Settled } from '../../platform/batcher.js';
import { batchSizes } from '../orders/batch-metrics.js';

export interface RiskCheckInput {
  readonly userId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  readonly price: string;
}

export type RiskVerdict =
  | { readonly approved: true }
  | {
      readonly approved: false;
      readonly rule?: string;
      readonly code: string;
      readonly reason?: string;
    }
  /** Risk could not be asked (down, slow, or an answer we do not understand): fail closed. */
  | { readonly approved: false; readonly unavailable: true; readonly code: string };

const UNAVAILABLE: RiskVerdict = {
  approved: false,
  unavailable: true,
  code: 'ALP_ORDERS_RISK_UNAVAILABLE',
};

interface RiskAnswer {
  approved?: unknown;
  undecided?: unknown;
  rule?: string;
  code?: string;
  reason?: string;
}

/** Risk's answer for one check, or undefined when it is not a verdict. */
function verdictOf(answer: RiskAnswer | undefined): RiskVerdict | undefined {
  if (answer?.approved === true) return { approved: true };
  if (answer?.approved === false && answer.undecided !== true && typeof answer.code === 'string') {
    return {
      approved: false,
      code: answer.code,
      ...(answer.rule !== undefined && { rule: answer.rule }),
      ...(answer.reason !== undefined && { reason: answer.reason }),
    };
  }
  return undefined;
}

interface PendingCheck {
  readonly input: RiskCheckInput;
  readonly context: CallContext | undefined;
  readonly timeoutMs: number;
}

/** The single route, for a batch of one and for the checks of a batch risk refused whole. */
async function checkOne(app: FastifyInstance, item: PendingCheck): Promise<RiskVerdict> {
  try {
    const res = await app.services.call<RiskAnswer>('risk', {
      method: 'POST',
      path: '/internal/risk/check',
      body: item.input,
      timeoutMs: item.timeoutMs,
      ...(item.context && { context: item.context }),
    });
    const verdict = verdictOf(res.body);
    if (verdict) return verdict;
    app.log.warn({ body: res.body }, 'risk answered something that is not a verdict');
  } catch (err) {
    app.log.warn(
      { err, orderId: item.input.orderId },
      'risk check failed; no verdict (fail closed)',
    );
  }
  return UNAVAILABLE;
}

/**
 * One call to `POST /internal/risk/checks` for every check that arrived together. The call
 * carries the first request's trace context; each check names its own request id for risk's
 * log. A check without a verdict in the answer (risk down, slow, or an answer we do not
 * understand) gets UNAVAILABLE: the order fails closed. A batch risk refuses whole (a 4xx:
 * one check its schema refuses) is asked again check by check, so that check alone fails.
 */
async function checkBatch(
  app: FastifyInstance,
  items: readonly PendingCheck[],
): Promise<Settled<RiskVerdict>[]> {
  if (items.length === 1) return [settledValue(await checkOne(app, items[0]!))];
  const context = items.find((i) => i.context)?.context;
  try {
    const res = await app.services.call<{ decisions?: unknown }>('risk', {
      method: 'POST',
      path: '/internal/risk/checks',
      body: {
        checks: items.map((i) => ({
          ...i.input,
          ...(i.context && { requestId: i.context.id }),
        })),
      },
      timeoutMs: Math.min(...items.map((i) => i.timeoutMs)),
      ...(context && { context }),
    });
    const decisions = res.body?.decisions;
    if (!Array.isArray(decisions) || decisions.length !== items.length) {
      app.log.warn({ body: res.body }, 'risk answered something that is not a list of verdicts');
      return items.map(() => settledValue(UNAVAILABLE));
    }
    return decisions.map((d: RiskAnswer | undefined, i) => {
      const verdict = verdictOf(d);
      if (!verdict) {
        app.log.warn({ answer: d, orderId: items[i]!.input.orderId }, 'risk gave no verdict');
      }
      return settledValue(verdict ?? UNAVAILABLE);
    });
  } catch (err) {
    if (isUpstreamRejected(err) && err.upstream.status >= 400 && err.upstream.status < 500) {
      return Promise.all(items.map(async (i) => settledValue(await checkOne(app, i))));
    }
    app.log.warn(
      { err, orderIds: items.map((i) => i.input.orderId) },
      'risk check failed; no verdict (fail closed)',
    );
    return items.map(() => settledValue(UNAVAILABLE));
  }
}

// Two batches at once: one can be on the wire while risk decides the other.
const riskBatcherOf = batchersBy((app: FastifyInstance) => ({
  run: (items: readonly PendingCheck[]) => checkBatch(app, items),
  onBatch: batchSizes(app, 'risk-checks'),
  maxInFlight: 2,
  maxBatch: 256,
}));

/**
 * Pre-trade check at risk (idempotent per order id, so a resumed request may ask again).
 * Checks that arrive together go to risk as one batch (see createBatcher).
 */
export function checkRisk(
  app: FastifyInstance,
  input: RiskCheckInput,
  context: CallContext | undefined,
  timeoutMs: number,
): Promise<RiskVerdict> {
  return riskBatcherOf(app).submit({ input, context, timeoutMs });
}
