import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { RiskLimits } from '../domain/limits.js';
import { runRiskCheck } from '../store/run-check.js';
import { inTransaction } from '../../platform/transaction.js';

const Positive = Type.String({ pattern: '^(0|[1-9][0-9]{0,19})(\\.[0-9]{1,18})?$', maxLength: 40 });

const body = Type.Object(
  {
    userId: Type.String({ minLength: 1, maxLength: 200 }),
    orderId: Type.String({ minLength: 1, maxLength: 255 }),
    symbol: Type.String({ pattern: '^[A-Z0-9][A-Z0-9.-]{0,19}$' }),
    side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
    quantity: Positive,
    price: Positive,
  },
  { additionalProperties: false },
);

/**
 * `POST /internal/risk/check` (service token from trading): 200 {approved:true} or 200
 * {approved:false, rule, code, reason}; the first decision per orderId is final.
 */
export const checkRoute: FastifyPluginAsync<{ defaults: RiskLimits }> = async (app, opts) => {
  app.post<{ Body: Static<typeof body> }>(
    '/internal/risk/check',
    { schema: { body }, preValidation: app.authenticateService(['trading']) },
    async (request) => {
      const decision = await inTransaction(app.pg, (tx) =>
        runRiskCheck(tx, request.body, opts.defaults, Date.now()),
      );
      // A refusal wrote RiskLimitBreached to the outbox: publish it now, not at the next poll.
      if (!decision.approved) app.events.nudge();
      return decision;
    },
  );
};
