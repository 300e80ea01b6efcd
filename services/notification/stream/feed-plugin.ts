import fp from 'fastify-plugin';
import { createInboxFeed, type InboxFeed } from './inbox-feed.js';

declare module 'fastify' {
  interface FastifyInstance {
    inboxFeed: InboxFeed;
  }
}

/**
 * The inbox feed of this instance (see inbox-feed.ts): started with the service, reported in
 * readiness (not gating: the inbox itself works without it), its streams ended before the
 * server closes (an open stream would otherwise hold a graceful shutdown to its deadline).
 */
export const inboxFeedPlugin = fp<{ reconnectMs?: number }>(
  async (app, opts) => {
    const url = app.config.DATABASE_URL;
    if (!url) throw new Error('notification needs DATABASE_URL');
    const feed = await createInboxFeed({
      connectionString: url,
      db: app.pg,
      ...(opts.reconnectMs !== undefined && { reconnectMs: opts.reconnectMs }),
      onError: (err) => app.log.warn({ err }, 'inbox feed: LISTEN connection or read failed'),
    });
    app.decorate('inboxFeed', feed);
    app.health.addCheck(
      'inbox-feed',
      async () => {
        if (!feed.listening) throw new Error('the LISTEN connection is down; reconnecting');
      },
      { critical: false },
    );
    app.addHook('preClose', (done) => {
      feed.endAll();
      done();
    });
    app.addHook('onClose', () => feed.close());
  },
  {
    name: 'notification-inbox-feed',
    fastify: '5.x',
    dependencies: ['alphintra-config', 'alphintra-postgres', 'alphintra-health'],
  },
);
