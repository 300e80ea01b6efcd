import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/free-port.js';
import {
  createTestIdentity,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestIdentity,
} from '../support/identity.js';
import { startFakeAuth } from './fake-auth.js';
import { serviceProcess, type ServiceProcess } from './service-process.js';

export type Victim = 'trading' | 'risk' | 'broker';

export interface PlatformUnderTest {
  readonly identity: TestIdentity;
  readonly services: Record<Victim, ServiceProcess>;
  readonly databases: Record<Victim | 'bus', TestDatabase>;
  /** SIGTERM everything, drop the databases. */
  close(): Promise<void>;
}

/**
 * trading, risk and broker as real processes on their own databases plus a bus database, with
 * auth's JWKS and service tokens served from the test process (auth is not a victim).
 */
export async function startPlatform(seed: number): Promise<PlatformUnderTest> {
  const identity = createTestIdentity();
  const auth = await startFakeAuth(identity);
  const [trading, risk, broker, bus] = await Promise.all(
    ['nl_trading', 'nl_risk', 'nl_broker', 'nl_bus'].map((l) => createTestDatabase(l)),
  );
  const ports = { trading: await freePort(), risk: await freePort(), broker: await freePort() };
  const url = (n: Victim) => `http://127.0.0.1:${ports[n]}`;
  const common = (name: Victim, db: TestDatabase): Record<string, string> => ({
    ALPHINTRA_PROFILE: 'test',
    SERVICE_NAME: name,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT_MS: '5000',
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    SERVICE_CREDENTIAL: 'nothing-lost-credential-0123456789abcdefghij',
    AUTH_URL: auth.url,
    DATABASE_URL: db.url,
    BUS_DATABASE_URL: bus!.url,
  });
  const services: Record<Victim, ServiceProcess> = {
    broker: serviceProcess('broker', ports.broker, {
      ...common('broker', broker!),
      MARKET_SEED: `nothing-lost-${seed}`,
    }),
    risk: serviceProcess('risk', ports.risk, {
      ...common('risk', risk!),
      RISK_DEFAULT_ORDER_RATE: '100000',
    }),
    trading: serviceProcess('trading', ports.trading, {
      ...common('trading', trading!),
      RISK_URL: url('risk'),
      BROKER_URL: url('broker'),
    }),
  };
  const databases = { trading: trading!, risk: risk!, broker: broker!, bus: bus! };
  const close = async () => {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await auth.close();
    await Promise.all(Object.values(databases).map((d) => d.drop()));
  };
  try {
    // Broker and risk first (each creates the bus schema if it is the first), then trading.
    await services.broker.start();
    await services.risk.start();
    await services.trading.start();
  } catch (err) {
    await close();
    throw err;
  }
  return { identity, services, databases, close };
}
