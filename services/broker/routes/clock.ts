import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { BrokerContext } from '../store/broker-context.js';
import { advanceClock } from '../store/step-source.js';
import { sweepWorkingOrders } from '../store/sweep-working.js';
import { inTransaction } from '../../platform/transaction.js';

const body = Type.Object(
  { steps: Type.Integer({ minimum: 1, maximum: 100_000 }) },
  { additionalProperties: false },
);

/**
 * `POST /api/v1/market/clock/advance` {steps}: moves the hand-stepped market forward, then
 * matches resting orders up to the new step (their fills go to the outbox). Registered only
 * in the test profile: elsewhere the route does not exist (404).
 */
export const clockRoute: FastifyPluginAsync<{ ctx: BrokerContext }> = async (app, { ctx }) => {
  app.post<{ Body: Static<typeof body> }>(
    '/api/v1/market/clock/advance',
    { schema: { body }, preValidation: app.authenticate },
    async (request) => {
      const step = await inTransaction(app.pg, (tx) => advanceClock(tx, request.body.steps));
      const fills = await sweepWorkingOrders(app.pg, ctx);
      if (fills > 0) app.events.nudge();
      return { step, time: new Date(ctx.clock.timeOfStep(step)).toISOString(), fills };
    },
  );
};
