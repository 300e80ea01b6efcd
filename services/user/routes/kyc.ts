import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { userErrors } from '../errors.js';
import { kycStatusOf, setKycStatus, type KycStatus } from '../profiles.js';

const decisionBody = Type.Object(
  { decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]) },
  { additionalProperties: false },
);
const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * The KYC workflow: the user submits (pending|rejected → under_review), an admin decides
 * (under_review → approved|rejected). The database trigger is the one guard of the workflow;
 * a step it refuses is 409 here.
 */
export const kycRoutes: FastifyPluginAsync = async (app) => {
  async function move(id: string, to: KycStatus, actor: string) {
    try {
      const profile = await setKycStatus(app.pg, id, to, actor);
      if (!profile) throw new userErrors.ALP_USER_NOT_FOUND();
      return profile;
    } catch (err) {
      if ((err as { constraint?: string }).constraint === 'kyc_transition') {
        const from = (await kycStatusOf(app.pg, id)) ?? 'unknown';
        throw new userErrors.ALP_USER_KYC_TRANSITION_INVALID(from, to);
      }
      throw err;
    }
  }

  app.post('/api/v1/users/me/kyc', { preValidation: app.authenticate }, async (request) =>
    move(request.user!.id, 'under_review', request.user!.id),
  );

  app.post<{ Params: Static<typeof idParams>; Body: Static<typeof decisionBody> }>(
    '/api/v1/users/:id/kyc',
    {
      preValidation: [app.authenticate, app.requireRole('admin')],
      schema: { params: idParams, body: decisionBody },
    },
    async (request) =>
      move(
        request.params.id,
        request.body.decision === 'approve' ? 'approved' : 'rejected',
        request.user!.id,
      ),
  );
};
