import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropPrefixedDatabases } from '../support/database.js';
import { rsaThumbprint } from '../../cli/lib/runtime/local/keys.js';
import { planInstances } from '../../cli/lib/runtime/local/port-plan.js';
import type { ServiceName } from '../../services/catalog.js';
import {
  killGroups,
  killStartedClis,
  runCli,
  serviceProcessesOn,
  spawnCli,
  type CliRun,
} from '../cli/cli-process.js';
import { createTestIdentity, type TestIdentity } from '../support/identity.js';
import { pickPortBase } from '../support/free-port.js';

/*
 * One whole local platform for a test file: `up --detach` against the shared PostgreSQL with
 * its own database prefix, home and port base, and everything needed to take it down again
 * (including databases and roles, which `down --purge` leaves on an external server).
 */

export interface PlatformUnderTest {
  readonly home: string;
  readonly prefix: string;
  readonly portBase: number;
  readonly scale: Partial<Record<ServiceName, number>>;
  /** Runs the CLI against this platform. */
  cli(args: readonly string[], timeoutMs?: number): Promise<CliRun>;
  /** Starts the CLI against this platform without waiting for it (to signal it mid-way). */
  spawnCli(args: readonly string[], timeoutMs?: number): ReturnType<typeof spawnCli>;
  /** Base URL of instance `index` of a service. */
  url(service: ServiceName, index?: number): string;
  /** Signs tokens with the platform's own key (what auth signs with). */
  identity(): TestIdentity;
  /** Stops everything, drops the databases and roles, removes the home. */
  destroy(): Promise<void>;
}

export async function preparePlatform(opts: {
  databaseUrl: string;
  redisUrl: string | undefined;
  scale: Partial<Record<ServiceName, number>>;
  extraEnv?: Record<string, string>;
}): Promise<PlatformUnderTest> {
  const home = mkdtempSync(path.join(tmpdir(), 'alp-edge-'));
  const prefix = `t_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const portBase = await pickPortBase(opts.scale);
  const ports = planInstances(portBase, opts.scale).map((i) => i.port);
  const env = {
    ALPHINTRA_HOME: home,
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    ALPHINTRA_PORT_BASE: String(portBase),
    ALPHINTRA_DB_PREFIX: prefix,
    ...opts.extraEnv,
  };
  let identity: TestIdentity | undefined;
  return {
    home,
    prefix,
    portBase,
    scale: opts.scale,
    cli: (args, timeoutMs) => runCli(args, { env, ...(timeoutMs && { timeoutMs }) }),
    spawnCli: (args, timeoutMs) => spawnCli(args, { env, ...(timeoutMs && { timeoutMs }) }),
    url: (service, index = 0) =>
      `http://127.0.0.1:${planInstances(portBase, opts.scale).find((i) => i.service === service && i.index === index)?.port}`,
    identity() {
      const pem = readFileSync(path.join(home, 'keys', 'jwt-public.pem'), 'utf8');
      identity ??= createTestIdentity({
        issuer: 'alphintra-auth',
        audience: 'alphintra-api',
        kid: rsaThumbprint(pem),
        keyPair: {
          privateKey: createPrivateKey(
            readFileSync(path.join(home, 'keys', 'jwt-private.pem'), 'utf8'),
          ),
          publicKey: createPublicKey(pem),
        },
      });
      return identity;
    },
    async destroy() {
      killStartedClis();
      await runCli(['down', '--purge'], { env, timeoutMs: 60_000 });
      killGroups(serviceProcessesOn(ports));
      await dropPrefixedDatabases(opts.databaseUrl, prefix);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
