import closeWithGrace from 'close-with-grace';
import type { TObject } from '@sinclair/typebox';
import { configFromEnv, type KitConfig } from './config.js';
import { createService, type ServiceDefinition } from './create-service.js';
import { announceInstance, type Announcement } from './discovery/announce.js';
import { ConfigError } from './errors.js';
import { listenOnLocalSocket, localSocketPath, type LocalSocketServer } from './local-socket.js';

/** Exit code for invalid configuration: the CLI's "precondition not met". */
export const EXIT_CONFIG = 3;

/**
 * The body of every service's main.ts: reads and validates the environment (every problem at
 * once; exit 3 and nothing started), builds the app, listens, and shuts down gracefully on
 * SIGINT/SIGTERM: readiness flips to 503 first, in-flight requests finish, pools close, and the
 * process exits 0 inside SHUTDOWN_TIMEOUT_MS (or 1 if the budget runs out).
 */
export async function runService<S extends TObject>(
  def: ServiceDefinition<S>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let config;
  try {
    config = configFromEnv(def.schema, { SERVICE_NAME: def.name, ...env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', service: def.name, code: err.code, msg: err.message, problems: err.problems })}\n`,
      );
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
  const kit = config as unknown as KitConfig;
  const app = await createService(def, config);
  let announcement: Announcement | undefined;
  let localSocket: LocalSocketServer | undefined;

  closeWithGrace({ delay: kit.SHUTDOWN_TIMEOUT_MS ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after a fatal error');
    else app.log.info({ signal }, 'shutting down');
    // Leave discovery first, so gateways stop picking this instance before it stops accepting.
    await announcement?.stop();
    app.health.startDraining();
    await Promise.all([localSocket?.close(), app.close()]);
  });

  await app.listen({ host: kit.HOST ?? '127.0.0.1', port: kit.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : kit.PORT;

  if (kit.SOCKET_DIR) {
    // The same request listener as the TCP server: hooks, routes and draining apply alike.
    const [listener] = app.server.listeners('request') as Parameters<
      typeof listenOnLocalSocket
    >[1][];
    if (!listener) throw new Error('the HTTP server has no request listener');
    localSocket = await listenOnLocalSocket(
      localSocketPath(kit.SOCKET_DIR, port),
      listener,
      app.server,
    );
    app.log.info({ socket: localSocket.path }, 'also listening on a Unix socket');
  }

  if (kit.DISCOVERY_DATABASE_URL) {
    // A start that cannot register fails (closeWithGrace closes the app): an instance nobody can
    // discover would look healthy while receiving no traffic.
    announcement = await announceInstance({
      connectionString: kit.DISCOVERY_DATABASE_URL,
      service: def.name,
      instanceId: kit.INSTANCE_ID,
      host: kit.HOST,
      port,
      onError: (error) => app.log.warn({ err: error }, 'discovery heartbeat failed'),
    });
    app.log.info({ instance: announcement.instance }, 'registered in discovery');
  }
}
