import type { FastifyInstance } from 'fastify';
import { withExtras, type CallContext } from '../../platform/index.js';
import {
  decideIdempotency,
  requestFingerprint,
  type StoredRequest,
} from '../domain/idempotency.js';
import { parseOrderRequest } from '../domain/order-request.js';
import { isTerminal } from '../domain/order-transitions.js';
import { REJECT_REASONS, tradingErrors } from '../errors.js';
import type { TradingReport } from '../store/order-apply.js';
import { findByKey, releaseClaim, takeOverClaim } from '../store/order-claim.js';
import { orderView, type OrderRow } from '../store/order-row.js';
import { claim, finishOrder } from './order-batches.js';
import { brokerReports } from '../upstreams/broker-reports.js';
import { findAtBroker, referencePrice, submitToBroker } from '../upstreams/broker-calls.js';
import { checkRisk, type RiskVerdict } from '../upstreams/risk-check.js';
import { clientOrderIdFor } from './client-order-id.js';
import type { FlowSettings } from './flow-settings.js';

export interface PlaceOrderInput {
  readonly userId: string;
  readonly idempotencyKey: string;
  readonly body: unknown;
  readonly context?: CallContext;
}

export interface PlaceOrderResult {
  readonly status: number;
  readonly body: unknown;
  /** True when this is the stored answer of an earlier request with the same key. */
  readonly replayed: boolean;
}

function stored(row: OrderRow): StoredRequest {
  return {
    requestHash: row.request_hash,
    state: row.response_status === null ? 'in-progress' : 'completed',
    response:
      row.response_status === null
        ? null
        : { statusCode: row.response_status, body: row.response_body },
    createdAtMs: row.created_at.getTime(),
    claimedAtMs: row.claimed_at_ms,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POST /api/v1/orders: validate, claim the idempotency key by creating the order (PendingNew)
 * with its audit entry, ask risk (fail closed), send it to the broker, then apply its answer
 * and store the response with the final state in one transaction. A request whose process
 * died is resumed by the client's retry with the same key (or by the reconciler).
 */
export async function placeOrder(
  app: FastifyInstance,
  settings: FlowSettings,
  input: PlaceOrderInput,
): Promise<PlaceOrderResult> {
  const parsed = parseOrderRequest(input.body);
  if (!parsed.ok) {
    const detail = parsed.problems.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason));
    throw withExtras(new tradingErrors.ALP_ORDERS_INVALID(detail.join('; ')), {
      problems: parsed.problems,
    });
  }
  const requestHash = requestFingerprint(input.body);
  // A market order's risk price is the broker's quote: ask for it while the claim commits
  // (a read, so a duplicate that does not use it costs only the call; never rejects).
  const quote =
    parsed.order.limitPrice === null
      ? referencePrice(
          app,
          parsed.order.symbol,
          parsed.order.side,
          input.context,
          settings.riskTimeoutMs,
        )
      : undefined;
  const claimed = await claim(app, {
    userId: input.userId,
    idempotencyKey: input.idempotencyKey,
    clientOrderId: clientOrderIdFor(input.userId, input.idempotencyKey),
    requestHash,
    order: parsed.order,
  });
  if (claimed.created) {
    return processOrder(app, settings, claimed.row, input.context, { firstAttempt: true, quote });
  }

  const waitUntil = Date.now() + settings.duplicateWaitMs;
  let row: OrderRow | undefined = claimed.row;
  for (;;) {
    if (!row) throw new Error('order disappeared');
    const decision = decideIdempotency(stored(row), requestHash, Date.now(), settings.idempotency);
    switch (decision.action) {
      case 'conflict':
        throw new tradingErrors.ALP_ORDERS_IDEMPOTENCY_KEY_REUSED();
      case 'replay':
      case 'new':
        return {
          status: row.response_status ?? 201,
          body: row.response_body,
          replayed: true,
        };
      case 'resume':
        if (await takeOverClaim(app.pg, row)) {
          app.log.info({ orderId: row.id }, 'resuming an abandoned order request');
          return processOrder(app, settings, row, input.context);
        }
        break;
      case 'in-progress':
        if (Date.now() >= waitUntil) {
          const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
          throw Object.assign(new tradingErrors.ALP_ORDERS_IDEMPOTENCY_KEY_IN_PROGRESS(), {
            headers: { 'retry-after': String(seconds) },
          });
        }
        await sleep(Math.min(100, decision.retryAfterMs));
        break;
    }
    row = await findByKey(app.pg, input.userId, input.idempotencyKey);
  }
}

/**
 * How this attempt at an order came about. Only the attempt that created the order knows the
 * broker has never seen it; any later one (the client's retry after a lost answer, the
 * reconciler after a crash) must ask the broker first.
 */
export type Attempt =
  | {
      readonly firstAttempt: true;
      /** The reference price already asked for (a new market order). */
      readonly quote?: Promise<string | undefined>;
    }
  | { readonly firstAttempt: false };

/** Stores the order's outcome and its response (orders that finish together share a commit). */
async function finish(
  app: FastifyInstance,
  row: OrderRow,
  reports: readonly TradingReport[],
  actor: string,
): Promise<PlaceOrderResult> {
  const outcome = await finishOrder(app, { row, reports, actor });
  return {
    status: outcome.row.response_status ?? 201,
    body: outcome.row.response_body,
    replayed: false,
  };
}

const RESUMED: Attempt = { firstAttempt: false };

function brokerUnavailable(app: FastifyInstance, row: OrderRow, err: unknown): never {
  app.log.warn({ err, orderId: row.id }, 'broker outcome unknown');
  throw Object.assign(new tradingErrors.ALP_ORDERS_BROKER_UNAVAILABLE(), {
    headers: { 'retry-after': '1' },
  });
}

/**
 * Takes an order from where it is to an answer. A new order is priced, checked by risk (fail
 * closed: no answer is a rejection) and sent to the broker. A resumed PendingNew order may
 * already be at the broker, so the broker is asked first; if it does not hold the order, the
 * order goes through risk again (risk answers once per order id), but a missing answer from
 * risk or the market is then a 503 to retry, never a rejection: trading rejects on its own
 * only an order it knows the broker never saw. Nothing is written before the broker call, so
 * the common path costs the claim and the final update.
 */
export async function processOrder(
  app: FastifyInstance,
  settings: FlowSettings,
  row: OrderRow,
  context: CallContext | undefined,
  attempt: Attempt = RESUMED,
): Promise<PlaceOrderResult> {
  if (isTerminal(row.status)) return finish(app, row, [], 'trading');
  if (row.status === 'PendingNew') {
    if (!attempt.firstAttempt) {
      const held = await findAtBroker(app, row, context, settings.brokerTimeoutMs);
      if (held.kind === 'answer') return finish(app, row, brokerReports(held.answer), 'broker');
      if (held.kind === 'unknown') {
        await releaseClaim(app.pg, row.id);
        brokerUnavailable(app, row, held.error);
      }
    }
    const view = orderView(row);
    // A limit order is checked at its limit price (the worst it can trade at); a market
    // order at the broker's current ask (buy) or bid (sell).
    const price =
      view.limitPrice ??
      (await ((attempt.firstAttempt && attempt.quote) ||
        referencePrice(app, row.symbol, row.side, context, settings.riskTimeoutMs)));
    const verdict: RiskVerdict =
      price === undefined
        ? { approved: false, unavailable: true, code: REJECT_REASONS.priceUnavailable }
        : await checkRisk(
            app,
            {
              userId: row.user_id,
              orderId: row.id,
              symbol: row.symbol,
              side: row.side,
              quantity: view.quantity,
              price,
            },
            context,
            settings.riskTimeoutMs,
          );
    if (!verdict.approved) {
      if ('unavailable' in verdict && !attempt.firstAttempt) {
        await releaseClaim(app.pg, row.id);
        throw Object.assign(new tradingErrors.ALP_ORDERS_CHECK_UNAVAILABLE(), {
          headers: { 'retry-after': '1' },
        });
      }
      const actor = verdict.code === REJECT_REASONS.priceUnavailable ? 'trading' : 'risk';
      return finish(app, row, [{ kind: 'rejected', reason: verdict.code }], actor);
    }
  }
  const outcome = await submitToBroker(app, row, context, settings.brokerTimeoutMs);
  switch (outcome.kind) {
    case 'answer':
      return finish(app, row, brokerReports(outcome.answer), 'broker');
    case 'refused':
      return finish(app, row, [{ kind: 'rejected', reason: outcome.code }], 'broker');
    case 'unknown':
      await releaseClaim(app.pg, row.id);
      return brokerUnavailable(app, row, outcome.error);
  }
}
