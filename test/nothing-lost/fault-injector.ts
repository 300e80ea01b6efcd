import type { Victim } from './platform-under-test.js';
import type { ServiceProcess } from './service-process.js';
import type { Prng } from './prng.js';

export interface Fault {
  readonly at: number;
  readonly victim: Victim;
  readonly downMs: number;
}

/**
 * SIGKILLs a seeded choice of trading, risk or broker every few seconds until `until`, at most
 * `maxKills` times, and starts it again after a short outage. Returns what it did.
 */
export async function injectFaults(
  prng: Prng,
  services: Record<Victim, ServiceProcess>,
  until: number,
  maxKills: number,
): Promise<Fault[]> {
  const faults: Fault[] = [];
  const started = Date.now();
  while (faults.length < maxKills) {
    await new Promise((r) => setTimeout(r, prng.int(1_500, 3_000)));
    if (Date.now() >= until) break;
    const victim = prng.pick(['trading', 'risk', 'broker'] as const);
    const downMs = prng.int(100, 1_000);
    faults.push({ at: Date.now() - started, victim, downMs });
    await services[victim].kill();
    await new Promise((r) => setTimeout(r, downMs));
    await services[victim].start();
  }
  return faults;
}
