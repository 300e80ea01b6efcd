import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { setGlobalKillSwitch } from '../store/kill-switch-store.js';
import { inTransaction } from '../../platform/transaction.js';

const body = Type.Object(
  { active: Type.Boolean(), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);

/** `POST /api/v1/risk/kill-switch` (admin): every check is refused while it is active. */
export const killSwitchRoute: FastifyPluginAsync = async (app) => {
  app.post<{ Body: Static<typeof body> }>(
    '/api/v1/risk/kill-switch',
    { schema: { body }, preValidation: [app.authenticate, app.requireRole('admin')] },
    async (request) => {
      const { active, reason } = request.body;
      const state = await inTransaction(app.pg, (tx) =>
        setGlobalKillSwitch(tx, active, reason ?? null, request.user!.id),
      );
      request.log.warn({ killSwitch: state }, 'kill switch changed');
      return { scope: 'global', ...state };
    },
  );
};
