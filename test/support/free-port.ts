import { createServer } from 'node:net';
import { isPortFree } from '../../cli/lib/runtime/local/port-check.js';
import { planInstances } from '../../cli/lib/runtime/local/port-plan.js';
import type { ServiceName } from '../../services/catalog.js';

/** A port that was free a moment ago (for processes that must be told a port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A random port base for a whole platform under test (base .. base + 99), below Linux's
 * ephemeral range (32768-60999 by default): a port in that range can be taken by any
 * outgoing connection between the moment it was checked free and the moment a service binds
 * it, which made `up` fail now and then with EADDRINUSE.
 */
export function randomPortBase(): number {
  return 20000 + 1000 * Math.floor(Math.random() * 12);
}

/** A port base whose every planned port (and the embedded PostgreSQL's, base + 99) is free. */
export async function pickPortBase(
  scale: Partial<Record<ServiceName, number>> = { trading: 2 },
): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = randomPortBase();
    const ports = [...planInstances(base, scale).map((i) => i.port), base + 99];
    const free = await Promise.all(ports.map((p) => isPortFree(p)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port base found');
}
