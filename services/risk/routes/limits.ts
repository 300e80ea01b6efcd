import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { withExtras } from '../../platform/index.js';
import { validateLimits, type RiskLimits } from '../domain/limits.js';
import { riskErrors } from '../errors.js';
import { readLimits, writeLimits } from '../store/limits-store.js';
import { inTransaction } from '../../platform/transaction.js';

const params = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * `GET /api/v1/risk/limits` (the caller's own) and `PUT /api/v1/risk/limits/:userId`
 * (risk-officer or admin): the full set of limits, every problem reported at once.
 */
export const limitsRoutes: FastifyPluginAsync<{ defaults: RiskLimits }> = async (app, opts) => {
  app.get('/api/v1/risk/limits', { preValidation: app.authenticate }, async (request) => {
    const userId = request.user!.id;
    return { userId, ...(await readLimits(app.pg, userId, opts.defaults)) };
  });

  app.put<{ Params: { userId: string }; Body: Record<string, unknown> }>(
    '/api/v1/risk/limits/:userId',
    {
      schema: { params, body: Type.Object({}) },
      preValidation: [app.authenticate, app.requireRole('risk-officer', 'admin')],
    },
    async (request) => {
      const checked = validateLimits(request.body);
      if (!checked.ok) {
        const summary = checked.problems.map((p) => `${p.field} ${p.message}`).join('; ');
        throw withExtras(new riskErrors.ALP_RISK_LIMITS_INVALID(summary), {
          problems: checked.problems,
        });
      }
      const { userId } = request.params;
      await inTransaction(app.pg, (tx) =>
        writeLimits(tx, userId, checked.limits, request.user!.id),
      );
      return { userId, ...checked.limits };
    },
  );
};
