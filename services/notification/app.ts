import type { FastifyInstance } from 'fastify';
import { createService, type BuildOptions, type ServiceDefinition } from '../platform/index.js';
import { eventsPlugin } from '../platform/events/index.js';
import { configSchema, type Config } from './config.js';
import { orderEventHandlers } from './events/order-event-handlers.js';
import { checkWebhookRoute } from './routes/check-webhook.js';
import { inboxRoutes } from './routes/inbox.js';
import { streamRoute } from './routes/stream.js';
import { inboxFeedPlugin } from './stream/feed-plugin.js';

export const definition: ServiceDefinition<typeof configSchema> = {
  name: 'notification',
  schema: configSchema,
  capabilities: {
    implemented: [
      'platform kit: health, metrics, problem+json errors',
      'POST /api/v1/notifications/webhooks/check: SSRF check of a webhook URL (scheme, credentials, ports 80/443/8080/8443, every resolved address public)',
      'consumes OrderFilled, OrderCanceled and OrderRejected into the per-user inbox (one entry per event, recorded once with the event id)',
      'GET /api/v1/notifications: own entries, newest first, keyset pages (limit clamped to 1..100), unread count',
      "POST /api/v1/notifications/:id/read: idempotent; another user's entry is 404",
      'GET /api/v1/notifications/stream: Server-Sent Events of new entries on commit (LISTEN/NOTIFY, across instances), Last-Event-ID replay',
    ],
    pending: [
      'webhook registration and signed delivery (signing and verification exist as domain functions only)',
      'preferences',
      'entries for OrderAccepted, OrderExpired and RiskLimitBreached',
    ],
  },
  routes: async (app) => {
    await app.register(eventsPlugin, { handlers: orderEventHandlers() });
    await app.register(inboxFeedPlugin);
    await app.register(checkWebhookRoute);
    await app.register(inboxRoutes);
    await app.register(streamRoute);
  },
};

/** Builds the notification service without listening (tests use `inject`). */
export function build(config: Config, options?: BuildOptions): Promise<FastifyInstance> {
  return createService(definition, config, options);
}
