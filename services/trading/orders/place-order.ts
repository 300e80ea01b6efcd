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
import { applyReports, type TradingReport } from '../store/order-apply.js';
import {
  claimOrder,
  findByKey,
  markRouted,
  releaseClaim,
  takeOverClaim,
} from '../store/order-claim.js';
import { orderView, type OrderRow } from '../store/order-row.js';
import { inTransaction } from '../../platform/transaction.js';
import { brokerReports } from '../upstreams/broker-reports.js';
import { referencePrice, submitToBroker } from '../upstreams/broker-calls.js';
import { checkRisk } from '../upstreams/risk-check.js';
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
 * with its audit entry, ask risk (fail closed), route to the broker, apply its answer, and
 * store the response with the final state, each step in its own transaction. A request
 * whose process died is resumed by the client's retry with the same key.
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
  const claim = await claimOrder(app.pg, {
    userId: input.userId,
    idempotencyKey: input.idempotencyKey,
    clientOrderId: clientOrderIdFor(input.userId, input.idempotencyKey),
    requestHash,
    order: parsed.order,
  });
  if (claim.created) return processOrder(app, settings, claim.row, input.context, quote);

  const waitUntil = Date.now() + settings.duplicateWaitMs;
  let row: OrderRow | undefined = claim.row;
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

async function finish(
  app: FastifyInstance,
  row: OrderRow,
  reports: readonly TradingReport[],
  actor: string,
): Promise<PlaceOrderResult> {
  const outcome = await inTransaction(app.pg, (client) =>
    applyReports(client, row, reports, { actor, storeResponse: true, log: app.log }),
  );
  if (outcome.events > 0) app.events.nudge();
  return {
    status: outcome.row.response_status ?? 201,
    body: outcome.row.response_body,
    replayed: false,
  };
}

export async function processOrder(
  app: FastifyInstance,
  settings: FlowSettings,
  row: OrderRow,
  context: CallContext | undefined,
  /** The reference price already asked for (a new market order); asked here otherwise. */
  quote?: Promise<string | undefined>,
): Promise<PlaceOrderResult> {
  if (isTerminal(row.status)) return finish(app, row, [], 'trading');
  // Once routed, the broker may hold the order: only the broker decides from then on.
  if (row.status === 'PendingNew' && row.routed_at === null) {
    const view = orderView(row);
    // A limit order is checked at its limit price (the worst it can trade at); a market
    // order at the broker's current ask (buy) or bid (sell).
    const price =
      view.limitPrice ??
      (await (quote ?? referencePrice(app, row.symbol, row.side, context, settings.riskTimeoutMs)));
    if (price === undefined) {
      return finish(
        app,
        row,
        [{ kind: 'rejected', reason: REJECT_REASONS.priceUnavailable }],
        'trading',
      );
    }
    const verdict = await checkRisk(
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
      return finish(app, row, [{ kind: 'rejected', reason: verdict.code }], 'risk');
    }
  }
  if (row.routed_at === null) await markRouted(app.pg, row.id);
  const outcome = await submitToBroker(app, row, context, settings.brokerTimeoutMs);
  switch (outcome.kind) {
    case 'answer':
      return finish(app, row, brokerReports(outcome.answer), 'broker');
    case 'refused':
      return finish(app, row, [{ kind: 'rejected', reason: outcome.code }], 'broker');
    case 'unknown':
      app.log.warn({ err: outcome.error, orderId: row.id }, 'broker outcome unknown');
      await releaseClaim(app.pg, row.id);
      throw Object.assign(new tradingErrors.ALP_ORDERS_BROKER_UNAVAILABLE(), {
        headers: { 'retry-after': '1' },
      });
  }
}
