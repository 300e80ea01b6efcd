import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { withExtras } from '../../platform/index.js';
import { checkWebhookTarget, type TargetCheckOptions } from '../domain/webhook-target.js';
import { notificationErrors } from '../errors.js';

const body = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2048 }) },
  { additionalProperties: false },
);

/**
 * `POST /api/v1/notifications/webhooks/check`: whether a URL may be registered as a
 * webhook target (SSRF rules). 200 `{allowed:true}` or 422 with the machine-readable reason.
 */
export const checkWebhookRoute: FastifyPluginAsync<TargetCheckOptions> = async (app, opts) => {
  app.post<{ Body: { url: string } }>(
    '/api/v1/notifications/webhooks/check',
    { preValidation: app.authenticate, schema: { body } },
    async (request) => {
      const result = await checkWebhookTarget(request.body.url, opts);
      if (result.allowed) return { allowed: true };
      throw withExtras(
        new notificationErrors.ALP_NOTIFICATION_WEBHOOK_TARGET_REFUSED(result.message),
        {
          reason: result.reason,
          ...(result.addressClass ? { addressClass: result.addressClass } : {}),
        },
      );
    },
  );
};
