import type { ServiceInstance } from './types.js';

/** An instance in the resolver's view, live until `deadline` (local clock, ms). */
export interface ViewEntry {
  readonly instance: ServiceInstance;
  readonly deadline: number;
}

export interface BalancerOptions {
  /** First ejection lasts this long (default 5 s); each consecutive one doubles it. */
  readonly ejectMs?: number;
  readonly maxEjectMs?: number;
  readonly now?: () => number;
}

const keyOf = (i: ServiceInstance) => `${i.service}\u0000${i.instanceId}`;

/**
 * Client-side round-robin over the live instances of a service, skipping ejected ones. An
 * instance that failed is ejected for a while (doubling on repeated failures, reset by a
 * success). If every live instance is ejected, all of them are used again: trying a maybe-bad
 * instance beats refusing every request (Envoy's panic threshold, at 0 %).
 */
export function createBalancer(opts: BalancerOptions = {}) {
  const ejectMs = opts.ejectMs ?? 5_000;
  const maxEjectMs = opts.maxEjectMs ?? 60_000;
  const now = opts.now ?? Date.now;
  let view = new Map<string, ViewEntry[]>();
  const cursors = new Map<string, number>();
  const ejections = new Map<string, { until: number; count: number }>();

  function live(service: string): ServiceInstance[] {
    const t = now();
    return (view.get(service) ?? []).filter((e) => e.deadline > t).map((e) => e.instance);
  }

  return {
    /** Replaces the whole view (after each registry read). */
    setView(entries: readonly ViewEntry[]): void {
      const next = new Map<string, ViewEntry[]>();
      for (const e of entries) {
        const list = next.get(e.instance.service) ?? [];
        list.push(e);
        next.set(e.instance.service, list);
      }
      view = next;
      const present = new Set(entries.map((e) => keyOf(e.instance)));
      for (const k of ejections.keys()) if (!present.has(k)) ejections.delete(k);
    },
    instances: live,
    pick(service: string): ServiceInstance | null {
      const all = live(service);
      if (all.length === 0) return null;
      const t = now();
      const healthy = all.filter((i) => (ejections.get(keyOf(i))?.until ?? 0) <= t);
      const pool = healthy.length > 0 ? healthy : all;
      const cursor = cursors.get(service) ?? 0;
      cursors.set(service, cursor + 1);
      return pool[cursor % pool.length]!;
    },
    reportFailure(i: ServiceInstance): void {
      const prev = ejections.get(keyOf(i));
      const count = (prev?.count ?? 0) + 1;
      ejections.set(keyOf(i), {
        count,
        until: now() + Math.min(maxEjectMs, ejectMs * 2 ** (count - 1)),
      });
    },
    reportSuccess(i: ServiceInstance): void {
      ejections.delete(keyOf(i));
    },
  };
}
