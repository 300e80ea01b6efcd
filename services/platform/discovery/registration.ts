import type { Registry, ServiceInstance } from './types.js';

export interface RegistrationOptions {
  /** Lease length (default 15 s): an instance that stops heartbeating is gone after this. */
  readonly leaseMs?: number;
  /** Heartbeat period (default leaseMs / 3, so two heartbeats can fail before the lease lapses). */
  readonly heartbeatMs?: number;
  /** A heartbeat or re-registration failed (logged by the wiring; the next beat retries). */
  readonly onError?: (err: unknown) => void;
}

export interface Registration {
  /** Stops heartbeating and deregisters (graceful shutdown: call before draining). */
  stop(): Promise<void>;
}

/**
 * Registers an instance and keeps its lease alive. If the registration disappears (evicted
 * after a long pause, or the registry was reset) the next heartbeat registers it again.
 */
export async function startRegistration(
  registry: Registry,
  instance: ServiceInstance,
  opts: RegistrationOptions = {},
): Promise<Registration> {
  const leaseMs = opts.leaseMs ?? 15_000;
  const heartbeatMs = opts.heartbeatMs ?? Math.floor(leaseMs / 3);
  await registry.register(instance, leaseMs);
  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (beating) return; // a slow beat is still running; never pile them up
    beating = (async () => {
      const alive = await registry.heartbeat(instance.service, instance.instanceId, leaseMs);
      if (!alive) await registry.register(instance, leaseMs);
    })()
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => {
        beating = undefined;
      });
  }, heartbeatMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await beating;
      await registry.deregister(instance.service, instance.instanceId);
    },
  };
}
