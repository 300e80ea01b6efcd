import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { configSchema, type Config } from './config.js';
import { checkWebhookRoute } from './routes/check-webhook.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'notification',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'POST /api/v1/notifications/webhooks/check: SSRF check of a webhook URL (scheme, credentials, ports 80/443/8080/8443, every resolved address public)',
      'inbox table (migration 001), not yet written or read by any route',
    ],
    pending: [
      'consuming platform events into the inbox',
      'inbox routes (list, mark read)',
      'live stream (SSE or WebSocket)',
      'webhook registration and signed delivery (signing and verification exist as domain functions only)',
      'preferences',
    ],
  },
  routes: async (app) => {
    await app.register(checkWebhookRoute);
  },
};

/** Builds the notification service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
