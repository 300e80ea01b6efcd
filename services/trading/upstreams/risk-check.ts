import type { FastifyInstance } from 'fastify';
import type { CallContext } from '../../platform/index.js';

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

/** Pre-trade check at risk (idempotent per order id, so a resumed request may ask again). */
export async function checkRisk(
  app: FastifyInstance,
  input: RiskCheckInput,
  context: CallContext | undefined,
  timeoutMs: number,
): Promise<RiskVerdict> {
  try {
    const res = await app.services.call<{
      approved?: unknown;
      rule?: string;
      code?: string;
      reason?: string;
    }>('risk', {
      method: 'POST',
      path: '/internal/risk/check',
      body: input,
      timeoutMs,
      ...(context && { context }),
    });
    if (res.body?.approved === true) return { approved: true };
    if (res.body?.approved === false && typeof res.body.code === 'string') {
      return {
        approved: false,
        code: res.body.code,
        ...(res.body.rule !== undefined && { rule: res.body.rule }),
        ...(res.body.reason !== undefined && { reason: res.body.reason }),
      };
    }
    app.log.warn({ body: res.body }, 'risk answered something that is not a verdict');
  } catch (err) {
    app.log.warn({ err, orderId: input.orderId }, 'risk check failed; no verdict (fail closed)');
  }
  return { approved: false, unavailable: true, code: 'ALP_ORDERS_RISK_UNAVAILABLE' };
}
